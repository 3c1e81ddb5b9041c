import type { MovementEntity } from '../movement.entity.js';
import { roundKg } from '../quantity.js';
import type { InTransitView, MovementView } from './movement.dto.js';

export function toMovementView(m: MovementEntity): MovementView {
  return {
    id: m.id,
    type: m.type,
    facilityId: m.facilityId,
    facilitySeq: Number(m.facilitySeq),
    enterpriseId: m.enterpriseId,
    chemicalId: m.chemicalId,
    lotId: m.lotId,
    quantityKg: Number(m.quantityKg),
    original: { value: Number(m.originalValue), unit: m.originalUnit },
    occurredAt: m.occurredAt.toISOString(),
    recordedAt: m.recordedAt.toISOString(),
    groupId: m.groupId,
    counterpartyFacilityId: m.counterpartyFacilityId,
    counterpartyEnterpriseId: m.counterpartyEnterpriseId,
    sourceMovementId: m.sourceMovementId,
    reversesId: m.reversesId,
    wasteCode: m.wasteCode,
    disposalMethod: m.disposalMethod,
    reason: m.reason,
    countId: m.countId,
    waybillId: m.waybillId,
    manifestId: m.manifestId,
    hash: m.hash,
    carriage: m.waybillNumber
      ? { waybillNumber: m.waybillNumber, carrierEnterpriseId: m.carrierEnterpriseId!, vehiclePlate: m.vehiclePlate! }
      : null,
    correction: m.correctedBy
      ? { reason: m.correctionReason!, filingId: m.correctionFilingId, confirmedBy: m.correctedBy }
      : null,
  };
}

export function toInTransitView(m: MovementEntity & { receivedKg: number }): InTransitView {
  const shipped = -Number(m.quantityKg);
  return {
    movementId: m.id,
    type: m.type,
    occurredAt: m.occurredAt.toISOString(),
    shipperEnterpriseId: m.enterpriseId,
    consigneeEnterpriseId: m.counterpartyEnterpriseId,
    consigneeFacilityId: m.counterpartyFacilityId,
    chemicalId: m.chemicalId,
    lotId: m.lotId,
    shippedKg: shipped,
    receivedKg: roundKg(m.receivedKg),
    openKg: roundKg(shipped - m.receivedKg),
    waybillId: m.waybillId,
  };
}
