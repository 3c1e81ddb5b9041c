import { assessUnit } from './assessment.js';
import { CATEGORY_MAPPING, classCategory } from './category-mapping.js';
import { categoriesOf, correctionFactor, criticalQuantity, type SubstanceFacts } from './hazard-categories.js';
import { substance } from './spec-helpers.js';

const QandBeta = (s: SubstanceFacts, process?: Parameters<typeof criticalQuantity>[1]) => {
  const Q = criticalQuantity(s, process);
  return Q ? { Q: Number(Q.Q), category: Q.category, beta: Number(correctionFactor(s, Q, process).beta) } : null;
};

describe('ADR class → GB 18218-2018 Table 2 category (one table, every row with its source)', () => {
  it('every row says where it comes from', () => {
    for (const row of CATEGORY_MAPPING) expect(row.source.length).toBeGreaterThan(10);
  });

  it.each<[string, Partial<SubstanceFacts>, { Q: number; category: string; beta: number } | null]>([
    // 剧毒 entries seeded without ADR data (134 of the 148): by physical state.
    [
      '剧毒 gas with no UN class (氯化氰) → J1',
      { highlyToxic: true, physicalState: 'liquefied_gas' },
      { Q: 5, category: 'J1', beta: 4 },
    ],
    ['剧毒 entry, not a gas, no UN class (氟乙酸钠) → J2', { highlyToxic: true }, { Q: 50, category: 'J2', beta: 1 }],
    [
      '剧毒 2.3 gas not in Table 1 → J1, not J3',
      { highlyToxic: true, unClass: '2.3', subsidiaryRisks: ['8'] },
      { Q: 5, category: 'J1', beta: 4 },
    ],
    // Subsidiary hazards take their own severity, not the main hazard's packing group.
    // 乙酸酐 UN1715 8 (3) PG II: 3 PG I/II would prevail over 8 PG II, so its flammability is PG III → W5.4, not W5.3.
    [
      'class 8 PG II with subsidiary 3 (乙酸酐) → W5.4',
      { unClass: '8', subsidiaryRisks: ['3'], packingGroups: ['II'] },
      { Q: 5000, category: 'W5.4', beta: 1 },
    ],
    [
      'class 8 PG I with subsidiary 3 → W5.3 (flammability PG II or III)',
      { unClass: '8', subsidiaryRisks: ['3'], packingGroups: ['I'] },
      { Q: 1000, category: 'W5.3', beta: 1 },
    ],
    [
      'class 6.1 PG II with subsidiary 3 (环氧氯丙烷 kind) → J5 and W5.4: J5 (500 t)',
      { unClass: '6.1', subsidiaryRisks: ['3'], packingGroups: ['II'] },
      { Q: 500, category: 'J5', beta: 1 },
    ],
    [
      'class 3 PG II with subsidiary 6.1 (1,2-二氯乙烷) → W5.3 and J5 (6.1 PG I would have been the main class): J5',
      { unClass: '3', subsidiaryRisks: ['6.1'], packingGroups: ['II'] },
      { Q: 500, category: 'J5', beta: 1 },
    ],
    [
      'class 3 PG I with subsidiary 6.1 (3 PG I prevails over 6.1 PG I by mouth or skin) → W5.1 and J2: W5.1 (10 t)',
      { unClass: '3', subsidiaryRisks: ['6.1'], packingGroups: ['I'] },
      { Q: 10, category: 'W5.1', beta: 1.5 },
    ],
    // 4.1, 4.2, 4.3 PG III: Table 2 covers only the worst categories.
    [
      '4.1 PG II (flammable solid category 1) → W10',
      { unClass: '4.1', packingGroups: ['II'] },
      { Q: 200, category: 'W10', beta: 1 },
    ],
    [
      '4.1 PG III (硫磺, category 2) → none: W10 covers category 1 only',
      { unClass: '4.1', packingGroups: ['III'] },
      null,
    ],
    ['4.2 PG I (pyrophoric) → W8', { unClass: '4.2', packingGroups: ['I'] }, { Q: 50, category: 'W8', beta: 1 }],
    [
      '4.2 PG II (self-heating) → none: W8 covers pyrophoric category 1 only',
      { unClass: '4.2', packingGroups: ['II'] },
      null,
    ],
    ['4.2 PG III (self-heating) → none', { unClass: '4.2', packingGroups: ['III'] }, null],
    ['4.3 PG II (category 2) → W11', { unClass: '4.3', packingGroups: ['II'] }, { Q: 200, category: 'W11', beta: 1 }],
    ['4.3 PG III (category 3) → none: W11 covers categories 1 and 2', { unClass: '4.3', packingGroups: ['III'] }, null],
    [
      '4.3 listing PG I;II (碳化钙) read at its most severe → W11',
      { unClass: '4.3', packingGroups: ['II', 'I'] },
      { Q: 200, category: 'W11', beta: 1 },
    ],
    // Hydrofluoric acid: the solution, not Table 3's gas; dermal category 1 → J2, β 1 from Table 4.
    [
      'UN1790 hydrofluoric acid → J2 (50 t, β 1), not J5 nor Table 3',
      { cas: '7664-39-3', unNumber: '1790', unClass: '8', subsidiaryRisks: ['6.1'], packingGroups: ['II'] },
      { Q: 50, category: 'J2', beta: 1 },
    ],
    [
      'class 8 PG II with subsidiary 6.1 otherwise → J5',
      { unClass: '8', subsidiaryRisks: ['6.1'], packingGroups: ['II'] },
      { Q: 500, category: 'J5', beta: 1 },
    ],
    ['oxidizing gas 2.2 (5.1) → W4', { unClass: '2.2', subsidiaryRisks: ['5.1'] }, { Q: 50, category: 'W4', beta: 1 }],
    ['corrosive only → not counted', { unClass: '8', packingGroups: ['II'] }, null],
    ['explosive 1.1D → W1.1', { unClass: '1.1D' }, { Q: 1, category: 'W1.1', beta: 2 }],
    ['explosive 1.4S → W1.3', { unClass: '1.4S' }, { Q: 50, category: 'W1.3', beta: 2 }],
  ])('%s', (_name, over, expected) => {
    const got = QandBeta(substance(over));
    expect(got && { Q: got.Q, category: got.category, beta: got.beta }).toEqual(expected);
  });

  it('Table 3 applies to the named gas only: hydrofluoric acid shares 氟化氢’s CAS but takes β from Table 4', () => {
    const hfGas = substance({
      cas: '7664-39-3',
      unNumber: '1052',
      unClass: '8',
      subsidiaryRisks: ['6.1'],
      packingGroups: ['I'],
      table1CriticalT: '1',
      catalogueBeta: '5',
    });
    const hfAcid = substance({
      cas: '7664-39-3',
      unNumber: '1790',
      unClass: '8',
      subsidiaryRisks: ['6.1'],
      packingGroups: ['II'],
    });
    expect(correctionFactor(hfGas, criticalQuantity(hfGas)!).source).toContain('表3 氟化氢');
    const acid = correctionFactor(hfAcid, criticalQuantity(hfAcid)!);
    expect(acid).toEqual({ beta: '1', source: 'GB 18218-2018 表4 J2' });
    expect(criticalQuantity(hfAcid)!.source).toContain('UN1790');
    // 60 t of the acid at a unit with 40 people: q/Q = 60/50 = 1.2 ≥ 1; R = 1.2 (α) × 1 × 1.2 = 1.44 → 四级
    // (Table 3's β 5 would have given 7.2, and J5 would have left it at S = 0.12, not a major hazard source).
    const at = assessUnit([{ substance: hfAcid, qKg: 60000, qSource: 'design maximum' }], 40);
    expect(at).toMatchObject({ SExact: '1.2', major: true, alpha: 1.2, RExact: '1.44', grade: 4 });
  });

  it('a Table 1 name wins over the 剧毒 rows (氯: Q 5 from 表1, β 4 from 表3)', () => {
    const chlorine = substance({
      cas: '7782-50-5',
      unNumber: '1017',
      unClass: '2.3',
      subsidiaryRisks: ['5.1', '8'],
      highlyToxic: true,
      table1CriticalT: '5',
      catalogueBeta: '4',
    });
    expect(criticalQuantity(chlorine)).toMatchObject({ Q: '5', category: null });
    expect(correctionFactor(chlorine, criticalQuantity(chlorine)!).beta).toBe('4');
  });

  it.each<[string, Parameters<typeof criticalQuantity>[1], string]>([
    ['no conditions', {}, 'W5.3'],
    ['operating above the boiling point → W5.1', { aboveBoilingPoint: true }, 'W5.1'],
    ['a hazardous chemical process → W5.2', { hazardousProcess: '氯化工艺' }, 'W5.2'],
    ['operation near the explosive limits → W5.2', { nearExplosionLimits: true }, 'W5.2'],
    ['2 MPa → W5.2', { operatingPressureMPa: 2 }, 'W5.2'],
    ['exactly 1.6 MPa is not above 1.6 → W5.3', { operatingPressureMPa: 1.6 }, 'W5.3'],
    [
      'above the boiling point and 2 MPa → W5.1 (the lower Q)',
      { aboveBoilingPoint: true, operatingPressureMPa: 2 },
      'W5.1',
    ],
    ['conditions for other chemicals only → W5.3', { aboveBoilingPoint: true, chemicalIds: ['other'] }, 'W5.3'],
  ])('process conditions on a class 3 PG II liquid: %s', (_name, process, category) => {
    expect(categoriesOf(substance({ unClass: '3', packingGroups: ['II'] }), process)).toEqual([category]);
  });

  it('process conditions move a category 3 that comes from a subsidiary hazard too (乙酸酐 above its boiling point → W5.1)', () => {
    const s = substance({ unClass: '8', subsidiaryRisks: ['3'], packingGroups: ['II'] });
    // 100 t: W5.4 gives 100/5000 = 0.02; W5.1 gives 100/10 = 10 → major, R = 1.0 × 1.5 × 10 = 15 → 三级.
    const at = assessUnit([{ substance: s, qKg: 100000, qSource: 'design maximum' }], 5, { aboveBoilingPoint: true });
    expect(at).toMatchObject({ SExact: '10', RExact: '15', grade: 3 });
    expect(at.terms[0]!.QSource).toContain('工作温度高于沸点');
  });

  it.each([
    ['3', 'W5.1'],
    ['2', 'W2'],
    ['2.3', 'J3'],
    ['6.1', 'J2'],
    ['4.1', 'W6.1'],
    ['5.1', 'W9.1'],
    ['1', 'W1.1'],
    ['8', null],
  ])('a design capacity for class %s counts as its most severe row: %s', (cls, category) => {
    expect(classCategory(cls)?.category ?? null).toBe(category);
  });
});
