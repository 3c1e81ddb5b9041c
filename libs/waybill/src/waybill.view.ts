import type { Principal } from '@lib/platform';
import type { WaybillView } from './waybill.dto.js';
import type { WaybillEntity, WaybillItemEntity } from './waybill.entity.js';

/** A waybill is overdue when it is still on the road 24 hours after its planned arrival. */
export const OVERDUE_AFTER_MS = 24 * 3600_000;

export const isOverdue = (w: WaybillEntity, now = Date.now()): boolean =>
  ['loaded', 'in_transit', 'arrived'].includes(w.status) && w.plannedArrival.getTime() + OVERDUE_AFTER_MS < now;

export function itemView(i: WaybillItemEntity): Record<string, unknown> {
  return {
    line: i.line,
    chemicalId: i.chemicalId,
    unNumber: i.unNumber,
    properShippingName: i.properShippingName,
    unClass: i.unClass,
    packingGroup: i.packingGroup,
    quantity: { value: Number(i.quantityValue), unit: i.unit },
    quantityKg: Number(i.quantityKg),
    lotId: i.lotId,
    packaging: i.packaging,
    compartment: i.compartment,
    packages: i.packages,
    shipMovementId: i.shipMovementId,
    receivedKg: i.receivedKg === null ? null : Number(i.receivedKg),
    receiveMovementId: i.receiveMovementId,
  };
}

/** The content as filed (what a version snapshot holds). */
export function contentOf(w: WaybillEntity, items: WaybillItemEntity[]): Record<string, unknown> {
  return {
    consignorId: w.consignorId,
    carrierId: w.carrierId,
    consigneeId: w.consigneeId,
    loadingFacilityId: w.loadingFacilityId,
    unloadingFacilityId: w.unloadingFacilityId,
    vehicleId: w.vehicleId,
    trailerId: w.trailerId,
    driverId: w.driverId,
    escortId: w.escortId,
    routeId: w.routeId,
    plannedDeparture: w.plannedDeparture.toISOString(),
    plannedArrival: w.plannedArrival.toISOString(),
    toxicPass: w.toxicPass,
    manifestId: w.manifestId,
    notes: w.notes,
    items: items.map((i) => {
      const { shipMovementId: _s, receivedKg: _r, receiveMovementId: _m, ...rest } = itemView(i);
      return rest;
    }),
  };
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function toWaybillView(
  w: WaybillEntity,
  items: WaybillItemEntity[],
  _principal: Principal | null,
  now = Date.now(),
): WaybillView {
  return {
    id: w.id,
    number: w.number,
    status: w.status,
    version: w.version,
    content: { ...contentOf(w, []), items: items.map(itemView) },
    parties: { consignorId: w.consignorId, carrierId: w.carrierId, consigneeId: w.consigneeId },
    times: {
      createdAt: iso(w.createdAt),
      loadedAt: iso(w.loadedAt),
      departedAt: iso(w.departedAt),
      arrivedAt: iso(w.arrivedAt),
      receivedAt: iso(w.receivedAt),
      closedAt: iso(w.closedAt),
      cancelledAt: iso(w.cancelledAt),
    },
    ...(w.loadingCheck ? { loadingCheck: w.loadingCheck } : {}),
    ...(w.discrepancy
      ? {
          discrepancy: w.discrepancy,
          discrepancyOpen: !w.discrepancyResolution,
          discrepancyResolution: w.discrepancyResolution,
        }
      : {}),
    ...(w.trackSummary ? { trackSummary: w.trackSummary } : {}),
    overdue: isOverdue(w, now),
  };
}
