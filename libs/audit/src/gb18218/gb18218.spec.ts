import { assessUnit, colourOf } from './assessment.js';
import { categoriesOf, criticalQuantity, type SubstanceFacts } from './hazard-categories.js';
import { alphaFor, gradeFor } from './tables.js';
import { Rational } from './exact.js';
import { substance } from './spec-helpers.js';

// As the catalogue holds them (Table 1 quantities, Table 3 β by CAS).
const chlorine = substance({
  name: '氯',
  cas: '7782-50-5',
  unClass: '2.3',
  subsidiaryRisks: ['5.1', '8'],
  highlyToxic: true,
  table1CriticalT: 5,
  catalogueBeta: 4,
});
const ammonia = substance({
  name: '氨',
  cas: '7664-41-7',
  unClass: '2.3',
  subsidiaryRisks: ['8'],
  table1CriticalT: 10,
  catalogueBeta: 2,
});
const flammableLiquid = substance({ name: '某易燃液体', unClass: '3', packingGroups: ['I'] });
const caustic = substance({ name: '氢氧化钠溶液', unClass: '8', packingGroups: ['II'], unNumber: '1824' });
/** q given in tonnes, handed over in kg exactly (as the registry holds it). */
const item = (s: SubstanceFacts, qT: number) => ({
  substance: s,
  qKg: Rational.from(qT).mul(Rational.of(1000n)).toExact(),
  qSource: 'design maximum',
});

describe('GB 18218-2018 identification and grading', () => {
  it('a single substance is a major hazard source at its critical quantity, not below it', () => {
    const at = assessUnit([item(chlorine, 5)], 10);
    expect(at.terms).toEqual([expect.objectContaining({ q: 5, Q: 5, ratio: 1, beta: 4 })]);
    expect(at.terms[0]!.QSource).toContain('表1');
    expect(at.terms[0]!.betaSource).toContain('表3');
    expect(at.S).toBe(1);
    expect(at.SExact).toBe('1');
    expect(at.major).toBe(true);
    // α = 1.0 (1–29 people), R = 1.0 × 4 × 1 = 4 → 四级.
    expect(at).toMatchObject({ alpha: 1, R: 4, grade: 4 });

    const below = assessUnit([item(chlorine, 4.999)], 10);
    expect(below.S).toBeCloseTo(0.9998, 10);
    expect(below).toMatchObject({ major: false, alpha: null, R: null, grade: null });
  });

  it('a mixture crosses 1 while each substance alone does not: 3 t chlorine and 6 t ammonia, 120 people → S 1.2, R 7.2, 四级', () => {
    expect(assessUnit([item(chlorine, 3)], 120).major).toBe(false);
    expect(assessUnit([item(ammonia, 6)], 120).major).toBe(false);
    const at = assessUnit([item(chlorine, 3), item(ammonia, 6)], 120);
    // 3/5 = 0.6 and 6/10 = 0.6
    expect(at.terms.map((t) => [t.name, t.ratio, t.beta])).toEqual([
      ['氯', 0.6, 4],
      ['氨', 0.6, 2],
    ]);
    expect(at.S).toBeCloseTo(1.2, 12);
    expect(at.alpha).toBe(2); // 120 people: 100人以上
    // R = 2.0 × (4 × 0.6 + 2 × 0.6) = 2.0 × 3.6 = 7.2
    expect(at.R).toBeCloseTo(7.2, 12);
    expect(at.grade).toBe(4);
    expect(colourOf(at.grade)).toBe('blue');
  });

  it('grades a site with a toxic gas and a flammable liquid, every term by hand', () => {
    // 25 t chlorine: q/Q = 25/5 = 5, β 4 (表3) → 20.
    // 40 t of a class 3 PG I liquid: 表2 W5.1, Q 10, q/Q = 4, β 1.5 (表4) → 6.
    // 60 people within 500 m: α 1.5 (表5). R = 1.5 × 26 = 39 → 三级 (50 > R ≥ 10).
    const at = assessUnit([item(chlorine, 25), item(flammableLiquid, 40)], 60);
    expect(at.terms.map((t) => [t.Q, t.ratio, t.beta])).toEqual([
      [5, 5, 4],
      [10, 4, 1.5],
    ]);
    expect(at.terms[1]!.QSource).toContain('W5.1');
    expect(at.S).toBe(9);
    expect(at.alpha).toBe(1.5);
    expect(at.R).toBe(39);
    expect(at.grade).toBe(3);
    expect(colourOf(at.grade)).toBe('yellow');
  });

  it('takes the lowest critical quantity among several hazards, and leaves corrosives out with the reason', () => {
    // A toxic (2.3, not 剧毒: J3 50 t, β 2) and flammable (2.1: W2 10 t, β 1.5) gas: W2 decides.
    const gas = substance({ name: '有毒易燃气体', unClass: '2.3', subsidiaryRisks: ['2.1'] });
    expect(categoriesOf(gas).sort()).toEqual(['J3', 'W2']);
    expect(criticalQuantity(gas)).toMatchObject({ Q: '10', category: 'W2' });
    const at = assessUnit([item(gas, 5), item(caustic, 100)], 0);
    expect(at.terms).toEqual([expect.objectContaining({ Q: 10, beta: 1.5, ratio: 0.5 })]);
    expect(at.notCounted).toEqual([expect.objectContaining({ name: '氢氧化钠溶液', q: 100 })]);
    expect(at.major).toBe(false);
  });

  it('reads Table 5 and Table 6 at their bounds', () => {
    expect([0, 1, 29, 30, 49, 50, 99, 100].map((n) => alphaFor(n).alpha)).toEqual([0.5, 1, 1, 1.2, 1.2, 1.5, 1.5, 2]);
    expect([100, 99.999, 50, 49.999, 10, 9.999].map(gradeFor)).toEqual([1, 2, 2, 3, 3, 4]);
  });
});
