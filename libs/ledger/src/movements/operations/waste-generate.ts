import type { ProblemItem } from '@lib/platform';
import type { OperationBuilder } from './context.js';

/** A product lot (or part of it) becomes hazardous waste: − on the product lot, + on a new waste lot. */
export const wasteGenerate: OperationBuilder = async (ctx) => {
  const { dto, facility, owner, kit } = ctx;
  const problems: ProblemItem[] = [];
  const lot = await kit.existingLot(ctx, dto.lotId);
  if (lot.wasteCode)
    problems.push({
      path: 'lotId',
      rule: 'ALREADY_WASTE',
      message: `lot ${lot.number} is waste already (${lot.wasteCode})`,
    });
  const waste = kit.newLot(
    ctx,
    dto.wasteLotNumber ?? `${lot.number}-${dto.wasteCode!}`,
    'waste',
    [lot.id],
    dto.wasteCode!,
  );
  if (await kit.repo.findLotByNumber(owner, ctx.chemical.id, waste.number)) {
    problems.push({
      path: 'wasteLotNumber',
      rule: 'LOT_NUMBER_TAKEN',
      message: `lot number ${waste.number} is taken; give wasteLotNumber`,
    });
  }
  const q = kit.quantityKg(ctx);
  return {
    legs: [
      kit.leg(ctx, facility, 'waste_generate', lot.id, -q, { wasteCode: dto.wasteCode! }),
      kit.leg(ctx, facility, 'waste_generate', waste.id, q, { wasteCode: dto.wasteCode! }),
    ],
    problems,
    newLots: [waste],
    lotNumbers: new Map([[lot.id, lot.number]]),
  };
};
