import type { OperationBuilder } from './context.js';

/** One lot into several new ones: − on the source, + on each part. */
export const split: OperationBuilder = async (ctx) => {
  const { dto, facility, kit } = ctx;
  const lot = await kit.existingLot(ctx, dto.lotId);
  const unit = dto.quantity?.unit ?? 'kg';
  const parts = dto.parts!.map((p, i) => ({
    lot: kit.newLot(ctx, p.lotNumber, 'split', [lot.id], lot.wasteCode),
    kg: kit.kg(ctx, p.value, unit, `parts[${i}]`),
  }));
  const total = parts.reduce((s, p) => s + p.kg, 0);
  return {
    legs: [
      kit.leg(ctx, facility, 'split', lot.id, -total, { wasteCode: lot.wasteCode }),
      ...parts.map((p) => kit.leg(ctx, facility, 'split', p.lot.id, p.kg, { wasteCode: lot.wasteCode })),
    ],
    problems: [],
    newLots: parts.map((p) => p.lot),
    lotNumbers: new Map([[lot.id, lot.number]]),
  };
};
