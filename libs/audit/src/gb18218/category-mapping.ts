import { type HazardCategory, TABLE_2 } from './tables.js';

/**
 * From what the catalogue holds (ADR class, packing group, subsidiary labels, 剧毒, physical
 * state) to GB 18218-2018 Table 2 categories (GHS categories by GB 30000). The standard assigns
 * categories by GHS class (§4.1.1); the catalogue holds transport classes, so this table is OUR
 * reading, each row with its reason. One row per hazard: the main class with its own packing group,
 * each subsidiary label with the severity ADR's precedence of hazards (ADR 2.1.3.10, 危险货物运输
 * JT/T 617.2) leaves it (a subsidiary hazard never takes the main hazard's packing group), and
 * 剧毒 by itself. The first row that matches a hazard decides it; a substance has every category
 * its hazards give and takes the lowest Q (§4.1.2 b). Named rows (`hazard: 'UN…'`) replace the
 * class-derived categories of that entry.
 */
export type PackingGroup = 'I' | 'II' | 'III';

export interface MappingRow {
  /** ADR class or division ('1.1' for explosives 1.1A–1.1L), '剧毒' (the 2015 catalogue's flag), or 'UN1790' (a named entry). */
  hazard: string;
  /** main: the entry's class (ADR Table A col 3a); subsidiary: a label of col 5 other than the class. Absent: either. */
  as?: 'main' | 'subsidiary';
  /** The main hazard's packing group ('none': no packing group, as for self-reactive substances). */
  pg?: PackingGroup | 'none';
  /** For a subsidiary hazard: the main class (a prefix: '2' covers 2.1–2.3) and its packing group. */
  under?: { cls: string; pg?: PackingGroup };
  state?: 'gas' | 'not_gas';
  category: HazardCategory | null;
  source: string;
}

const PRECEDENCE = 'ADR 2.1.3.10 (precedence of hazards)';
const CONSERVATIVE = 'severity of the subsidiary hazard not in the catalogue: the most severe it can be (conservative)';

export const CATEGORY_MAPPING: readonly MappingRow[] = [
  // Named entries whose transport class understates their GHS classification.
  {
    hazard: 'UN1790',
    category: 'J2',
    source:
      'UN1790 氢氟酸 (hydrofluoric acid) is the solution, not Table 1/Table 3 氟化氢 (the gas, UN1052): its GHS classification ' +
      '(EU CLP Annex VI index 009-003-00-1: Acute Tox. 1 dermal, H310; followed by 《危险化学品分类信息表》 氢氟酸 急性毒性-经皮 类别1) ' +
      'is acute toxicity category 1, a liquid → J2; ADR 8 (6.1) PG II alone would give only J5',
  },
  // 剧毒: the 2015 catalogue defines it by GHS acute toxicity category 1 (经口 LD50 ≤ 5 mg/kg, 经皮 ≤ 50 mg/kg, 吸入 LC50 ≤ 100 ml/m³ gas, 0.5 mg/L vapour, 0.05 mg/L dust/mist).
  {
    hazard: '剧毒',
    state: 'gas',
    category: 'J1',
    source: '《危险化学品目录（2015版）》说明: 剧毒 = 急性毒性类别1; a gas → 表2 J1 (类别1，所有暴露途径，气体)',
  },
  {
    hazard: '剧毒',
    category: 'J2',
    source:
      '《危险化学品目录（2015版）》说明: 剧毒 = 急性毒性类别1; not a gas (solid or liquid; the catalogue records every 剧毒 gas) → 表2 J2',
  },
  // Explosives: Table 2 names the divisions themselves.
  { hazard: '1.1', category: 'W1.1', source: '表2 W1.1 names division 1.1' },
  { hazard: '1.2', category: 'W1.2', source: '表2 W1.2 names divisions 1.2, 1.3, 1.5, 1.6' },
  { hazard: '1.3', category: 'W1.2', source: '表2 W1.2 names divisions 1.2, 1.3, 1.5, 1.6' },
  { hazard: '1.5', category: 'W1.2', source: '表2 W1.2 names divisions 1.2, 1.3, 1.5, 1.6' },
  { hazard: '1.6', category: 'W1.2', source: '表2 W1.2 names divisions 1.2, 1.3, 1.5, 1.6' },
  { hazard: '1.4', category: 'W1.3', source: '表2 W1.3 names division 1.4' },
  { hazard: '1', as: 'subsidiary', category: 'W1.1', source: `explosive subsidiary label: ${CONSERVATIVE} (1.1)` },
  // Gases.
  {
    hazard: '2.1',
    category: 'W2',
    source: 'ADR 2.2.2.1.3 F (flammable in air at 20 °C, 101.3 kPa) = GB 30000.3 flammable gas category 1 or 2 → W2',
  },
  {
    hazard: '2.3',
    category: 'J3',
    source:
      'ADR 2.2.2.1.3 T (LC50 ≤ 5000 ml/m³) not 剧毒: not category 1, at most category 2 or 3 gas → J3 (conservative where it is category 4)',
  },
  {
    hazard: '5.1',
    as: 'subsidiary',
    under: { cls: '2' },
    category: 'W4',
    source: 'ADR 2.2.2.1.3 O (oxidizing gas by ISO 10156) = GB 30000.5 oxidizing gas category 1 → W4',
  },
  { hazard: '2.2', category: null, source: 'non-flammable, non-toxic gas: no 表2 row (an oxidizing one carries 5.1)' },
  // Flammable liquids: ADR 2.2.3.1.3's packing groups are GB 30000.7's categories.
  {
    hazard: '3',
    as: 'main',
    pg: 'I',
    category: 'W5.1',
    source: 'ADR 2.2.3.1.3 PG I (fp < 23 °C, ibp ≤ 35 °C) = category 1 → W5.1',
  },
  {
    hazard: '3',
    as: 'main',
    pg: 'II',
    category: 'W5.3',
    source: 'ADR 2.2.3.1.3 PG II (fp < 23 °C, ibp > 35 °C) = category 2 → W5.3',
  },
  {
    hazard: '3',
    as: 'main',
    pg: 'III',
    category: 'W5.4',
    source: 'ADR 2.2.3.1.3 PG III (23 °C ≤ fp ≤ 60 °C) = category 3 → W5.4',
  },
  {
    hazard: '3',
    as: 'subsidiary',
    under: { cls: '8', pg: 'I' },
    category: 'W5.3',
    source: `${PRECEDENCE}: class 3 PG I prevails over class 8, so a class 8 PG I's flammability is PG II or III: category 2 (conservative) → W5.3`,
  },
  {
    hazard: '3',
    as: 'subsidiary',
    under: { cls: '8', pg: 'II' },
    category: 'W5.4',
    source: `${PRECEDENCE}: class 3 PG I and II prevail over class 8 PG II, so its flammability is PG III: category 3 → W5.4`,
  },
  {
    hazard: '3',
    as: 'subsidiary',
    under: { cls: '6.1', pg: 'II' },
    category: 'W5.4',
    source: `${PRECEDENCE}: class 3 PG I and II prevail over 6.1 PG II, so its flammability is PG III: category 3 → W5.4`,
  },
  {
    hazard: '3',
    as: 'subsidiary',
    category: 'W5.1',
    source: `flammable subsidiary hazard (e.g. 6.1 PG I by vapour inhalation prevails over any class 3): ${CONSERVATIVE}, category 1 → W5.1`,
  },
  // Flammable solids, self-reactive substances.
  {
    hazard: '4.1',
    as: 'main',
    pg: 'I',
    category: 'W10',
    source: 'ADR 4.1 PG I (desensitized explosives): no 表2 row of its own; W10 (conservative)',
  },
  {
    hazard: '4.1',
    as: 'main',
    pg: 'II',
    category: 'W10',
    source: 'ADR 2.2.41 PG II by test N.1 = GB 30000.8 flammable solid category 1 → W10',
  },
  {
    hazard: '4.1',
    as: 'main',
    pg: 'III',
    category: null,
    source: 'ADR 4.1 PG III = flammable solid category 2: 表2 W10 covers category 1 only',
  },
  {
    hazard: '4.1',
    as: 'main',
    pg: 'none',
    category: 'W6.1',
    source:
      'ADR 4.1 without PG: self-reactive substance, its type not in the catalogue → W6.1 (types A/B, conservative)',
  },
  {
    hazard: '4.1',
    as: 'subsidiary',
    category: 'W10',
    source: `flammable-solid label: ${CONSERVATIVE} (category 1) → W10`,
  },
  {
    hazard: '4.2',
    as: 'main',
    pg: 'I',
    category: 'W8',
    source: 'ADR 4.2 PG I (pyrophoric) = GB 30000.10/.11 category 1 → W8',
  },
  {
    hazard: '4.2',
    as: 'main',
    category: null,
    source: 'ADR 4.2 PG II/III (self-heating, GB 30000.12): 表2 W8 covers pyrophoric category 1 only',
  },
  {
    hazard: '4.2',
    as: 'subsidiary',
    category: 'W8',
    source: `spontaneously combustible label: ${CONSERVATIVE} (pyrophoric) → W8`,
  },
  {
    hazard: '4.3',
    as: 'main',
    pg: 'I',
    category: 'W11',
    source: 'ADR 2.2.43 PG I by test N.5 = GB 30000.13 category 1 → W11',
  },
  { hazard: '4.3', as: 'main', pg: 'II', category: 'W11', source: 'ADR 4.3 PG II by test N.5 = category 2 → W11' },
  {
    hazard: '4.3',
    as: 'main',
    pg: 'III',
    category: null,
    source: 'ADR 4.3 PG III = category 3: 表2 W11 covers categories 1 and 2 only',
  },
  {
    hazard: '4.3',
    as: 'subsidiary',
    category: 'W11',
    source: `dangerous-when-wet label: ${CONSERVATIVE} (category 1) → W11`,
  },
  // Oxidizers, organic peroxides.
  {
    hazard: '5.1',
    as: 'main',
    pg: 'I',
    category: 'W9.1',
    source: 'ADR 5.1 PG I by test O.1/O.2 = GB 30000.14/.15 category 1 → W9.1',
  },
  { hazard: '5.1', as: 'main', pg: 'II', category: 'W9.2', source: 'ADR 5.1 PG II = category 2 → W9.2' },
  { hazard: '5.1', as: 'main', pg: 'III', category: 'W9.2', source: 'ADR 5.1 PG III = category 3 → W9.2' },
  { hazard: '5.1', as: 'subsidiary', category: 'W9.1', source: `oxidizer label: ${CONSERVATIVE} (category 1) → W9.1` },
  {
    hazard: '5.2',
    category: 'W7.1',
    source:
      'organic peroxide, its type (A–F) not in the catalogue: W7.1 (types A/B, conservative; ADR 2.2.52 carries B–F)',
  },
  // Acute toxicity (6.1): ADR 2.2.61.1's oral and dermal limits are GB 30000.18's.
  {
    hazard: '6.1',
    as: 'main',
    pg: 'I',
    category: 'J2',
    source:
      'ADR 2.2.61.1 PG I (oral LD50 ≤ 5 mg/kg, dermal ≤ 50 mg/kg = category 1; inhalation PG I spans 1–2): category 1 (conservative) → J2',
  },
  {
    hazard: '6.1',
    as: 'main',
    pg: 'II',
    category: 'J5',
    source:
      'ADR 2.2.61.1 PG II (oral 5–50 mg/kg, dermal 50–200 mg/kg) = category 2, solid or liquid → J5 (J4 needs a boiling point the catalogue lacks)',
  },
  {
    hazard: '6.1',
    as: 'main',
    pg: 'III',
    category: null,
    source: 'ADR 6.1 PG III = category 3 by mouth or skin: no 表2 row',
  },
  {
    hazard: '6.1',
    as: 'subsidiary',
    under: { cls: '8', pg: 'II' },
    category: 'J5',
    source: `${PRECEDENCE}: 6.1 PG I and 6.1 PG II by inhalation prevail over 8 PG II, so its toxicity is 6.1 PG II (oral, dermal) or III: category 2 at most → J5`,
  },
  {
    hazard: '6.1',
    as: 'subsidiary',
    under: { cls: '8', pg: 'III' },
    category: null,
    source: `${PRECEDENCE}: 6.1 PG I and II prevail over 8 PG III, so its toxicity is 6.1 PG III: no 表2 row`,
  },
  {
    hazard: '6.1',
    as: 'subsidiary',
    under: { cls: '3', pg: 'II' },
    category: 'J5',
    source: `${PRECEDENCE}: 6.1 PG I (every route) prevails over 3 PG II, so its toxicity is 6.1 PG II or III: category 2 at most → J5`,
  },
  {
    hazard: '6.1',
    as: 'subsidiary',
    under: { cls: '3', pg: 'III' },
    category: 'J5',
    source: `${PRECEDENCE}: 6.1 PG I and II (but by mouth) prevail over 3 PG III, so its toxicity is at most 6.1 PG II oral: category 2 → J5`,
  },
  {
    hazard: '6.1',
    as: 'subsidiary',
    category: 'J2',
    source: `toxic label: ${CONSERVATIVE} (category 1, solid or liquid) → J2`,
  },
  // No Table 2 row.
  { hazard: '7', category: null, source: 'radioactive: outside GB 18218' },
  { hazard: '8', category: null, source: 'corrosive: no 表2 row' },
  { hazard: '9', category: null, source: 'miscellaneous: no 表2 row' },
];

/** Process conditions of a unit that move a flammable liquid's category (表2 W5.1, W5.2). */
export interface ProcessConditions {
  /** 工作温度高于沸点 (W5.1 for categories 2 and 3). */
  aboveBoilingPoint?: boolean;
  /** 危险化工工艺 (one of the 18 key-supervised processes, named). */
  hazardousProcess?: string | null;
  /** 爆炸极限范围或附近操作. */
  nearExplosionLimits?: boolean;
  /** Operating pressure, MPa (W5.2 above 1.6). */
  operatingPressureMPa?: number | null;
  /** The chemicals they apply to; absent: every flammable liquid of the unit. */
  chemicalIds?: string[];
}

export interface ProcessRow {
  from: readonly HazardCategory[];
  when: (p: ProcessConditions) => boolean;
  category: HazardCategory;
  source: string;
}

/** The first row that applies moves the category; W5.1 (Q 10) before W5.2 (Q 50). */
export const PROCESS_MAPPING: readonly ProcessRow[] = [
  {
    from: ['W5.3', 'W5.4'],
    when: (p) => p.aboveBoilingPoint === true,
    category: 'W5.1',
    source: '表2 W5.1: 类别2和3，工作温度高于沸点 (the unit’s process conditions)',
  },
  {
    from: ['W5.3', 'W5.4'],
    when: (p) => Boolean(p.hazardousProcess) || p.nearExplosionLimits === true || (p.operatingPressureMPa ?? 0) > 1.6,
    category: 'W5.2',
    source:
      '表2 W5.2: 类别2和3，危险化工工艺、爆炸极限范围或附近操作、操作压力大于1.6MPa (the unit’s process conditions)',
  },
];

/** The Table 2 categories of a substance not named in Table 1, each with the row that gave it. */
export interface HazardFacts {
  unNumber: string | null;
  unClass: string | null;
  subsidiaryRisks: string[];
  packingGroups: string[];
  highlyToxic: boolean;
  physicalState: string | null;
}

export interface DerivedCategory {
  category: HazardCategory;
  hazard: string;
  source: string;
}

const SEVERITY: Record<string, number> = { I: 1, II: 2, III: 3 };
/** ADR division as Table 2 reads it: '1.1D' → '1.1'; others as they are. */
const division = (cls: string): string => (cls.startsWith('1.') ? cls.slice(0, 3) : cls);
const within = (cls: string, prefix: string): boolean => cls === prefix || cls.startsWith(`${prefix}.`);
const isGas = (s: HazardFacts): boolean =>
  s.physicalState === 'gas' || s.physicalState === 'liquefied_gas' || (s.unClass?.startsWith('2') ?? false);

export function deriveCategories(s: HazardFacts): DerivedCategory[] {
  // An entry listing several packing groups (UN1402 'I;II') is read at its most severe.
  const pg = [...s.packingGroups].sort((a, b) => (SEVERITY[a] ?? 9) - (SEVERITY[b] ?? 9))[0] as
    PackingGroup | undefined;
  const mainCls = s.unClass ? division(s.unClass) : null;
  const state = isGas(s) ? 'gas' : 'not_gas';
  const match = (hazard: string, as: 'main' | 'subsidiary' | null): MappingRow | undefined =>
    CATEGORY_MAPPING.find(
      (r) =>
        r.hazard === hazard &&
        (r.as === undefined || as === null || r.as === as) &&
        (r.pg === undefined || (r.pg === 'none' ? pg === undefined : r.pg === pg)) &&
        (r.state === undefined || r.state === state) &&
        (r.under === undefined ||
          (mainCls !== null && within(mainCls, r.under.cls) && (r.under.pg === undefined || r.under.pg === pg))),
    );
  const out: DerivedCategory[] = [];
  const add = (hazard: string, row: MappingRow | undefined): void => {
    if (row?.category) out.push({ category: row.category, hazard, source: row.source });
  };
  if (s.unNumber) {
    const named = CATEGORY_MAPPING.find((r) => r.hazard === `UN${s.unNumber}`);
    if (named) {
      add(`UN${s.unNumber}`, named);
      return out;
    }
  }
  if (s.highlyToxic) add('剧毒', match('剧毒', null));
  if (mainCls) add(mainCls, match(mainCls, 'main'));
  for (const sub of s.subsidiaryRisks) add(`${division(sub)} (subsidiary)`, match(division(sub), 'subsidiary'));
  // 2.3 and 6.1 of a 剧毒 entry are category 1 (the 剧毒 row), not the class-derived J3/J5.
  return s.highlyToxic ? out.filter((c) => !['J3', 'J5'].includes(c.category) || c.hazard === '剧毒') : out;
}

/** The process row that moves a flammable liquid's category under a unit's conditions, if any. */
export function processCategory(c: HazardCategory, p: ProcessConditions | undefined): ProcessRow | undefined {
  if (!p) return undefined;
  return PROCESS_MAPPING.find((r) => r.from.includes(c) && r.when(p));
}

/**
 * The most severe category a hazard class can give (a design capacity declared for a class: any
 * member of the class may fill it). 剧毒 and named rows are left out: those chemicals are
 * declared one by one and counted by their own rows when held.
 */
export function classCategory(cls: string): DerivedCategory | null {
  const c = division(cls);
  const rows = CATEGORY_MAPPING.filter(
    (r) =>
      r.category && r.as !== 'subsidiary' && !r.hazard.startsWith('UN') && r.hazard !== '剧毒' && within(r.hazard, c),
  );
  if (rows.length === 0) return null;
  const worst = rows.reduce((a, b) => (TABLE_2[b.category!].Q < TABLE_2[a.category!].Q ? b : a));
  return { category: worst.category!, hazard: c, source: worst.source };
}
