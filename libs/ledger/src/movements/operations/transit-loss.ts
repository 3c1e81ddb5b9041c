import { NotFound, RulesViolated } from '@lib/platform';
import type { Carriage, OperationDraft } from '../../ledger-writer.js';
import { roundKg } from '../../quantity.js';
import type { OperationKit } from './kit.js';

/** What a waybill (or the agency resolving its discrepancy) asks the ledger to write off. */
export interface TransitLossRequest {
  /** The shipment leg whose open remainder is lost. */
  shipMovementId: string;
  kg: number;
  /** Why, citing the waybill: 途耗 within tolerance at closing, or the agency's finding. */
  reason: string;
  occurredAt: Date;
  waybillId: string | null;
  carriage: Carriage | null;
  actorKeyId: string | null;
}

/**
 * A transport loss (途耗, 运输损耗) closes what is left in transit of a shipment. The ledger has no
 * "in transit" account: what is in transit is a shipment less its receipts. So the loss is booked
 * as the trade books a reasonable loss (合理损耗): the consignee takes the shortfall into its
 * receipt of the shipment and writes it off at once (a receive and a loss of the same kg, both at
 * the consignee's facility, both citing the waybill). Its stock does not change, nothing stays in
 * transit, and the lot's mass balance closes with the loss as consumed. Two operations, because one
 * operation touches each lot of a facility once (DUPLICATE_LEG).
 */
export async function transitLossDrafts(
  kit: OperationKit,
  req: TransitLossRequest,
): Promise<[OperationDraft, OperationDraft]> {
  const ship = await kit.repo.findMovement(req.shipMovementId);
  if (!ship || (ship.type !== 'ship' && ship.type !== 'sell')) throw new NotFound('shipment', req.shipMovementId);
  await kit.repo.lockMovement(ship.id);
  const open = -Number(ship.quantityKg) - (await kit.repo.receivedAgainst(ship.id));
  const kg = roundKg(req.kg);
  const problems = [];
  if (await kit.repo.isReversed(ship.id))
    problems.push({ path: 'shipMovementId', rule: 'SHIPMENT_REVERSED', message: 'the shipment was reversed' });
  if (kg <= 0 || kg > open + 0.0005)
    problems.push({
      path: 'quantity',
      rule: 'TRANSIT_LOSS_EXCEEDS_OPEN',
      message: `a transport loss of ${kg.toFixed(3)} kg exceeds the ${open.toFixed(3)} kg still in transit`,
    });
  if (!ship.counterpartyFacilityId)
    problems.push({
      path: 'shipMovementId',
      rule: 'CONSIGNEE_FACILITY_UNKNOWN',
      message: 'the shipment names no receiving facility to book the loss at',
    });
  if (problems.length) throw new RulesViolated(problems);
  const facilities = await kit.registry.facilityMap([ship.counterpartyFacilityId!]);
  const chemicals = await kit.registry.chemicalMap([ship.chemicalId]);
  const facility = facilities.get(ship.counterpartyFacilityId!)!;
  const chemical = chemicals.get(ship.chemicalId)!;
  const common = {
    facility,
    chemical,
    lotId: ship.lotId,
    originalValue: kg,
    originalUnit: 'kg' as const,
    reason: req.reason,
    waybillId: req.waybillId,
    carriage: req.carriage,
  };
  const at = req.occurredAt < ship.occurredAt ? ship.occurredAt : req.occurredAt;
  return [
    {
      operation: 'receive',
      occurredAt: at,
      actorKeyId: req.actorKeyId,
      legs: [
        {
          ...common,
          type: ship.type === 'sell' ? 'buy' : 'receive',
          deltaKg: kg,
          sourceMovementId: ship.id,
          counterpartyEnterpriseId: ship.enterpriseId,
          counterpartyFacilityId: ship.facilityId,
        },
      ],
    },
    {
      operation: 'loss',
      occurredAt: at,
      actorKeyId: req.actorKeyId,
      legs: [{ ...common, type: 'loss', deltaKg: -kg }],
    },
  ];
}
