import type { ManifestView } from '@lib/ledger';
import type { ProblemItem } from '@lib/platform';

/**
 * A waybill carrying hazardous waste (《危险废物转移管理办法》 2021; 固废法 Art. 82): a waste lot
 * (one with a 危废代码) travels only under its transfer manifest (危险废物转移联单), and the waybill
 * must agree with what the manifest names: its transporter is the carrier, its facilities are the
 * loading and unloading ones, its goods and lot are the lines, no more than it hands over, its
 * receiver is the consignee; a manifest across a provincial border needs the approval
 * ecology/environment asserted. One manifest travels on one active waybill.
 *
 * The manifest's states: a waybill may be filed (submitted) before the handover, so a created,
 * shipped or picked-up manifest is accepted then; loading needs it picked up (the transporter
 * confirmed it took the waste: WASTE_NOT_PICKED_UP), since the manifest's pickup and receipt are the
 * waste's ledger legs, not the waybill's (2021 rules Art. 13–14: the transporter confirms the
 * manifest when it takes the waste).
 */
export interface WasteTrip {
  consignorId: string;
  carrierId: string;
  consigneeId: string | null;
  loadingFacilityId: string;
  unloadingFacilityId: string;
  manifestId: string | null;
  items: Array<{ line: number; chemicalId: string; lotId: string | null; quantityKg: number }>;
  /** Lots on board that are hazardous waste, with their category. */
  wasteLots: Map<string, string>;
}

export interface WasteLookups {
  /** The manifest of this id if the consignor is its generator (another's answers null). */
  manifest: (manifestId: string) => Promise<ManifestView | null>;
  /** Whether another active waybill (submitted to arrived) names this manifest. */
  namedElsewhere: (manifestId: string) => Promise<boolean>;
}

/** The manifest states a waybill may be filed against, and the one loading needs. */
export const FILING_STATES: readonly string[] = ['created', 'shipped', 'picked_up'];
export const LOADING_STATE = 'picked_up';

/** Differences under half a gram are rounding. */
const GRAM = 0.0005;

const p = (path: string, rule: string, message: string): ProblemItem => ({ path, rule, message });

export async function wasteProblems(
  trip: WasteTrip,
  lookups: WasteLookups,
  stage: 'filing' | 'loading' = 'filing',
): Promise<ProblemItem[]> {
  const wasteItems = trip.items.filter((i) => i.lotId && trip.wasteLots.has(i.lotId));
  if (!trip.manifestId)
    return wasteItems.map((i) =>
      p(
        `items[${i.line - 1}].lotId`,
        'WASTE_MANIFEST_REQUIRED',
        `lot ${i.lotId} is hazardous waste (${trip.wasteLots.get(i.lotId!)}): name its transfer manifest`,
      ),
    );
  const m = await lookups.manifest(trip.manifestId);
  // Another generator's manifest answers as a missing one: its number, parties and provinces are theirs.
  if (!m || m.generatorEnterpriseId !== trip.consignorId)
    return [p('manifestId', 'WASTE_MANIFEST_MISSING', 'the consignor has no waste transfer manifest of this id')];
  const out: ProblemItem[] = [];
  if (!FILING_STATES.includes(m.state))
    out.push(
      p(
        'manifestId',
        'WASTE_MANIFEST_STATE',
        `manifest ${m.number} is ${m.state}: a waybill carries a manifest created, shipped or picked up`,
      ),
    );
  else if (stage === 'loading' && m.state !== LOADING_STATE)
    out.push(
      p(
        'manifestId',
        'WASTE_NOT_PICKED_UP',
        `manifest ${m.number} is ${m.state}: the transporter confirms pickup on the manifest before loading`,
      ),
    );
  if (m.transporterEnterpriseId !== trip.carrierId)
    out.push(
      p('manifestId', 'WASTE_MANIFEST_CARRIER', `the carrier is not the transporter named on manifest ${m.number}`),
    );
  if (m.generatorFacilityId !== trip.loadingFacilityId || m.receiverFacilityId !== trip.unloadingFacilityId)
    out.push(p('manifestId', 'WASTE_MANIFEST_FACILITIES', `manifest ${m.number} names other facilities`));
  if (!trip.items.every((i) => i.chemicalId === m.chemicalId))
    out.push(p('items', 'WASTE_MANIFEST_GOODS', `manifest ${m.number} is for other goods`));
  for (const i of wasteItems)
    if (i.lotId !== m.lotId)
      out.push(p(`items[${i.line - 1}].lotId`, 'WASTE_MANIFEST_LOT', `manifest ${m.number} is for another lot`));
  const allowedKg = m.shippedKg ?? m.plannedKg;
  const onBoardKg = wasteItems.filter((i) => i.lotId === m.lotId).reduce((s, i) => s + i.quantityKg, 0);
  if (onBoardKg > allowedKg + GRAM)
    out.push(
      p(
        'items',
        'WASTE_MANIFEST_QUANTITY',
        `the waste lines carry ${onBoardKg} kg; manifest ${m.number} hands over ${allowedKg} kg (${m.shippedKg === null ? 'planned' : 'shipped'})`,
      ),
    );
  if (trip.consigneeId && trip.consigneeId !== m.receiverEnterpriseId)
    out.push(
      p('consigneeId', 'WASTE_MANIFEST_RECEIVER', `the consignee is not the receiver named on manifest ${m.number}`),
    );
  if (m.crossProvince && m.approval?.status !== 'asserted')
    out.push(
      p(
        'manifestId',
        'CROSS_PROVINCE_UNAPPROVED',
        `manifest ${m.number} crosses a provincial border without the approval ecology/environment asserts (跨省转移审批)`,
      ),
    );
  if (await lookups.namedElsewhere(m.id))
    out.push(p('manifestId', 'WASTE_MANIFEST_IN_USE', `manifest ${m.number} travels on another active waybill`));
  return out;
}
