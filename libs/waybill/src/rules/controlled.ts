/**
 * Controlled chemicals on an e-waybill: the permits a trip travels under, each judged against the
 * trip (chemical, quantity, consignee, vehicles, route, dates) by the registry's pure permit rules.
 * - 剧毒化学品道路运输通行证 (Decree 591 Art. 50; 《剧毒化学品购买和公路运输许可证件管理办法》): the
 *   pass the waybill names, issued by police to the consignor or carrier, for this route, these
 *   vehicles, chemicals and quantity, over the whole trip; one pass covers one trip.
 * - 易制毒化学品运输许可证 / 运输备案证明 (《易制毒化学品管理条例》 Art. 20–22): categories 1 and 2 a
 *   permit, category 3 a filing, held by the consignor, naming the chemical, quantity, consignee
 *   and vehicles; each trip consumes its quantity.
 * Uses are booked when the waybill is loaded (the trip starts), so a pass taken by a loaded trip
 * refuses every other.
 */
import { classCovers } from '@lib/geofence';
import type { ProblemItem } from '@lib/platform';
import {
  type ChemicalView,
  choosePermit,
  grams,
  type LicenceKind,
  type PermitFacts,
  type PermitShortfall,
  type PermitUse,
} from '@lib/registry';
import type { ContentForRules } from './context.js';

/** The registry's permits of a kind held by these enterprises (RegistryLookup.permits). */
export interface PermitSource {
  permits(
    kind: LicenceKind,
    holderIds: string[],
    number: string | null,
    exceptSubjectId: string | null,
  ): Promise<Array<PermitFacts & { usedBy: string[] }>>;
}

export interface ControlledTrip {
  problems: ProblemItem[];
  /** What the trip consumes of its permits, booked at loading. */
  uses: PermitUse[];
}

const p = (path: string, rule: string, message: string): ProblemItem => ({ path, rule, message });

/** kg per chemical over these lines, summed in grams. */
export function kgByChemical(items: ReadonlyArray<{ chemicalId: string; quantityKg: number }>): Map<string, number> {
  const g = new Map<string, number>();
  for (const i of items) g.set(i.chemicalId, (g.get(i.chemicalId) ?? 0) + grams(i.quantityKg));
  return new Map([...g].map(([id, x]) => [id, x / 1000]));
}

export async function controlledTrip(
  c: ContentForRules,
  chems: ChemicalView[],
  tripStart: string,
  tripEnd: string,
  registry: PermitSource,
): Promise<ControlledTrip> {
  const pass = await toxicPass(c, chems, tripStart, tripEnd, registry);
  const precursors = await drugPrecursors(c, chems, tripStart, tripEnd, registry);
  return { problems: [...pass.problems, ...precursors.problems], uses: [...pass.uses, ...precursors.uses] };
}

/** The vehicles of the transport unit: a pass or permit names each (Decree 591 Art. 50; 条例 Art. 21). */
const unit = (c: ContentForRules): string[] => [c.vehicleId, ...(c.trailerId ? [c.trailerId] : [])];

async function toxicPass(
  c: ContentForRules,
  chems: ChemicalView[],
  tripStart: string,
  tripEnd: string,
  registry: PermitSource,
): Promise<ControlledTrip> {
  const toxic = chems.filter((x) => x.highlyToxic);
  if (!toxic.length) return { problems: [], uses: [] };
  const pass = c.toxicPass;
  if (!pass)
    return {
      problems: [
        p(
          'toxicPass',
          'TOXIC_PASS_REQUIRED',
          'a highly toxic (剧毒) load needs the police road transport pass (剧毒化学品道路运输通行证)',
        ),
      ],
      uses: [],
    };
  const out: ProblemItem[] = [];
  if (pass.routeId !== c.routeId)
    out.push(p('toxicPass.routeId', 'TOXIC_PASS_ROUTE', 'the pass permits another route'));
  const records = await registry.permits('highly_toxic_road_pass', [c.consignorId, c.carrierId], pass.number, null);
  const record = records.find((l) => l.status === 'verified');
  if (!record) {
    const pending = records.some((l) => l.status === 'pending');
    out.push(
      p(
        'toxicPass.number',
        'TOXIC_PASS_NOT_VERIFIED',
        pending
          ? `road pass ${pass.number} awaits verification by police`
          : `no road pass ${pass.number} issued by police is on record for the consignor or the carrier`,
      ),
    );
    return { problems: out, uses: [] };
  }
  if (record.validFrom > tripStart || record.validTo < tripEnd)
    out.push(
      p(
        'toxicPass',
        'TOXIC_PASS_NOT_VALID',
        `the pass is valid ${record.validFrom} to ${record.validTo}, not over the whole trip`,
      ),
    );
  if (record.routeIds.length && !record.routeIds.includes(c.routeId))
    out.push(p('toxicPass.routeId', 'TOXIC_PASS_ROUTE', `pass ${record.number} permits other routes`));
  for (const [path, v] of [
    ['vehicleId', c.vehicleId] as const,
    ...(c.trailerId ? [['trailerId', c.trailerId] as const] : []),
  ])
    if (!record.vehicleIds.includes(v))
      out.push(p(path, 'TOXIC_PASS_VEHICLE', `pass ${record.number} does not name this vehicle`));
  for (const chem of toxic) {
    const covered = record.chemicalIds.includes(chem.id) || record.classes.some((cl) => classCovers(cl, chem.unClass));
    if (!covered) out.push(p('items', 'TOXIC_PASS_CHEMICAL', `pass ${record.number} does not cover ${chem.nameZh}`));
  }
  if (record.counterpartyId && record.counterpartyId !== c.consigneeId)
    out.push(p('consigneeId', 'TOXIC_PASS_CONSIGNEE', `pass ${record.number} names another consignee`));
  // The highly toxic lines together, in grams: 2 lines of 250.5 kg are 501 kg against a 500 kg pass.
  const byChemical = kgByChemical(c.items);
  const toxicG = toxic.reduce((sum, chem) => sum + grams(byChemical.get(chem.id) ?? 0), 0);
  if (record.permittedQuantityKg === null || toxicG > grams(record.permittedQuantityKg))
    out.push(
      p(
        'items',
        'TOXIC_PASS_QUANTITY',
        `pass ${record.number} allows ${record.permittedQuantityKg ?? 0} kg; the load is ${toxicG / 1000} kg`,
      ),
    );
  if (record.usedBy.length)
    out.push(
      p('toxicPass.number', 'TOXIC_PASS_USED', `pass ${record.number} was used by another trip: one pass, one trip`),
    );
  if (out.length) return { problems: out, uses: [] };
  return { problems: [], uses: [{ licenceId: record.id, chemicalId: toxic[0]!.id, quantityKg: toxicG / 1000 }] };
}

/**
 * A permit found overdrawn when it is booked under its lock at loading (another trip was loaded
 * under it meanwhile), named by the rule that judged it at submission.
 */
export function tripShortfall(s: PermitShortfall): ProblemItem {
  if (s.kind === 'highly_toxic_road_pass')
    return s.code === 'PERMIT_USED'
      ? p('toxicPass.number', 'TOXIC_PASS_USED', `pass ${s.text}: one pass, one trip`)
      : p('items', 'TOXIC_PASS_QUANTITY', `pass ${s.text}`);
  return p('items', `DRUG_PRECURSOR_TRANSPORT_${s.code}`, s.text);
}

async function drugPrecursors(
  c: ContentForRules,
  chems: ChemicalView[],
  tripStart: string,
  tripEnd: string,
  registry: PermitSource,
): Promise<ControlledTrip> {
  const out: ControlledTrip = { problems: [], uses: [] };
  const byChemical = kgByChemical(c.items);
  for (const chem of chems) {
    const category = chem.drugPrecursorCategory;
    if (!category) continue;
    // Art. 20: categories 1 and 2 travel under a permit, category 3 under a filing.
    const kind: LicenceKind = category === 3 ? 'drug_precursor_transport_filing' : 'drug_precursor_transport_permit';
    const what = category === 3 ? 'transport filing (运输备案证明)' : 'transport permit (运输许可证)';
    const candidates = await registry.permits(kind, [c.consignorId], null, null);
    if (!candidates.length) {
      out.problems.push(
        p(
          'items',
          category === 3 ? 'DRUG_PRECURSOR_TRANSPORT_FILING_REQUIRED' : 'DRUG_PRECURSOR_TRANSPORT_PERMIT_REQUIRED',
          `${chem.nameZh} is a category ${category} drug precursor (易制毒): the consignor needs a police ${what}`,
        ),
      );
      continue;
    }
    const quantityKg = byChemical.get(chem.id) ?? 0;
    const chosen = choosePermit(candidates, {
      chemical: chem,
      from: tripStart,
      to: tripEnd,
      quantityKg,
      counterpartyId: c.consigneeId,
      vehicleIds: unit(c),
    });
    if (chosen.permit) out.uses.push({ licenceId: chosen.permit.id, chemicalId: chem.id, quantityKg });
    else
      for (const x of chosen.problems)
        out.problems.push(p('items', `DRUG_PRECURSOR_TRANSPORT_${x.code}`, `${chem.nameZh}: ${x.text}`));
  }
  return out;
}
