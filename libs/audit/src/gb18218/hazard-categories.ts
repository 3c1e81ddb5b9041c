import { type DerivedCategory, deriveCategories, type ProcessConditions, processCategory } from './category-mapping.js';
import { type HazardCategory, TABLE_2, TABLE_3 } from './tables.js';

/** What the catalogue knows of a chemical that bears on GB 18218. */
export interface SubstanceFacts {
  chemicalId: string;
  name: string;
  cas: string | null;
  unNumber?: string | null;
  unClass: string | null;
  subsidiaryRisks: string[];
  packingGroups: string[];
  /** solid, liquid, gas, liquefied_gas (the catalogue's transport form). */
  physicalState?: string | null;
  highlyToxic: boolean;
  /** Table 1 critical quantity (t), when the substance is named there (a decimal: as the catalogue holds it). */
  table1CriticalT: number | string | null;
  /** β the catalogue carries for a Table 1 substance (null where its likely categories disagree). */
  catalogueBeta: number | string | null;
  /** A category decided elsewhere (a design capacity declared for a hazard class: classCategory). */
  assignedCategory?: DerivedCategory | null;
}

/**
 * The Table 2 categories of a substance, one per hazard (main, each subsidiary with its own
 * severity, 剧毒), each with the row of CATEGORY_MAPPING that gave it (category-mapping.ts);
 * a unit's process conditions move flammable liquids of categories 2 and 3 to W5.1 or W5.2.
 */
export function categoriesWithSources(s: SubstanceFacts, process?: ProcessConditions): DerivedCategory[] {
  if (s.assignedCategory !== undefined) return s.assignedCategory ? [s.assignedCategory] : [];
  const applies = process && (!process.chemicalIds?.length || process.chemicalIds.includes(s.chemicalId));
  return derivedOf(s).map((c) => {
    const moved = applies ? processCategory(c.category, process) : undefined;
    return moved ? { ...c, category: moved.category, source: `${c.source}; ${moved.source}` } : c;
  });
}

/** The class-derived categories of a substance, derived once per facts object (a city audit asks for each many times). */
const derived = new WeakMap<SubstanceFacts, DerivedCategory[]>();
function derivedOf(s: SubstanceFacts): DerivedCategory[] {
  let out = derived.get(s);
  if (!out) {
    out = deriveCategories({
      unNumber: s.unNumber ?? null,
      unClass: s.unClass,
      subsidiaryRisks: s.subsidiaryRisks,
      packingGroups: s.packingGroups,
      highlyToxic: s.highlyToxic,
      physicalState: s.physicalState ?? null,
    });
    derived.set(s, out);
  }
  return out;
}

export function categoriesOf(s: SubstanceFacts, process?: ProcessConditions): HazardCategory[] {
  return [...new Set(categoriesWithSources(s, process).map((c) => c.category))];
}

export interface CriticalQuantity {
  /** Q in tonnes, as printed (a decimal string, exact). */
  Q: string;
  source: string;
  category: HazardCategory | null;
}

const pgText = (s: SubstanceFacts): string => (s.packingGroups.length ? ` PG ${s.packingGroups.join('/')}` : '');

/** Q per §4.1.2: Table 1 for a named substance, else the lowest Table 2 value of its categories; null: not counted. */
export function criticalQuantity(s: SubstanceFacts, process?: ProcessConditions): CriticalQuantity | null {
  if (s.table1CriticalT !== null)
    return { Q: String(s.table1CriticalT), source: 'GB 18218-2018 表1 (named substance)', category: null };
  const cats = categoriesWithSources(s, process);
  if (cats.length === 0) return null;
  // §4.1.2 b: the lowest critical quantity; of equal ones, the larger β (the more severe reading).
  const lowest = cats.reduce((a, b) =>
    TABLE_2[b.category].Q < TABLE_2[a.category].Q ||
    (TABLE_2[b.category].Q === TABLE_2[a.category].Q && TABLE_2[b.category].beta > TABLE_2[a.category].beta)
      ? b
      : a,
  );
  const c = lowest.category;
  return {
    Q: String(TABLE_2[c].Q),
    source: `GB 18218-2018 表2 ${c} ${TABLE_2[c].label} (ADR ${s.unClass ?? 'class unknown'}${pgText(s)}${s.subsidiaryRisks.length ? ` (${s.subsidiaryRisks.join(', ')})` : ''}${s.highlyToxic ? ', 剧毒' : ''}: ${lowest.source})`,
    category: c,
  };
}

/** β per §4.3: Table 3 for the named toxic gases, else Table 4 by category. */
export function correctionFactor(
  s: SubstanceFacts,
  q: CriticalQuantity,
  process?: ProcessConditions,
): { beta: string; source: string } {
  const named = table3Of(s);
  if (named) return { beta: String(named.beta), source: `GB 18218-2018 表3 ${named.name}` };
  if (q.category) return { beta: String(TABLE_2[q.category].beta), source: `GB 18218-2018 表4 ${q.category}` };
  if (s.catalogueBeta !== null)
    return {
      beta: String(s.catalogueBeta),
      source: 'GB 18218-2018 表4, category of the Table 1 substance (catalogue)',
    };
  const cats = categoriesOf(s, process);
  if (cats.length > 0) {
    const beta = Math.max(...cats.map((c) => TABLE_2[c].beta));
    return { beta: String(beta), source: `GB 18218-2018 表4 ${cats.join('/')} (from the ADR class; the highest β)` };
  }
  return { beta: '1', source: 'GB 18218-2018 表4 (no category known: 1)' };
}

/**
 * The Table 3 row of a substance: its CAS is named there and it is the named gas itself (an entry
 * with no UN number, or one of the gas's own UN entries), not a solution that shares the CAS.
 */
export function table3Of(s: SubstanceFacts): { name: string; beta: number } | null {
  if (!s.cas) return null;
  for (const c of s.cas.split(';').map((x) => x.trim())) {
    const row = TABLE_3[c];
    if (row && (!s.unNumber || row.un.includes(s.unNumber))) return row;
  }
  return null;
}
