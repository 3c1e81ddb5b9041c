import type { OperationBuilder } from './context.js';

/** 使用: consumed in a process. */
export const use: OperationBuilder = async (ctx) => {
  const { dto, facility, owner, kit } = ctx;
  const lot = await kit.existingLot(ctx, dto.lotId);
  const problems = await kit.authorize(owner, 'use', ctx, facility, 'facilityId');
  return { legs: [kit.leg(ctx, facility, 'use', lot.id, -kit.quantityKg(ctx))], problems };
};
