import { assessUnit, colourOf, type UnitAssessment } from '../gb18218/assessment.js';
import type { ProcessConditions } from '../gb18218/category-mapping.js';
import type { SubstanceFacts } from '../gb18218/hazard-categories.js';
import { capacityFor, designItems } from './design-quantities.js';

export interface FacilityFacts {
  id: string;
  enterpriseId: string;
  name: string;
  district: string;
  hazardUnitKind: string;
  capacities: Array<{ chemicalId?: string; unClass?: string; maxKg: number }>;
  peopleWithin500m: number;
  /** Process conditions confirmed by emergency management (表2 W5.1, W5.2). */
  processConditions?: ProcessConditions;
}

export interface StockRecord {
  id: string;
  chemicalId: string;
  kg: number;
  at: string;
  /** Count only: the adjust movements that cite it (kg). */
  adjustedKg?: number;
}

export interface Tolerance {
  ratio: number;
  kg: number;
}
export const DEFAULT_TOLERANCE: Tolerance = { ratio: 0.01, kg: 5 };

export type FindingKind = 'DECLARATION_MISMATCH' | 'COUNT_MISMATCH';
export type FlagKind = 'PEAK_EXCEEDS_DESIGN' | 'UNDECLARED_MAJOR_HAZARD' | 'NO_DESIGN_QUANTITY';

export interface Finding {
  kind: FindingKind;
  facilityId: string;
  chemicalId: string;
  recordId: string;
  recordAt: string;
  ledgerKg: number;
  recordedKg: number;
  /** recorded − ledger, kg. */
  differenceKg: number;
  differencePct: number | null;
  toleranceKg: number;
}

export interface Flag {
  kind: FlagKind;
  chemicalId?: string;
  detail: string;
}

export interface ReconciliationLine {
  chemicalId: string;
  name: string;
  ledgerKg: number;
  declared: StockRecord | null;
  counted: (StockRecord & { settled: boolean }) | null;
}

/** Per chemical, what the audit read: [chemicalId, ledger kg at T, peak kg in the year, design kg, declared kg, counted kg]. */
export type AuditInput = [string, number, number, number | null, number | null, number | null];

export interface FacilityAudit {
  facilityId: string;
  enterpriseId: string;
  name: string;
  district: string;
  hazardUnitKind: string;
  at: string;
  lines: ReconciliationLine[];
  findings: Finding[];
  /** GB 18218 on the design maximum quantities (the standard's q, §4.2.2). */
  design: UnitAssessment;
  /** The same sums on the highest stock the ledger shows over the past year. */
  actual: UnitAssessment;
  flags: Flag[];
  grade: 1 | 2 | 3 | 4 | null;
  colour: ReturnType<typeof colourOf>;
  peopleWithin500m: number;
  /** The inputs snapshot: enough to recompute every term (what a stored audit keeps). */
  inputs: AuditInput[];
  /** Design capacities declared by hazard class: [ADR class, kg] (part of the inputs snapshot). */
  classCapacities: Array<[string, number]>;
  /** The unit's process conditions the assessment used (part of the inputs snapshot). */
  processConditions: ProcessConditions;
}

/** An audit as stored by a run: the inputs snapshot, the sums, grade, findings and flags (terms are recomputed from the inputs). */
export type StoredAudit = Omit<FacilityAudit, 'lines' | 'design' | 'actual'> & {
  design: Omit<UnitAssessment, 'terms' | 'notCounted'>;
  actual: Omit<UnitAssessment, 'terms' | 'notCounted'>;
};

export function storedAudit(a: FacilityAudit): StoredAudit {
  const { lines: _lines, design, actual, ...rest } = a;
  const sums = ({ terms: _t, notCounted: _n, ...s }: UnitAssessment) => s;
  return { ...rest, design: sums(design), actual: sums(actual) };
}

/** The tolerance for a line: the larger of the ratio of the ledger's stock and the fixed kilograms. */
export const toleranceKg = (ledgerKg: number, t: Tolerance): number => Math.max(Math.abs(ledgerKg) * t.ratio, t.kg);

/**
 * One facility's audit at an instant T, from what was loaded for it: reconciliation of the ledger's
 * stock as of T with the declaration in force at T and the latest count before T (a difference
 * beyond the tolerance is a finding; a count settled by an adjust movement citing it brings the
 * ledger to the count, which clears it), and GB 18218 identification on design and on actual peak
 * stock, with the flags where the two disagree. Pure: the run and the API share it.
 */
export function auditFacility(input: {
  facility: FacilityFacts;
  at: Date;
  chemicals: Map<string, SubstanceFacts>;
  stock: Map<string, { stockKg: number; peakKg: number }>;
  declarations: Map<string, StockRecord>;
  counts: Map<string, StockRecord>;
  tolerance?: Tolerance;
}): FacilityAudit {
  const { facility: f, chemicals, stock, declarations, counts } = input;
  const tol = input.tolerance ?? DEFAULT_TOLERANCE;
  const name = (id: string): string => chemicals.get(id)?.name ?? id;
  const ids = [...new Set([...stock.keys(), ...declarations.keys(), ...counts.keys()])].sort();
  const lines: ReconciliationLine[] = [];
  const findings: Finding[] = [];
  const finding = (kind: FindingKind, chemicalId: string, r: StockRecord, ledgerKg: number): void => {
    const tolerance = toleranceKg(ledgerKg, tol);
    const difference = r.kg - ledgerKg;
    if (Math.abs(difference) <= tolerance + 1e-9) return;
    findings.push({
      kind,
      facilityId: f.id,
      chemicalId,
      recordId: r.id,
      recordAt: r.at,
      ledgerKg,
      recordedKg: r.kg,
      differenceKg: Math.round(difference * 1000) / 1000,
      differencePct: ledgerKg === 0 ? null : Math.round((difference / ledgerKg) * 10000) / 100,
      toleranceKg: Math.round(tolerance * 1000) / 1000,
    });
  };
  for (const chemicalId of ids) {
    const declared = declarations.get(chemicalId) ?? null;
    const count = counts.get(chemicalId) ?? null;
    const ledgerKg = stock.get(chemicalId)?.stockKg ?? 0;
    lines.push({
      chemicalId,
      name: name(chemicalId),
      ledgerKg,
      declared,
      counted: count ? { ...count, settled: (count.adjustedKg ?? 0) !== 0 } : null,
    });
    if (declared) finding('DECLARATION_MISMATCH', chemicalId, declared, ledgerKg);
    if (count) finding('COUNT_MISMATCH', chemicalId, count, ledgerKg);
  }

  const substance = (id: string): SubstanceFacts | undefined => chemicals.get(id);
  const process = f.processConditions ?? {};
  const held = [...stock.entries()].filter(([, s]) => s.peakKg > 0).map(([id]) => id);
  const designed = designItems(f.capacities, chemicals, held, process);
  const actualItems = [...stock.entries()]
    .filter(([id, s]) => s.peakKg > 0 && substance(id))
    .map(([id, s]) => ({
      substance: substance(id)!,
      qKg: s.peakKg,
      qSource: `peak stock in the ledger over the past year (${s.peakKg} kg)`,
    }));
  const design = assessUnit(designed, f.peopleWithin500m, process);
  const actual = assessUnit(actualItems, f.peopleWithin500m, process);

  const flags: Flag[] = [];
  for (const [id, s] of stock) {
    const cap = f.capacities.find((c) => c.chemicalId === id);
    // Held with no design quantity of its own nor of a class that covers it (§4.2.2 needs one).
    if (s.peakKg > 0 && !capacityFor(f.capacities, id, substance(id)))
      flags.push({
        kind: 'NO_DESIGN_QUANTITY',
        chemicalId: id,
        detail: `${name(id)} held (peak ${s.peakKg} kg) without a design quantity (none for it or its class)`,
      });
    if (cap && s.peakKg > cap.maxKg + 0.0005)
      flags.push({
        kind: 'PEAK_EXCEEDS_DESIGN',
        chemicalId: id,
        detail: `${name(id)}: peak ${s.peakKg} kg in the ledger exceeds the design maximum ${cap.maxKg} kg`,
      });
  }
  if (actual.major && !design.major)
    flags.push({
      kind: 'UNDECLARED_MAJOR_HAZARD',
      detail: `S on actual peak stock is ${round(actual.S)} (≥ 1) while the design quantities give ${round(design.S)}: the declaration is wrong`,
    });
  const inputs: AuditInput[] = [
    ...new Set([...ids, ...f.capacities.flatMap((c) => (c.chemicalId ? [c.chemicalId] : []))]),
  ]
    .sort()
    .map((id) => [
      id,
      stock.get(id)?.stockKg ?? 0,
      stock.get(id)?.peakKg ?? 0,
      f.capacities.find((c) => c.chemicalId === id)?.maxKg ?? null,
      declarations.get(id)?.kg ?? null,
      counts.get(id)?.kg ?? null,
    ]);
  // The grade is the worse of design and actual (a unit that held more than it declared is graded on what it held).
  const grade = worse(design.grade, actual.grade);
  return {
    facilityId: f.id,
    enterpriseId: f.enterpriseId,
    name: f.name,
    district: f.district,
    hazardUnitKind: f.hazardUnitKind,
    at: input.at.toISOString(),
    lines,
    findings,
    design,
    actual,
    flags,
    grade,
    colour: colourOf(grade),
    peopleWithin500m: f.peopleWithin500m,
    inputs,
    classCapacities: f.capacities.flatMap((c) =>
      !c.chemicalId && c.unClass ? [[c.unClass, c.maxKg] as [string, number]] : [],
    ),
    processConditions: process,
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
function worse(a: 1 | 2 | 3 | 4 | null, b: 1 | 2 | 3 | 4 | null): 1 | 2 | 3 | 4 | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b) as 1 | 2 | 3 | 4;
}
