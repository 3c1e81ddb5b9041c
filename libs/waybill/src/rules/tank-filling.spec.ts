import type { ChemicalView } from '@lib/registry';
import type { ContentForRules, Resolved } from './context.js';
import { compartmentsOf, fillingCase, maxFillingPercent, tankFilling } from './tank-filling.js';

const chem = (over: Partial<ChemicalView>): ChemicalView =>
  ({
    id: 'c1',
    nameZh: '甲醇',
    unClass: '3',
    subsidiaryRisks: ['6.1'],
    packingGroups: ['II'],
    highlyToxic: false,
    physicalState: 'liquid',
    densityKgPerL: 0.791,
    fillingRatioKgPerL: null,
    ...over,
  }) as ChemicalView;

const world = (c: ChemicalView, compartments: number[] | null, items: Array<[number, number]>) => {
  const content = {
    items: items.map(([compartment, kg], k) => ({
      line: k + 1,
      chemicalId: c.id,
      quantityKg: kg,
      lotId: null,
      packaging: 'tank' as const,
      compartment,
    })),
  } as ContentForRules;
  const resolved = {
    vehicle: {
      plate: '苏B12345',
      tankVolumeM3: compartments ? compartments.reduce((s, x) => s + x, 0) / 1000 : 24.5,
      tankCompartmentsL: compartments,
    },
    chemicals: new Map([[c.id, c]]),
    busy: [],
  } as unknown as Resolved;
  return tankFilling(content, resolved);
};

describe('the maximum degree of filling of a liquid (ADR 4.3.2.2.1)', () => {
  it.each([
    // unClass, subsidiary, PG, highly toxic, case, base %
    ['3', [], 'II', false, 'a', 100], // flammable
    ['9', [], 'III', false, 'a', 100], // environmentally hazardous
    ['8', [], 'II', false, 'b', 98], // corrosive, tank with safety valve
    ['8', [], 'I', false, 'd', 95], // highly corrosive, hermetically closed
    ['6.1', [], 'III', false, 'c', 97], // slightly toxic
    ['6.1', [], 'II', false, 'd', 95],
    ['3', ['6.1'], 'II', false, 'd', 95], // methanol: flammable and toxic
    ['3', [], 'II', true, 'd', 95], // 剧毒
  ] as const)('class %s + %j PG %s (highly toxic %s): case (%s), %d %%', (unClass, sub, pg, toxic, clause, base) => {
    expect(fillingCase(chem({ unClass, subsidiaryRisks: [...sub], packingGroups: [pg], highlyToxic: toxic }))).toEqual({
      clause,
      basePercent: base,
    });
  });

  it('applies α and the filling temperature: 100 / (1 + 0.0012 × (50 − 15)) = 95.97 %', () => {
    expect(maxFillingPercent(chem({ subsidiaryRisks: [] }))).toBeCloseTo(95.969, 3);
    // ADR's own arithmetic with another α: 100 / (1 + 0.001 × 35) = 96.62 %
    expect(maxFillingPercent(chem({ subsidiaryRisks: [] }), 0.001)).toBeCloseTo(96.618, 3);
  });
});

describe('tank filling per compartment', () => {
  it('takes a single-compartment tank as one compartment of its volume', () => {
    expect(compartmentsOf({ tankVolumeM3: 24.5, tankCompartmentsL: null })).toEqual([24500]);
    expect(compartmentsOf({ tankVolumeM3: 24.5, tankCompartmentsL: [8000, 16500] })).toEqual([8000, 16500]);
  });

  it('refuses a liquid load whose volume at its density exceeds capacity × maximum filling', () => {
    // Methanol (3 + 6.1, case d): 24,500 L × 95 % / 1.042 = 22,337 L; at 0.791 kg/L that is 17,668 kg.
    expect(world(chem({}), [24500], [[1, 17_600]])).toEqual([]);
    const over = world(chem({}), [24500], [[1, 17_700]]); // 22,377 L
    expect(over.map((x) => x.rule)).toEqual(['TANK_OVERFILL']);
    expect(over[0]!.path).toBe('items[0].quantity');
    expect(over[0]!.message).toMatch(/compartment 1 .*24,500 L.*91\.17 %.*22,337 L.*17,700 kg.*22,377 L/);
  });

  it('judges each compartment of a multi-compartment tank on its own', () => {
    // 8,000 L compartment: 8,000 × 0.9117 = 7,294 L = 5,769 kg of methanol. 6,000 kg is over there,
    // although the tank as a whole (24,500 L) would take it.
    const problems = world(
      chem({}),
      [8000, 16500],
      [
        [1, 6000],
        [2, 5000],
      ],
    );
    expect(problems.map((x) => [x.rule, x.path])).toEqual([['TANK_OVERFILL', 'items[0].quantity']]);
    // Two lines in one compartment add up: 3,000 + 3,000 kg = 7,585 L > 7,294 L.
    expect(
      world(
        chem({}),
        [8000, 16500],
        [
          [1, 3000],
          [1, 3000],
        ],
      ).map((x) => [x.rule, x.path]),
    ).toEqual([['TANK_OVERFILL', 'items']]);
  });

  it('refuses a compartment the tank does not have', () => {
    expect(world(chem({}), [8000, 16500], [[3, 1000]]).map((x) => x.rule)).toEqual(['TANK_COMPARTMENT_UNKNOWN']);
  });

  it('fills a liquefied gas by its filling ratio in kg per litre (ADR 4.3.3.2.5)', () => {
    const chlorine = chem({
      nameZh: '氯',
      unClass: '2.3',
      subsidiaryRisks: ['5.1', '8'],
      physicalState: 'liquefied_gas',
      densityKgPerL: 1.408,
      fillingRatioKgPerL: 1.25,
    });
    // 24,500 L × 1.25 kg/L = 30,625 kg.
    expect(world(chlorine, [24500], [[1, 30_625]])).toEqual([]);
    expect(world(chlorine, [24500], [[1, 30_700]]).map((x) => x.rule)).toEqual(['TANK_OVERFILL']);
  });

  it('refuses what it cannot check: a liquefied gas without a ratio, a liquid without a density', () => {
    const lpg = chem({ unClass: '2.1', subsidiaryRisks: [], physicalState: 'liquefied_gas', densityKgPerL: null });
    expect(world(lpg, [24500], [[1, 1000]]).map((x) => x.rule)).toEqual(['TANK_FILLING_UNKNOWN']);
    expect(world(chem({ densityKgPerL: null }), [24500], [[1, 1000]]).map((x) => x.rule)).toEqual([
      'TANK_FILLING_UNKNOWN',
    ]);
  });
});
