import type { OperationBuilder } from './context.js';

/** A loss (spill, evaporation, theft reported), with its reason. */
export const loss: OperationBuilder = async (ctx) => {
  const { dto, facility, kit } = ctx;
  const lot = await kit.existingLot(ctx, dto.lotId);
  return {
    legs: [kit.leg(ctx, facility, 'loss', lot.id, -kit.quantityKg(ctx), { reason: dto.reason! })],
    problems: [],
  };
};
