import type { ProblemItem } from '@lib/platform';
import type { OperationBuilder } from './context.js';

/** 生产: a produced lot gains stock at the producer's facility; a lot number is the producer's own. */
export const produce: OperationBuilder = async (ctx) => {
  const { dto, facility, owner, kit } = ctx;
  const problems: ProblemItem[] = [...(await kit.authorize(owner, 'produce', ctx, facility, 'facilityId'))];
  const existing = await kit.repo.findLotByNumber(owner, ctx.chemical.id, dto.lotNumber!);
  const lot = existing ?? kit.newLot(ctx, dto.lotNumber!, 'produced', []);
  if (existing && existing.origin !== 'produced')
    problems.push({
      path: 'lotNumber',
      rule: 'LOT_NOT_PRODUCED',
      message: `lot ${existing.number} was not produced here`,
    });
  return {
    legs: [kit.leg(ctx, facility, 'produce', lot.id, kit.quantityKg(ctx))],
    problems,
    newLots: existing ? [] : [lot],
  };
};
