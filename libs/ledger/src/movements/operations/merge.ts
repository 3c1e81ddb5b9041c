import type { ProblemItem } from '@lib/platform';
import type { OperationBuilder } from './context.js';

/** Several lots of one chemical (and one waste code, or none) into a new one. */
export const merge: OperationBuilder = async (ctx) => {
  const { dto, facility, kit } = ctx;
  const problems: ProblemItem[] = [];
  const sources = await Promise.all(
    dto.sources!.map(async (s, i) => ({
      lot: await kit.existingLot(ctx, s.lotId, `sources[${i}].lotId`),
      kg: kit.kg(ctx, s.value, 'kg', `sources[${i}]`),
    })),
  );
  const codes = new Set(sources.map((s) => s.lot.wasteCode));
  if (codes.size > 1)
    problems.push({
      path: 'sources',
      rule: 'MERGE_MIXED',
      message: 'product and waste, or wastes of different codes, are never merged',
    });
  const merged = kit.newLot(
    ctx,
    dto.lotNumber!,
    'merge',
    sources.map((s) => s.lot.id),
    sources[0]!.lot.wasteCode,
  );
  const total = sources.reduce((s, x) => s + x.kg, 0);
  return {
    legs: [
      ...sources.map((s) => kit.leg(ctx, facility, 'merge', s.lot.id, -s.kg, { wasteCode: s.lot.wasteCode })),
      kit.leg(ctx, facility, 'merge', merged.id, total, { wasteCode: merged.wasteCode }),
    ],
    problems,
    newLots: [merged],
    lotNumbers: new Map(sources.map((s) => [s.lot.id, s.lot.number])),
  };
};
