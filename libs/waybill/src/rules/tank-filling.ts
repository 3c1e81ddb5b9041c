import type { ProblemItem } from '@lib/platform';
import type { ChemicalView } from '@lib/registry';
import { type ContentForRules, itemPath, p, type Resolved } from './context.js';

/**
 * How full a tank compartment may be (罐体充装量), per compartment of a multi-compartment tank.
 *
 * Liquids, ADR 4.3.2.2.1 (JT/T 617.4): the maximum degree of filling, in % of capacity, is
 *   (a) 100 / (1 + α(50 − tF))  flammable, environmentally hazardous and other liquids, tanks with a
 *                               breather device or safety valve;
 *   (b)  98 / (1 + α(50 − tF))  corrosive liquids in such tanks;
 *   (c)  97 / (1 + α(50 − tF))  slightly toxic (6.1 packing group III) liquids in hermetically closed tanks;
 *   (d)  95 / (1 + α(50 − tF))  toxic liquids (6.1 packing group I or II, 剧毒) and highly corrosive
 *                               ones (class 8 packing group I) in hermetically closed tanks;
 * where α = (d15 − d50) / (35 × d50) is the mean coefficient of cubical expansion between 15 °C
 * and 50 °C (4.3.2.2.2) and tF the mean temperature of the liquid at filling. The vehicle record
 * does not say whether its tank is hermetically closed, so each case follows the tank codes ADR
 * gives the substance: toxic liquids travel in hermetically closed tanks (L4BH, L10CH), corrosive
 * ones of packing groups II and III in tanks with safety valves (L4BN), of packing group I in
 * hermetically closed ones (L10BH).
 *
 * The catalogue has one density per chemical (about 20 °C) and no α, so the defaults are: α =
 * 0.0012 /K (methanol 0.00119, toluene 0.00108; aqueous acids less, so the default errs on the
 * safe side for them) and tF = 15 °C, ADR's lower reference temperature. The factor
 * 1 / (1 + 0.0012 × 35) = 1 / 1.042 ≈ 0.9597. Worked example: 18,000 kg of methanol at 0.791 kg/L
 * is 22,756 L; a 24,500 L compartment takes 24,500 × 100 % / 1.042 = 23,512 L: within.
 * 20,000 kg is 25,284 L: over.
 *
 * Liquefied gases, ADR 4.3.3.2.5 (and T50 of 4.2.5.2.6 for portable tanks): the mass per litre
 * of capacity may not exceed the gas's filling ratio (kg/L; chlorine 1.25, ammonia 0.53). A
 * liquefied gas whose ratio the catalogue lacks (LPG mixtures, refrigerated liquids, gases ADR
 * does not allow in tanks) cannot be shown within its limit: it is refused (TANK_FILLING_UNKNOWN)
 * until admin records the ratio of its tank instruction, because overfilling is the hazard the
 * rule exists for and a guess in either direction is no check. A liquid without a density is
 * refused the same way. Compressed gases (filled by pressure) and solids are not checked here.
 */
export const DEFAULT_ALPHA_PER_K = 0.0012;
export const DEFAULT_FILLING_TEMPERATURE_C = 15;
/** ADR 4.3.2.2.1: the reference temperature the liquid must still fit at. */
const REFERENCE_TEMPERATURE_C = 50;

type Filling = Pick<
  ChemicalView,
  | 'unClass'
  | 'subsidiaryRisks'
  | 'packingGroups'
  | 'highlyToxic'
  | 'physicalState'
  | 'densityKgPerL'
  | 'fillingRatioKgPerL'
>;

/** The ADR 4.3.2.2.1 case and its base percentage for a liquid. */
export function fillingCase(chem: Filling): { clause: 'a' | 'b' | 'c' | 'd'; basePercent: number } {
  const labels = [chem.unClass ?? '', ...chem.subsidiaryRisks];
  const pg = chem.packingGroups[0] ?? 'II';
  if (chem.highlyToxic || labels.some((l) => l.startsWith('6.1')))
    return pg === 'III' && !chem.highlyToxic ? { clause: 'c', basePercent: 97 } : { clause: 'd', basePercent: 95 };
  if (labels.some((l) => l === '8'))
    return pg === 'I' ? { clause: 'd', basePercent: 95 } : { clause: 'b', basePercent: 98 };
  return { clause: 'a', basePercent: 100 };
}

/** The maximum degree of filling of a liquid, percent of capacity (ADR 4.3.2.2.1). */
export function maxFillingPercent(
  chem: Filling,
  alpha = DEFAULT_ALPHA_PER_K,
  fillingTemperatureC = DEFAULT_FILLING_TEMPERATURE_C,
): number {
  return fillingCase(chem).basePercent / (1 + alpha * (REFERENCE_TEMPERATURE_C - fillingTemperatureC));
}

/** The capacities of the carrying unit's compartments, litres (one compartment: its volume). */
export function compartmentsOf(unit: { tankVolumeM3: number | null; tankCompartmentsL?: number[] | null }): number[] {
  if (unit.tankCompartmentsL?.length) return unit.tankCompartmentsL;
  return unit.tankVolumeM3 === null ? [] : [Math.round(unit.tankVolumeM3 * 1000)];
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function tankFilling(c: ContentForRules, r: Resolved): ProblemItem[] {
  const carrying = r.trailer ?? r.vehicle;
  const tankItems = c.items.filter((i) => i.packaging === 'tank' && i.compartment !== null);
  // No tank at all is NOT_A_TANK (vehicle.ts); an unnamed compartment is COMPARTMENT_REQUIRED (load.ts).
  if (!carrying || carrying.tankVolumeM3 === null || tankItems.length === 0) return [];
  const capacities = compartmentsOf(carrying);
  const out: ProblemItem[] = [];
  const byCompartment = new Map<number, typeof tankItems>();
  for (const i of tankItems) {
    if (i.compartment! < 1 || i.compartment! > capacities.length) {
      out.push(
        p(
          itemPath(i.line, 'compartment'),
          'TANK_COMPARTMENT_UNKNOWN',
          `${carrying.plate} has ${capacities.length} compartment(s); there is no compartment ${i.compartment}`,
        ),
      );
      continue;
    }
    byCompartment.set(i.compartment!, [...(byCompartment.get(i.compartment!) ?? []), i]);
  }
  for (const [n, items] of byCompartment) {
    const capacityL = capacities[n - 1]!;
    // One chemical per compartment (COMPARTMENT_SHARED otherwise): judge by the first line's.
    const chem = r.chemicals.get(items[0]!.chemicalId);
    if (!chem) continue;
    const kg = items.reduce((s, i) => s + i.quantityKg, 0);
    const lines = items.map((i) => i.line).join(', ');
    const path = items.length === 1 ? itemPath(items[0]!.line, 'quantity') : 'items';
    if (chem.physicalState === 'gas' || chem.physicalState === 'solid') continue;
    if (chem.physicalState === 'liquefied_gas') {
      if (chem.fillingRatioKgPerL === null) {
        out.push(
          p(
            path,
            'TANK_FILLING_UNKNOWN',
            `${chem.nameZh} is a liquefied gas without a filling ratio (kg/L, ADR 4.3.3.2.5) in the catalogue: its filling of compartment ${n} cannot be checked`,
          ),
        );
        continue;
      }
      const maxKg = capacityL * chem.fillingRatioKgPerL;
      if (kg > maxKg + 0.0005)
        out.push(
          p(
            path,
            'TANK_OVERFILL',
            `compartment ${n} of ${carrying.plate} (${fmt(capacityL)} L) takes at most ${fmt(maxKg)} kg of ${chem.nameZh} at its filling ratio of ${chem.fillingRatioKgPerL} kg/L (ADR 4.3.3.2.5); line(s) ${lines} load ${fmt(kg)} kg`,
          ),
        );
      continue;
    }
    if (chem.densityKgPerL === null) {
      out.push(
        p(
          path,
          'TANK_FILLING_UNKNOWN',
          `${chem.nameZh} has no density in the catalogue: the volume it fills in compartment ${n} cannot be checked`,
        ),
      );
      continue;
    }
    const volumeL = kg / chem.densityKgPerL;
    const percent = maxFillingPercent(chem);
    const maxL = (capacityL * percent) / 100;
    if (volumeL > maxL + 0.0005)
      out.push(
        p(
          path,
          'TANK_OVERFILL',
          `compartment ${n} of ${carrying.plate} (${fmt(capacityL)} L) may be filled to ${fmt(percent, 2)} % (ADR 4.3.2.2.1(${fillingCase(chem).clause}), α ${DEFAULT_ALPHA_PER_K}/K, filled at ${DEFAULT_FILLING_TEMPERATURE_C} °C), ${fmt(maxL)} L; line(s) ${lines} load ${fmt(kg)} kg of ${chem.nameZh}, ${fmt(volumeL)} L at ${chem.densityKgPerL} kg/L`,
        ),
      );
  }
  return out;
}
