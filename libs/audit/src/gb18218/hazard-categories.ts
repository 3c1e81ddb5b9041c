import { type HazardCategory, TABLE_2, TABLE_3 } from './tables.js';

/** What the catalogue knows of a chemical that bears on GB 18218. */
export interface SubstanceFacts {
  chemicalId: string;
  name: string;
  cas: string | null;
  unClass: string | null;
  subsidiaryRisks: string[];
  packingGroups: string[];
  highlyToxic: boolean;
  /** Table 1 critical quantity (t), when the substance is named there. */
  table1CriticalT: number | null;
  /** β the catalogue carries for a Table 1 substance (null where its likely categories disagree). */
  catalogueBeta: number | null;
}

/**
 * The Table 2 categories of a substance not named in Table 1. The catalogue holds transport
 * classes (ADR), not GHS categories, so this is a mapping, and it is ours, not the standard's:
 * 2.1 → W2; 2.3 → J1 (剧毒) or J3; 2.2 with an oxidizer label → W4; 3 by packing group →
 * W5.1 (I), W5.3 (II), W5.4 (III); 4.1 → W10; 4.2 → W8; 4.3 → W11; 5.1 → W9.1 (I) or W9.2;
 * 5.2 → W7.2 (types C–F assumed: the catalogue does not say the type); 6.1 → J2 (I, or 剧毒),
 * J5 (II); explosives by division. Corrosives (8) and class 9 have no Table 2 row. Subsidiary
 * labels are mapped the same way; the lowest Q wins (§4.1.2 b).
 */
export function categoriesOf(s: SubstanceFacts): HazardCategory[] {
  const pg = s.packingGroups[0] ?? null;
  const out = new Set<HazardCategory>();
  const map = (cls: string, primary: boolean): void => {
    if (cls.startsWith('1.')) {
      const division = cls.slice(0, 3);
      out.add(division === '1.1' ? 'W1.1' : division === '1.4' ? 'W1.3' : 'W1.2');
      return;
    }
    switch (cls) {
      case '2.1':
        out.add('W2');
        break;
      case '2.3':
        out.add(s.highlyToxic ? 'J1' : 'J3');
        break;
      case '2.2':
        if (s.subsidiaryRisks.includes('5.1')) out.add('W4');
        break;
      case '3':
        out.add(pg === 'I' ? 'W5.1' : pg === 'III' ? 'W5.4' : 'W5.3');
        break;
      case '4.1':
        out.add('W10');
        break;
      case '4.2':
        out.add('W8');
        break;
      case '4.3':
        out.add('W11');
        break;
      case '5.1':
        // An oxidizing gas carries 5.1 as a subsidiary label of 2.2 (handled above).
        if (primary || !s.unClass?.startsWith('2')) out.add(pg === 'I' ? 'W9.1' : 'W9.2');
        break;
      case '5.2':
        out.add('W7.2');
        break;
      case '6.1':
        if (s.highlyToxic || pg === 'I') out.add('J2');
        else if (pg === 'II') out.add('J5');
        break;
      default:
        break;
    }
  };
  if (s.unClass) map(s.unClass, true);
  for (const sub of s.subsidiaryRisks) map(sub, false);
  return [...out];
}

export interface CriticalQuantity {
  Q: number;
  source: string;
  category: HazardCategory | null;
}

/** Q per §4.1.2: Table 1 for a named substance, else the lowest Table 2 value of its categories; null: not counted. */
export function criticalQuantity(s: SubstanceFacts): CriticalQuantity | null {
  if (s.table1CriticalT !== null)
    return { Q: s.table1CriticalT, source: 'GB 18218-2018 表1 (named substance)', category: null };
  const cats = categoriesOf(s);
  if (cats.length === 0) return null;
  const lowest = cats.reduce((a, b) =>
    TABLE_2[b].Q < TABLE_2[a].Q || (TABLE_2[b].Q === TABLE_2[a].Q && TABLE_2[b].beta > TABLE_2[a].beta) ? b : a,
  );
  return {
    Q: TABLE_2[lowest].Q,
    source: `GB 18218-2018 表2 ${lowest} ${TABLE_2[lowest].label} (from ADR class ${s.unClass ?? '?'}${s.packingGroups[0] ? ` PG ${s.packingGroups[0]}` : ''})`,
    category: lowest,
  };
}

/** β per §4.3: Table 3 for the named toxic gases, else Table 4 by category. */
export function correctionFactor(s: SubstanceFacts, q: CriticalQuantity): { beta: number; source: string } {
  const named = s.cas ? table3ByCas(s.cas) : null;
  if (named) return { beta: named.beta, source: `GB 18218-2018 表3 ${named.name}` };
  if (q.category) return { beta: TABLE_2[q.category].beta, source: `GB 18218-2018 表4 ${q.category}` };
  if (s.catalogueBeta !== null)
    return { beta: s.catalogueBeta, source: 'GB 18218-2018 表4, category of the Table 1 substance (catalogue)' };
  const cats = categoriesOf(s);
  if (cats.length > 0) {
    const beta = Math.max(...cats.map((c) => TABLE_2[c].beta));
    return { beta, source: `GB 18218-2018 表4 ${cats.join('/')} (from ADR class; the highest β)` };
  }
  return { beta: 1, source: 'GB 18218-2018 表4 (no category known: 1)' };
}

function table3ByCas(cas: string): { name: string; beta: number } | null {
  for (const c of cas.split(';').map((x) => x.trim())) if (TABLE_3[c]) return TABLE_3[c];
  return null;
}
