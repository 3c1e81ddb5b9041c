import { restrictionLetter, type TunnelCategory, tunnelAllows } from './tunnel.js';
import { checkCharacter, waybillNumber, waybillNumberProblem } from './waybill-number.js';

describe('tunnel restriction codes (ADR 1.9.5, JT/T 617)', () => {
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
    expect(tunnelAllows('B', 'B1000C', 'other', 800)).toBe(true);
    expect(tunnelAllows('B', 'B1000C', 'other', 1200)).toBe(false);
  });

  it('takes the first of alternative entries', () => {
    expect(restrictionLetter('B/E;D/E', 'tank')).toBe('B');
  });
});

describe('waybill numbers', () => {
  it('carries a check character that catches a changed digit', () => {
    const n = waybillNumber('2026-11-30', 123);
    expect(n).toMatch(/^DG20261130000123[\dX]$/);
    expect(waybillNumberProblem(n)).toBeNull();
    const typo = `${n.slice(0, 10)}${(Number(n[10]) + 1) % 10}${n.slice(11)}`;
    expect(waybillNumberProblem(typo)).toMatch(/check character/);
    expect(waybillNumberProblem('DG123')).toMatch(/14 digits/);
  });
  it('uses the ISO 7064 MOD 11-2 check of GB 11643 (same weights on 17 digits)', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
  });
});
