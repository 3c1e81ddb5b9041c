import type { ProblemItem } from '@lib/platform';
import type { OperationBuilder } from './context.js';

/**
 * 销售: the seller's leg only. It stays in transit until the buyer books its receipt (a receive
 * naming this movement), so nothing reaches the buyer's facility without the buyer.
 */
export const sell: OperationBuilder = async (ctx) => {
  const { dto, facility, owner, kit } = ctx;
  const problems: ProblemItem[] = [];
  const lot = await kit.existingLot(ctx, dto.lotId);
  const to = await kit.anyFacility(dto.toFacilityId!, 'toFacilityId');
  if (to.enterpriseId === owner)
    problems.push({
      path: 'toFacilityId',
      rule: 'SALE_TO_SELF',
      message: 'a sale changes the owner; within one enterprise use transfer',
    });
  problems.push(...(await kit.authorize(owner, 'sell', ctx, facility, 'facilityId')));
  // The seller checks the buyer's licences (条例 Art. 37-39) and hears only which rule fails.
  const asBuyer = { counterparty: 'buyer' };
  const purchase = { quantityKg: kit.quantityKg(ctx), sellerId: owner };
  problems.push(...(await kit.authorize(to.enterpriseId, 'buy', ctx, to, 'toFacilityId', { ...asBuyer, purchase })));
  problems.push(...(await kit.authorize(to.enterpriseId, 'store', ctx, to, 'toFacilityId', asBuyer)));
  return {
    legs: [
      kit.leg(ctx, facility, 'sell', lot.id, -kit.quantityKg(ctx), {
        counterpartyFacilityId: to.id,
        counterpartyEnterpriseId: to.enterpriseId,
      }),
    ],
    problems,
    // Decree 591 Art. 41: a sale of 剧毒 or 易制爆 is the seller's to file with police within 5 days.
    after: ([id]) =>
      kit.controlled.recordSale({
        movementId: id!,
        sellerId: owner,
        buyerId: to.enterpriseId,
        chemicalId: ctx.chemical.id,
        quantityKg: kit.quantityKg(ctx),
        soldAt: ctx.at,
      }),
  };
};
