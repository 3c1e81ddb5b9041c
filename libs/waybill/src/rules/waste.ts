import type { ManifestView } from '@lib/ledger';
import type { ProblemItem } from '@lib/platform';

/**
 * A waybill carrying hazardous waste (《危险废物转移管理办法》 2021; 固废法 Art. 82): a waste lot
 * (one with a 危废代码) travels only under its transfer manifest (危险废物转移联单), and the waybill
 * must agree with what the manifest names: its transporter is the carrier, its facilities are the
 * loading and unloading ones, its goods are the lines, its receiver is the consignee; a manifest
 * across a provincial border needs the approval ecology/environment asserted.
 */
export interface WasteTrip {
  carrierId: string;
  consigneeId: string | null;
  loadingFacilityId: string;
  unloadingFacilityId: string;
  manifestId: string | null;
  items: Array<{ line: number; chemicalId: string; lotId: string | null }>;
  /** Lots on board that are hazardous waste, with their category. */
  wasteLots: Map<string, string>;
}

const p = (path: string, rule: string, message: string): ProblemItem => ({ path, rule, message });

export async function wasteProblems(
  trip: WasteTrip,
  lookup: (manifestId: string) => Promise<ManifestView | null>,
): Promise<ProblemItem[]> {
  if (!trip.manifestId)
    return trip.items
      .filter((i) => i.lotId && trip.wasteLots.has(i.lotId))
      .map((i) =>
        p(
          `items[${i.line - 1}].lotId`,
          'WASTE_MANIFEST_REQUIRED',
          `lot ${i.lotId} is hazardous waste (${trip.wasteLots.get(i.lotId!)}): name its transfer manifest`,
        ),
      );
  const m = await lookup(trip.manifestId);
  if (!m) return [p('manifestId', 'WASTE_MANIFEST_MISSING', 'the waste transfer manifest does not exist')];
  const out: ProblemItem[] = [];
  if (m.transporterEnterpriseId !== trip.carrierId)
    out.push(
      p('manifestId', 'WASTE_MANIFEST_CARRIER', `the carrier is not the transporter named on manifest ${m.number}`),
    );
  if (m.generatorFacilityId !== trip.loadingFacilityId || m.receiverFacilityId !== trip.unloadingFacilityId)
    out.push(p('manifestId', 'WASTE_MANIFEST_FACILITIES', `manifest ${m.number} names other facilities`));
  if (!trip.items.every((i) => i.chemicalId === m.chemicalId))
    out.push(p('items', 'WASTE_MANIFEST_GOODS', `manifest ${m.number} is for other goods`));
  if (trip.consigneeId && trip.consigneeId !== m.receiverEnterpriseId)
    out.push(
      p('consigneeId', 'WASTE_MANIFEST_RECEIVER', `the consignee is not the receiver named on manifest ${m.number}`),
    );
  if (m.crossProvince && m.approval?.status !== 'asserted')
    out.push(
      p(
        'manifestId',
        'CROSS_PROVINCE_UNAPPROVED',
        `manifest ${m.number} crosses from province ${m.generatorProvince} to ${m.receiverProvince} without the approval ecology/environment asserts (跨省转移审批)`,
      ),
    );
  return out;
}
