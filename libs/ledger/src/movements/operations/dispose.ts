import type { ProblemItem } from '@lib/platform';
import type { OperationBuilder } from './context.js';

/** 处置: hazardous waste destroyed or recovered by a licensed disposer. */
export const dispose: OperationBuilder = async (ctx) => {
  const { dto, facility, owner, kit } = ctx;
  const problems: ProblemItem[] = [];
  const lot = await kit.existingLot(ctx, dto.lotId);
  if (!lot.wasteCode)
    problems.push({
      path: 'lotId',
      rule: 'NOT_WASTE',
      message: `lot ${lot.number} is not hazardous waste; generate waste first`,
    });
  // Getting a prohibited or restricted chemical out of circulation is what disposal is for.
  problems.push(
    ...(await kit.authorize(owner, 'dispose', ctx, facility, 'facilityId', {
      wasteCode: lot.wasteCode ?? undefined,
      ignore: ['CHEMICAL_PROHIBITED', 'CHEMICAL_RESTRICTED'],
    })),
  );
  return {
    legs: [
      kit.leg(ctx, facility, 'dispose', lot.id, -kit.quantityKg(ctx), {
        wasteCode: lot.wasteCode,
        disposalMethod: dto.disposalMethod!,
      }),
    ],
    problems,
  };
};
