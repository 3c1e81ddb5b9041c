/**
 * Mixed loading, ADR 7.5.2.1 (JT/T 617.6): packages bearing different danger labels may travel
 * in one vehicle except where the table forbids it. What the table forbids, in short: goods of
 * class 1 (explosives, except division 1.4) with goods of any other class, and self-reactive
 * substances (4.1) or organic peroxides (5.2) bearing an explosive subsidiary label (model 1)
 * with anything but class 1. The exemptions of footnotes a to d (1.4S, life-saving appliances,
 * ammonium nitrate emulsions with 5.1) are not modelled: such loads are refused and need a
 * manual decision.
 */
export interface Loadable {
  line: number;
  unClass: string | null;
  subsidiaryRisks: string[];
}

const isExplosive = (g: Loadable): boolean => !!g.unClass && g.unClass.startsWith('1') && !g.unClass.startsWith('1.4');
const explosiveSubsidiary = (g: Loadable): boolean =>
  !!g.unClass && /^(4\.1|5\.2)/.test(g.unClass) && g.subsidiaryRisks.includes('1');

/** Pairs of lines that must not be loaded together. */
export function segregationConflicts(goods: Loadable[]): Array<[number, number]> {
  const conflicts: Array<[number, number]> = [];
  for (let i = 0; i < goods.length; i++) {
    for (let j = i + 1; j < goods.length; j++) {
      const a = goods[i]!;
      const b = goods[j]!;
      const aClass1 = a.unClass?.startsWith('1') ?? false;
      const bClass1 = b.unClass?.startsWith('1') ?? false;
      const forbidden =
        (isExplosive(a) && !bClass1) ||
        (isExplosive(b) && !aClass1) ||
        (explosiveSubsidiary(a) && !bClass1 && !explosiveSubsidiary(b)) ||
        (explosiveSubsidiary(b) && !aClass1 && !explosiveSubsidiary(a));
      if (forbidden) conflicts.push([a.line, b.line]);
    }
  }
  return conflicts;
}
