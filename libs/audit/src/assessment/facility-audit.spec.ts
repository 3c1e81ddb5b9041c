import type { SubstanceFacts } from '../gb18218/hazard-categories.js';
import { auditFacility, type FacilityFacts } from './facility-audit.js';

const substance = (id: string, over: Partial<SubstanceFacts>): SubstanceFacts => ({
  chemicalId: id,
  name: id,
  cas: null,
  unClass: null,
  subsidiaryRisks: [],
  packingGroups: [],
  highlyToxic: false,
  table1CriticalT: null,
  catalogueBeta: null,
  ...over,
});
const chemicals = new Map<string, SubstanceFacts>([
  // Table 1 methanol: Q 500 t; its β is left to its category (W5.3 β 1, W5.1 β 1.5).
  [
    'methanol',
    substance('methanol', { unClass: '3', subsidiaryRisks: ['6.1'], packingGroups: ['II'], table1CriticalT: '500' }),
  ],
  ['toluene', substance('toluene', { unClass: '3', packingGroups: ['II'] })],
  [
    'chlorine',
    substance('chlorine', {
      cas: '7782-50-5',
      unNumber: '1017',
      unClass: '2.3',
      table1CriticalT: '5',
      catalogueBeta: '4',
    }),
  ],
  ['caustic', substance('caustic', { unClass: '8', packingGroups: ['II'] })],
]);
const facility = (over: Partial<FacilityFacts>): FacilityFacts => ({
  id: 'f',
  enterpriseId: 'e',
  name: '储罐区',
  district: '新吴',
  hazardUnitKind: 'storage_unit',
  capacities: [],
  peopleWithin500m: 10,
  ...over,
});
const audit = (f: FacilityFacts, held: Record<string, number>) =>
  auditFacility({
    facility: f,
    at: new Date('2026-12-01T00:00:00Z'),
    chemicals,
    stock: new Map(Object.entries(held).map(([id, kg]) => [id, { stockKg: kg, peakKg: kg }])),
    declarations: new Map(),
    counts: new Map(),
  });

describe('facility audit: design capacities by class, the missing-design flag, process conditions', () => {
  it('a capacity declared for class 3 counts at the class’s most severe row when nothing of it is held (W5.1)', () => {
    // 60 t for "class 3": W5.1, Q 10 → S = 6; R = 1.0 × 1.5 × 6 = 9 → 四级.
    const a = audit(facility({ capacities: [{ unClass: '3', maxKg: 60000 }] }), {});
    expect(a.design.terms).toEqual([expect.objectContaining({ chemicalId: 'class:3', Q: 10, beta: 1.5, ratio: 6 })]);
    expect(a.design).toMatchObject({ SExact: '6', RExact: '9', grade: 4 });
    expect(a.classCapacities).toEqual([['3', 60000]]);
  });

  it('a class capacity counts as the most severe held chemical of the class when that is worse than the class row', () => {
    // Class 2 capacity 20 t; chlorine held (Table 1 Q 5 < W2's 10): 20/5 = 4, β 4; R = 1.0 × 16 → 三级.
    const a = audit(facility({ capacities: [{ unClass: '2', maxKg: 20000 }] }), { chlorine: 3000 });
    expect(a.design.terms).toEqual([expect.objectContaining({ chemicalId: 'chlorine', Q: 5, ratio: 4, beta: 4 })]);
    expect(a.design.terms[0]!.qSource).toContain('class 2');
    expect(a.design).toMatchObject({ RExact: '16', grade: 3 });
    expect(a.flags).toEqual([]);
  });

  it('flags each held chemical no capacity accounts for, by chemical or by a class that covers it', () => {
    const a = audit(
      facility({
        capacities: [
          { unClass: '3', maxKg: 60000 },
          { chemicalId: 'chlorine', maxKg: 1000 },
        ],
      }),
      {
        toluene: 1000,
        chlorine: 500,
        caustic: 2000,
      },
    );
    // toluene (3) is covered by the class capacity, chlorine has its own; caustic (8) has none.
    expect(a.flags.filter((f) => f.kind === 'NO_DESIGN_QUANTITY').map((f) => f.chemicalId)).toEqual(['caustic']);
  });

  it('process conditions confirmed on the unit make its category 2 liquids W5.1 or W5.2', () => {
    // 40 t toluene (W5.3, Q 1000): S = 0.04. Above its boiling point: W5.1, Q 10 → S = 4, R = 1.0 × 1.5 × 4 = 6.
    const plain = audit(facility({ capacities: [{ chemicalId: 'toluene', maxKg: 40000 }] }), {});
    expect(plain.design).toMatchObject({ SExact: '0.04', major: false });
    const hot = audit(
      facility({
        capacities: [{ chemicalId: 'toluene', maxKg: 40000 }],
        processConditions: { aboveBoilingPoint: true },
      }),
      {},
    );
    expect(hot.design).toMatchObject({ SExact: '4', RExact: '6', grade: 4 });
    // At 2.5 MPa: W5.2, Q 50 → S = 0.8, not a major hazard source.
    const pressed = audit(
      facility({
        capacities: [{ chemicalId: 'toluene', maxKg: 40000 }],
        processConditions: { operatingPressureMPa: 2.5 },
      }),
      {},
    );
    expect(pressed.design).toMatchObject({ SExact: '0.8', major: false });
    expect(pressed.design.terms[0]!.QSource).toContain('W5.2');
  });

  it('a Table 1 substance keeps its Table 1 Q under process conditions, and takes W5.1’s β (甲醇 above its boiling point)', () => {
    // 600 t methanol: 600/500 = 1.2; β 1.5 (W5.1, 表4); R = 1.0 × 1.5 × 1.2 = 1.8.
    const a = audit(
      facility({
        capacities: [{ chemicalId: 'methanol', maxKg: 600000 }],
        processConditions: { aboveBoilingPoint: true },
      }),
      {},
    );
    expect(a.design.terms).toEqual([expect.objectContaining({ Q: 500, beta: 1.5 })]);
    expect(a.design).toMatchObject({ SExact: '1.2', RExact: '1.8' });
  });
});
