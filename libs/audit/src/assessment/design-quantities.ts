import { classCategory, type ProcessConditions } from '../gb18218/category-mapping.js';
import type { UnitItem } from '../gb18218/assessment.js';
import { correctionFactor, criticalQuantity, type SubstanceFacts } from '../gb18218/hazard-categories.js';

/** A design capacity as the registry holds it: for one chemical, or for an ADR hazard class. */
export interface DesignCapacity {
  chemicalId?: string;
  unClass?: string;
  maxKg: number;
}

/** A class capacity covers the chemicals whose ADR class lies within it ('2' covers 2.3, '1.1' covers 1.1D). */
export const covers = (capacityClass: string, chemicalClass: string | null): boolean =>
  chemicalClass !== null &&
  (chemicalClass === capacityClass ||
    chemicalClass.startsWith(`${capacityClass}.`) ||
    (capacityClass.startsWith('1.') && chemicalClass.startsWith(capacityClass)));

/** The capacity that accounts for a held chemical: its own, else the first class capacity covering it. */
export function capacityFor(
  capacities: DesignCapacity[],
  chemicalId: string,
  chemical: SubstanceFacts | undefined,
): DesignCapacity | undefined {
  return (
    capacities.find((c) => c.chemicalId === chemicalId) ??
    capacities.find((c) => !c.chemicalId && c.unClass && covers(c.unClass, chemical?.unClass ?? null))
  );
}

/** Q and β of a substance in this unit (Infinity: not counted). */
function severity(s: SubstanceFacts, process: ProcessConditions | undefined): { Q: number; beta: number } {
  const q = criticalQuantity(s, process);
  return q ? { Q: Number(q.Q), beta: Number(correctionFactor(s, q, process).beta) } : { Q: Infinity, beta: 0 };
}

/**
 * The design items of a unit (GB 18218 §4.2.2: q is the design maximum). A capacity for a chemical
 * counts as that chemical. A capacity declared for a hazard class counts once, as the most severe
 * of: the class's most severe Table 2 category (any member of the class may fill it:
 * category-mapping.ts classCategory) and each held chemical of the class that has no capacity of its
 * own (a Table 1 substance can be more severe than its class's Table 2 row).
 */
export function designItems(
  capacities: DesignCapacity[],
  chemicals: Map<string, SubstanceFacts>,
  heldIds: Iterable<string>,
  process?: ProcessConditions,
): UnitItem[] {
  const items: UnitItem[] = [];
  const held = [...new Set(heldIds)];
  for (const c of capacities) {
    if (c.chemicalId) {
      const s = chemicals.get(c.chemicalId);
      if (s) items.push({ substance: s, qKg: c.maxKg, qSource: `design maximum (${c.maxKg} kg, registry capacity)` });
      continue;
    }
    if (!c.unClass) continue;
    const cls = c.unClass;
    const category = classCategory(cls);
    const asClass: SubstanceFacts = {
      chemicalId: `class:${cls}`,
      name: `ADR ${cls} (design capacity by class)`,
      cas: null,
      unClass: cls,
      subsidiaryRisks: [],
      packingGroups: [],
      highlyToxic: false,
      table1CriticalT: null,
      catalogueBeta: null,
      assignedCategory: category
        ? { ...category, source: `capacity declared for ADR class ${cls}: its most severe row, ${category.source}` }
        : null,
    };
    const members = held
      .filter((id) => !capacities.some((x) => x.chemicalId === id))
      .map((id) => chemicals.get(id))
      .filter((s): s is SubstanceFacts => s !== undefined && covers(cls, s.unClass));
    const worst = members.reduce((a, b) => {
      const [x, y] = [severity(a, process), severity(b, process)];
      return y.Q < x.Q || (y.Q === x.Q && y.beta > x.beta) ? b : a;
    }, asClass);
    items.push({
      substance: worst,
      qKg: c.maxKg,
      qSource:
        worst === asClass
          ? `design maximum for ADR class ${cls} (${c.maxKg} kg, registry capacity)`
          : `design maximum for ADR class ${cls} (${c.maxKg} kg, registry capacity), counted as ${worst.name}, the most severe of the class held here`,
    });
  }
  return items;
}
