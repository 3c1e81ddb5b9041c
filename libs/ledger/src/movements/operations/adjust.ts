import type { OperationBuilder } from './context.js';

/** ± after a stock count, citing it. */
export const adjust: OperationBuilder = async (ctx) => {
  const { dto, facility, kit } = ctx;
  // A count may find more of a lot the enterprise had, even where the ledger never put it.
  const lot = await kit.existingLot(ctx, dto.lotId, 'lotId', dto.direction === 'increase' ? 'enterprise' : 'facility');
  const q = kit.quantityKg(ctx);
  return {
    legs: [kit.leg(ctx, facility, 'adjust', lot.id, dto.direction === 'decrease' ? -q : q, { reason: dto.reason! })],
    problems: [],
  };
};
