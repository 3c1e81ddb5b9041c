import { restrictionLetter, type TunnelCategory, tunnelAllows, unitAllows, unitRestriction } from './tunnel.js';

describe('tunnel restriction codes (ADR 1.9.5, 8.6.4; JT/T 617)', () => {
  it.each([
    // code, carriage, category, allowed
    ['C/E', 'other', 'D', true], // packaged: E applies, D is below E
    ['C/E', 'tank', 'D', false], // tank: C applies, D is forbidden
    ['C/E', 'other', 'E', false],
    ['C/E', 'tank', 'B', true],
    ['B', 'tank', 'B', false],
    ['B', 'other', 'A', true],
    ['D', 'other', 'C', true],
    ['D', 'other', 'D', false],
    ['E', 'tank', 'D', true],
    ['D/E', 'tank', 'D', false],
    ['D/E', 'other', 'D', true],
    [null, 'tank', 'E', true],
    ['(-)', 'tank', 'E', true],
  ] as const)('%s in %s carriage through category %s: %s', (code, carriage, category, allowed) => {
    expect(tunnelAllows(category as TunnelCategory, code, carriage)).toBe(allowed);
  });

  it('reads the explosive-mass threshold of B1000C', () => {
    expect(restrictionLetter('B1000C', 'other', 1200)).toBe('B');
    expect(restrictionLetter('B1000C', 'other', 800)).toBe('C');
    expect(restrictionLetter('B1000C', 'other', 1000)).toBe('C'); // "exceeds 1000 kg": 1000 is not over
    expect(tunnelAllows('B', 'B1000C', 'other', 800)).toBe(true);
    expect(tunnelAllows('B', 'B1000C', 'other', 1200)).toBe(false);
  });

  it('takes the first of alternative entries', () => {
    expect(restrictionLetter('B/E;D/E', 'tank')).toBe('B');
  });
});

describe('the transport unit’s restriction (ADR 1.9.5.3.6)', () => {
  const line = (
    n: number,
    code: string | null,
    quantityKg: number,
    explosive = false,
    carriage: 'tank' | 'other' = 'other',
  ) => ({
    line: n,
    code,
    carriage,
    explosive,
    quantityKg,
  });

  it('adds up the net explosive mass of every class 1 line for B1000C', () => {
    // 600 kg + 600 kg of TNT = 1,200 kg on the unit: over 1,000 kg, so B, although each line is under.
    const unit = unitRestriction([line(1, 'B1000C', 600, true), line(2, 'B1000C', 600, true)]);
    expect(unit).toEqual({ letter: 'B', lines: [1, 2], netExplosiveKg: 1200 });
    expect(unitAllows('B', unit.letter)).toBe(false);
    expect(unitAllows('A', unit.letter)).toBe(true);
    // 400 + 500 = 900 kg: C; a category B tunnel is open.
    expect(unitRestriction([line(1, 'B1000C', 400, true), line(2, 'B1000C', 500, true)]).letter).toBe('C');
  });

  it('binds the whole unit by its most restrictive line', () => {
    // Methanol D/E packaged (E) with acrylonitrile C/E in a tank (C): the unit is C.
    const unit = unitRestriction([line(1, 'D/E', 2000), line(2, 'C/E', 5000, false, 'tank')]);
    expect(unit.letter).toBe('C');
    expect(unit.lines).toEqual([2]);
    expect(unitAllows('D', unit.letter)).toBe(false);
    expect(unitAllows('B', unit.letter)).toBe(true);
  });

  it('has no restriction when no line has one', () => {
    expect(unitRestriction([line(1, null, 100), line(2, '(-)', 100)]).letter).toBeNull();
  });
});
