/**
 * Mixed loading, ADR 7.5.2.1 (JT/T 617.6 7.5.2.1): packages bearing different danger labels may
 * not be loaded in one vehicle unless the table allows it. The table, by label:
 *
 *            1    1.4   1.5   1.6   4.1+1 5.2+1  5.1  9       any other label (2, 3, 4.1, 4.2, 4.3,
 *                                                               5.2, 6.1, 6.2, 7, 8)
 *   1        X    X     X     X     -     -      d    b       -
 *   1.4      X    X     X     X     -     -      a    a,b,c   a
 *   1.5      X    X     X     X     -     -      d    b       -
 *   1.6      X    X     X     X     -     -      -    b       -
 *   4.1+1    -    -     -     -     X     X      -    -       -
 *   5.2+1    -    -     -     -     X     X      -    -       -
 *   other    -    a     -     -     -     -      X    X       X
 *
 * X: allowed; -: forbidden; letters: allowed only as the footnote says:
 *   a  only substances and articles of division 1.4, compatibility group S, travel with other
 *      classes (the rest of 1.4 does not);
 *   b  goods of class 1 with life-saving appliances of class 9 (UN 2990, 3072, 3268);
 *   c  safety devices, pyrotechnic, 1.4G (UN 0503) with safety devices, electrically initiated,
 *      class 9 (UN 3268);
 *   d  blasting explosives (except UN 0083, type C) with ammonium nitrate (UN 1942, 2067) and the
 *      alkali and alkaline earth metal nitrates, the whole then treated as blasting explosives.
 * Class 1 among itself is governed by the compatibility groups of 7.5.2.2, which this table does
 * not model (X above): class 1 loads are rare on the roads of this service and need the public
 * security permit anyway. 4.1+1 and 5.2+1 are self-reactive substances and organic peroxides
 * bearing an explosive subsidiary label (model 1).
 */
export interface Loadable {
  line: number;
  unNumber: string | null;
  unClass: string | null;
  subsidiaryRisks: string[];
}

export interface Conflict {
  lines: [number, number];
  labels: [string, string];
}

const CLASS_1 = new Set(['1', '1.4', '1.5', '1.6']);
const EXPLOSIVE_SUBSIDIARY = new Set(['4.1+1', '5.2+1']);
/** Footnote b: life-saving appliances of class 9. */
const LIFE_SAVING = new Set(['2990', '3072', '3268']);
/** Footnote d: blasting explosives (UN 0083, type C, excepted). */
const BLASTING = new Set(['0081', '0082', '0084', '0241', '0331', '0332']);
/** Footnote d: ammonium nitrate and the alkali and alkaline earth metal nitrates. */
const NITRATES = new Set([
  '1942',
  '2067',
  '1451',
  '2722',
  '1486',
  '1477',
  '1498',
  '1446',
  '2464',
  '1454',
  '1474',
  '1507',
]);

/** The danger labels a line's packages bear (main, then subsidiary). */
export function labelsOf(g: Loadable): string[] {
  const c = g.unClass;
  if (!c) return [];
  let main: string;
  if (c.startsWith('1')) {
    const division = c.slice(0, 3);
    main = division === '1.4' || division === '1.5' || division === '1.6' ? division : '1';
  } else if ((c === '4.1' || c === '5.2') && g.subsidiaryRisks.includes('1')) main = `${c}+1`;
  else if (c.startsWith('2')) main = '2';
  else if (c.startsWith('7')) main = '7';
  else main = c;
  const subsidiary = g.subsidiaryRisks
    .filter((s) => !(s === '1' && main.endsWith('+1')))
    .map((s) => (s.startsWith('2') ? '2' : s.startsWith('1') ? '1' : s));
  return [...new Set([main, ...subsidiary])];
}

const compatibilityGroup = (g: Loadable): string => /([A-SN])$/.exec(g.unClass ?? '')?.[1] ?? '';

/** May a package labelled `la` (line a) travel with one labelled `lb` (line b)? */
function allowed(la: string, a: Loadable, lb: string, b: Loadable): boolean {
  if (la === lb) return true;
  if (CLASS_1.has(la) && CLASS_1.has(lb)) return true; // 7.5.2.2
  if (EXPLOSIVE_SUBSIDIARY.has(la) || EXPLOSIVE_SUBSIDIARY.has(lb))
    return EXPLOSIVE_SUBSIDIARY.has(la) && EXPLOSIVE_SUBSIDIARY.has(lb);
  if (!CLASS_1.has(la) && !CLASS_1.has(lb)) return true;
  // One of the two is class 1: [x, xl] the explosive, [o, ol] the other.
  const [x, xl, o, ol] = CLASS_1.has(la) ? [a, la, b, lb] : [b, lb, a, la];
  if (xl === '1.4' && compatibilityGroup(x) === 'S') return true; // footnote a
  // Footnote c (UN 0503 with UN 3268) is a case of b, which names UN 3268 too: both kept for the reader.
  if (xl === '1.4' && ol === '9' && x.unNumber === '0503' && o.unNumber === '3268') return true; // footnote c
  if (ol === '9' && LIFE_SAVING.has(o.unNumber ?? '')) return true; // footnote b
  if ((xl === '1' || xl === '1.5') && ol === '5.1' && BLASTING.has(x.unNumber ?? '') && NITRATES.has(o.unNumber ?? ''))
    return true; // footnote d
  return false;
}

/** Pairs of lines that must not be loaded together, with the labels that forbid it. */
export function segregationConflicts(goods: Loadable[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (let i = 0; i < goods.length; i++) {
    for (let j = i + 1; j < goods.length; j++) {
      const a = goods[i]!;
      const b = goods[j]!;
      let found: [string, string] | null = null;
      for (const la of labelsOf(a)) {
        for (const lb of labelsOf(b)) if (!found && !allowed(la, a, lb, b)) found = [la, lb];
      }
      if (found) conflicts.push({ lines: [a.line, b.line], labels: found });
    }
  }
  return conflicts;
}
