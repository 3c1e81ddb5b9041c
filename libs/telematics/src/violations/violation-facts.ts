import type { AlertFacts, WaybillAlertFacts } from '../assignments/alert-facts.js';
import type { ViolationEntity } from './violation.entity.js';

/**
 * What a violation names, kept on its row when it opens: the vehicle as people know it (plate and
 * plate colour), its target's name (route, zone, facility, or the waybill's number), and the trip
 * its assignment carried then. Its events (opened and closed) carry the same, so the exchange
 * publishes them as written.
 */
export interface ViolationFacts {
  plate: string | null;
  plateColour: number | null;
  targetName: string | null;
  waybill: WaybillAlertFacts | null;
}

/** The facts of a violation of `vehicleId` on `waybillId` under the vehicle's assignment (if it is that trip's). */
export function violationFacts(
  assignment: { waybillId: string | null; alertFacts: AlertFacts | null } | undefined,
  waybillId: string | null,
  vehicle: { plate: string | null; plateColour: number | null },
  target: { kind: ViolationEntity['targetKind']; name: string | null },
): ViolationFacts {
  const facts = assignment?.alertFacts ?? null;
  const trip = waybillId && assignment?.waybillId === waybillId ? (facts?.waybill ?? null) : null;
  return {
    plate: facts?.plate ?? vehicle.plate,
    plateColour: facts?.plateColour ?? vehicle.plateColour,
    targetName: target.name ?? (target.kind === 'waybill' ? (trip?.number ?? null) : null),
    waybill: trip,
  };
}

/**
 * The fields an event adds for its facts. The waybill part keeps the shape receivers read
 * (`waybill: {number, status, consignorId, …, items}`, `driverId`, `driver`, …) with names beside ids.
 */
export function factsPayload(f: ViolationFacts | null): Record<string, unknown> {
  if (!f) return {};
  const w = f.waybill;
  return {
    ...(f.plate !== null ? { plate: f.plate } : {}),
    plateColour: f.plateColour,
    targetName: f.targetName,
    ...(w
      ? {
          waybill: {
            number: w.number,
            status: w.status,
            consignorId: w.consignor.id,
            consignorName: w.consignor.name,
            carrierId: w.carrier.id,
            carrierName: w.carrier.name,
            consigneeId: w.consignee.id,
            consigneeName: w.consignee.name,
            loadingFacilityId: w.loadingFacility.id,
            loadingFacilityName: w.loadingFacility.name,
            unloadingFacilityId: w.unloadingFacility.id,
            unloadingFacilityName: w.unloadingFacility.name,
            routeId: w.route?.id ?? null,
            routeName: w.route?.name ?? null,
            items: w.items,
          },
          ...(w.driver ? { driverId: w.driver.id, driver: { ...w.driver } } : {}),
          ...(w.escort ? { escortId: w.escort.id, escort: { ...w.escort } } : {}),
        }
      : {}),
  };
}
