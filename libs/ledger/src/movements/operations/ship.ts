import type { ProblemItem } from '@lib/platform';
import type { OperationBuilder } from './context.js';

/** 出库 for road transport: the shipper's leg; it stays in transit until the consignee books its receipt. */
export const ship: OperationBuilder = async (ctx) => {
  const { dto, facility, owner, kit } = ctx;
  const problems: ProblemItem[] = [];
  const lot = await kit.existingLot(ctx, dto.lotId);
  const to = dto.counterpartyFacilityId
    ? await kit.anyFacility(dto.counterpartyFacilityId, 'counterpartyFacilityId')
    : null;
  if (dto.counterpartyEnterpriseId) {
    const named = (await kit.registry.enterpriseMap([dto.counterpartyEnterpriseId])).get(dto.counterpartyEnterpriseId);
    if (!named)
      problems.push({
        path: 'counterpartyEnterpriseId',
        rule: 'REFERENCE_NOT_FOUND',
        message: `enterprise ${dto.counterpartyEnterpriseId} is not registered`,
      });
    else if (to && to.enterpriseId !== named.id)
      problems.push({
        path: 'counterpartyEnterpriseId',
        rule: 'COUNTERPARTY_MISMATCH',
        message: 'counterpartyFacilityId is not a facility of counterpartyEnterpriseId',
      });
  }
  // The consignee named here is the only one who may receive it; naming none keeps it the shipper's.
  const consignee = to?.enterpriseId ?? dto.counterpartyEnterpriseId ?? null;
  problems.push(
    ...(await kit.authorize(owner, consignee && consignee !== owner ? 'sell' : 'store', ctx, facility, 'facilityId')),
  );
  return {
    legs: [
      kit.leg(ctx, facility, 'ship', lot.id, -kit.quantityKg(ctx), {
        counterpartyFacilityId: to?.id ?? null,
        counterpartyEnterpriseId: consignee,
      }),
    ],
    problems,
    // Shipped to another enterprise it is sold (the receipt is the buyer's purchase): Decree 591
    // Art. 41's filing duty for 剧毒 and 易制爆 applies as to a sale.
    after: async ([id]) => {
      if (consignee && consignee !== owner)
        await kit.controlled.recordSale({
          movementId: id!,
          sellerId: owner,
          buyerId: consignee,
          chemicalId: ctx.chemical.id,
          quantityKg: kit.quantityKg(ctx),
          soldAt: ctx.at,
        });
    },
  };
};
