import type { MovementEntity } from '../movement.entity.js';
import type { MovementView } from './movement.dto.js';

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
  };
}
