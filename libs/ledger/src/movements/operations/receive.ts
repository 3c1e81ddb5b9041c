import type { ProblemItem } from '@lib/platform';
import type { PermitUse } from '@lib/registry';
import type { LegDraft } from '../../ledger-writer.js';
import type { LotEntity } from '../../movement.entity.js';
import type { OperationBuilder } from './context.js';

/**
 * 入库: the receipt of a shipment or sale addressed to this enterprise (naming it), of a new lot
 * from outside the system, or of a lot the enterprise held before.
 */
export const receive: OperationBuilder = async (ctx) => {
  const { dto, facility, owner, kit } = ctx;
  const problems: ProblemItem[] = [];
  const newLots: LotEntity[] = [];
  let lotId: string;
  let supplier = dto.counterpartyEnterpriseId ?? null;
  let from: string | null = null;
  let type: LegDraft['type'] = 'receive';
  if (dto.sourceMovementId) {
    const ship = await kit.shipmentFor(ctx, dto.sourceMovementId);
    if (ship.chemicalId !== ctx.chemical.id)
      problems.push({
        path: 'chemicalId',
        rule: 'LOT_CHEMICAL',
        message: 'the shipment carried another chemical',
      });
    if (ship.counterpartyFacilityId && ship.counterpartyFacilityId !== facility.id) {
      problems.push({
        path: 'facilityId',
        rule: 'WRONG_CONSIGNEE',
        message: 'the shipment was sent to another of your facilities',
      });
    }
    if (ctx.at < ship.occurredAt)
      problems.push({
        path: 'occurredAt',
        rule: 'RECEIPT_BEFORE_SHIPMENT',
        message: `a receipt cannot precede its shipment (${ship.occurredAt.toISOString()})`,
      });
    if (await kit.repo.isReversed(ship.id))
      problems.push({
        path: 'sourceMovementId',
        rule: 'SHIPMENT_REVERSED',
        message: 'the shipment was reversed by its shipper; nothing of it is in transit',
      });
    const open = -Number(ship.quantityKg) - (await kit.repo.receivedAgainst(ship.id));
    if (kit.quantityKg(ctx) > open + 0.0005)
      problems.push({
        path: 'quantity',
        rule: 'RECEIPT_EXCEEDS_SHIPMENT',
        message: `only ${open.toFixed(3)} kg of the shipment are still in transit`,
      });
    lotId = ship.lotId;
    supplier = ship.enterpriseId;
    from = ship.facilityId;
    // The buyer's receipt of a sale is its purchase (购买).
    if (ship.type === 'sell') type = 'buy';
  } else if (dto.lotNumber) {
    const lot = kit.newLot(ctx, dto.lotNumber, 'received_external', []);
    newLots.push(lot);
    lotId = lot.id;
  } else lotId = (await kit.existingLot(ctx, dto.lotId, 'lotId', 'enterprise')).id;
  problems.push(...(await kit.authorize(owner, 'store', ctx, facility, 'facilityId')));
  // A purchase (购买) consumes the buyer's permit or filing: 剧毒 Decree 591 Art. 39–40, 易制毒
  // 《易制毒化学品管理条例》 Art. 15, 17 (quantity and seller checked in the registry).
  const uses: PermitUse[] = [];
  if (supplier !== owner) {
    const purchase = { quantityKg: kit.quantityKg(ctx), sellerId: supplier };
    problems.push(...(await kit.authorize(owner, 'buy', ctx, facility, 'facilityId', { purchase, uses })));
  }
  return {
    // Judged again under the permits' locks: a concurrent purchase may have taken what was left.
    after: ([id]) =>
      kit.controlled.recordUses(uses, { type: 'movement', id: id! }, ctx.at, (s) => ({
        path: 'facilityId',
        rule: s.code,
        message: `buy: ${s.text}`,
      })),
    legs: [
      kit.leg(ctx, facility, type, lotId, kit.quantityKg(ctx), {
        sourceMovementId: dto.sourceMovementId ?? null,
        counterpartyEnterpriseId: supplier,
        counterpartyFacilityId: from,
      }),
    ],
    problems,
    newLots,
  };
};
