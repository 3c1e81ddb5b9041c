import fc from 'fast-check';
import { assessUnit } from './assessment.js';
import { Rational } from './exact.js';
import type { SubstanceFacts } from './hazard-categories.js';
import { gradeFor } from './tables.js';
import { substance } from './spec-helpers.js';

// The three kinds of term the worked examples use, as the seeded catalogue holds them:
// a 剧毒 gas with no ADR data (氯化氰: J1, Q 5, β 4), a 剧毒 solid with no ADR data (氟乙酸钠: J2,
// Q 50, β 1) and a class 3 PG I liquid (W5.1, Q 10, β 1.5).
const cyanogenChloride = substance({
  name: '氯化氰',
  cas: '506-77-4',
  highlyToxic: true,
  physicalState: 'liquefied_gas',
});
const fluoroacetate = substance({ name: '氟乙酸钠', cas: '62-74-8', highlyToxic: true });
const fluoroacetamide = substance({ name: '氟乙酰胺', cas: '640-19-7', highlyToxic: true });
const fluoroaceticAcid = substance({ name: '氟乙酸', cas: '144-49-0', highlyToxic: true });
const petrol = substance({ name: '某易燃液体', unClass: '3', packingGroups: ['I'] });
const item = (s: SubstanceFacts, qKg: number | string) => ({ substance: s, qKg, qSource: 'design maximum' });

describe('Rational (exact decimal arithmetic)', () => {
  it.each([
    ['0.1', '1/10'],
    ['4.999', '4999/1000'],
    ['-0.5', '-1/2'],
    ['1e3', '1000/1'],
    ['151250', '151250/1'],
  ])('reads %s exactly as %s', (text, fraction) => {
    const r = Rational.from(text);
    expect(`${r.num}/${r.den}`).toBe(fraction);
  });

  it('reads a number through its shortest decimal: 0.1 is one tenth, not the double nearest it', () => {
    expect(Rational.from(0.1).cmp(Rational.of(1n, 10n))).toBe(0);
    // 0.1 + 0.2 + 0.7 is 1 exactly; in doubles it is 1 in this order and 0.9999999999999999 in the other.
    expect([0.1 + 0.2 + 0.7, 0.7 + 0.2 + 0.1]).toEqual([1, 0.9999999999999999]);
    expect(Rational.sum([0.1, 0.2, 0.7].map((x) => Rational.from(x))).cmp(Rational.ONE)).toBe(0);
  });

  it.each([
    [Rational.of(6n, 5n), '1.2'],
    [Rational.of(1n, 3n), '1/3'],
    [Rational.of(10n), '10'],
    [Rational.of(1n, 8n), '0.125'],
  ])('writes %o exactly as %s', (r, text) => expect(r.toExact()).toBe(text));

  it('refuses what is not a decimal', () => {
    expect(() => Rational.from('1,5')).toThrow(RangeError);
    expect(() => Rational.from(Number.NaN)).toThrow(RangeError);
  });
});

describe('GB 18218 sums decided exactly at every bound', () => {
  it('S = 0.1 + 0.2 + 0.7 = 1 exactly is a major hazard source in either order (§4.2.1 等于或超过)', () => {
    // Three 剧毒 solids of Q 50 t: 5 t → 0.1, 10 t → 0.2, 35 t → 0.7. Doubles: 0.1 + 0.2 + 0.7 = 1
    // but 0.7 + 0.2 + 0.1 = 0.9999999999999999, which a float comparison would call "not major".
    expect(0.7 + 0.2 + 0.1 < 1).toBe(true);
    const items = [item(fluoroacetate, 5000), item(fluoroacetamide, 10000), item(fluoroaceticAcid, 35000)];
    for (const order of [items, items.toReversed()]) {
      const at = assessUnit(order, 10);
      expect(at).toMatchObject({ SExact: '1', S: 1, major: true, RExact: '1', grade: 4 });
      expect(at.terms.map((t) => t.ratioExact).sort()).toEqual(['0.1', '0.2', '0.7']);
    }
  });

  it('S = 1/3 + 1/3 + 1/3 = 1 exactly (three 100 kg lots of Table 1 substances with Q 0.3 t)', () => {
    const q03 = (name: string) => substance({ name, table1CriticalT: '0.3', catalogueBeta: '20' });
    const at = assessUnit([item(q03('甲'), 100), item(q03('乙'), 100), item(q03('丙'), 100)], 0);
    // 0.1 / 0.3 = 1/3 each; S = 1; α 0.5 (0人); R = 0.5 × 20 × 1 = 10 → 三级 exactly at the bound.
    expect(at.terms.map((t) => t.ratioExact)).toEqual(['1/3', '1/3', '1/3']);
    expect(at).toMatchObject({ SExact: '1', major: true, alpha: 0.5, RExact: '10', grade: 3 });
  });

  it('just below 1 is not a major hazard source: 4.999 t of a Q 5 t substance → S = 0.9998', () => {
    const at = assessUnit([item(cyanogenChloride, '4999')], 10);
    expect(at).toMatchObject({ SExact: '0.9998', major: false, R: null, grade: null });
  });

  // α 1.0 (10 people). Terms: W5.1 β 1.5 × q/10, J1 β 4 × q/5, J2 β 1 × q/50.
  it.each([
    // 0.1 t → 1.5 × 0.01 = 0.015; 8.7 t → 4 × 1.74 = 6.96; 151.25 t → 3.025; R = 10 → 三级.
    [100, 8700, 151250, '10', 3],
    // 0.2 t → 0.03; 10.7 t → 8.56; 2070.5 t → 41.41; R = 50 → 二级.
    [200, 10700, 2070500, '50', 2],
    // 0.1 t → 0.015; 20.5 t → 16.4; 4179.25 t → 83.585; R = 100 → 一级.
    [100, 20500, 4179250, '100', 1],
  ])(
    'Table 6 bound: W5.1 %d kg, J1 %d kg, J2 %d kg give R = %s exactly, graded %d in every order',
    (a, b, c, R, grade) => {
      const items = [item(petrol, a), item(cyanogenChloride, b), item(fluoroacetate, c)];
      const orders = [items, [items[2]!, items[1]!, items[0]!], [items[1]!, items[0]!, items[2]!]];
      for (const order of orders) expect(assessUnit(order, 10)).toMatchObject({ RExact: R, grade });
      // In doubles some order of these sums falls just short of the bound (the defect this fixes).
      const doubles = orders.map((o) =>
        o.reduce((sum, i) => {
          const [Q, beta] = i.substance === petrol ? [10, 1.5] : i.substance === cyanogenChloride ? [5, 4] : [50, 1];
          return sum + beta * (Number(i.qKg) / 1000 / Q);
        }, 0),
      );
      expect(doubles.some((r) => r < Number(R))).toBe(true);
    },
  );

  it('grades Table 6 exactly from decimals and fractions', () => {
    expect(['100', '99.999', '50', '49.999', '10', '9.999'].map(gradeFor)).toEqual([1, 2, 2, 3, 3, 4]);
    expect(gradeFor(Rational.of(29999999999n, 3000000000n))).toBe(4); // 9.99999…
    expect(gradeFor(Rational.of(30000000000n, 3000000000n))).toBe(3); // 10
  });

  it('property: reordering every unit’s items gives identical S, R and grade', () => {
    const pool = [
      cyanogenChloride,
      fluoroacetate,
      fluoroacetamide,
      petrol,
      substance({
        name: '氯',
        cas: '7782-50-5',
        unNumber: '1017',
        unClass: '2.3',
        table1CriticalT: '5',
        catalogueBeta: '4',
      }),
      substance({ name: '乙酸酐', unNumber: '1715', unClass: '8', subsidiaryRisks: ['3'], packingGroups: ['II'] }),
      substance({
        name: '氢氟酸',
        cas: '7664-39-3',
        unNumber: '1790',
        unClass: '8',
        subsidiaryRisks: ['6.1'],
        packingGroups: ['II'],
      }),
      substance({ name: '氢氧化钠溶液', unNumber: '1824', unClass: '8', packingGroups: ['II'] }),
    ];
    const kg = fc.integer({ min: 0, max: 5_000_000 }).map((n) => (n / 1000).toFixed(3));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...pool), kg), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 200 }),
        fc.infiniteStream(fc.nat()),
        (lines, people, noise) => {
          const items = lines.map(([s, q], i) => item({ ...s, chemicalId: `${s.name}-${i}` }, q));
          const shuffled = [...items]
            .map((x) => ({ x, k: noise.next().value }))
            .sort((a, b) => a.k - b.k)
            .map(({ x }) => x);
          const [a, b] = [assessUnit(items, people), assessUnit(shuffled, people)];
          expect([b.SExact, b.S, b.major, b.RExact, b.R, b.grade]).toEqual([
            a.SExact,
            a.S,
            a.major,
            a.RExact,
            a.R,
            a.grade,
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
