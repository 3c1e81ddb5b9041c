import { checkCharacter, waybillNumber, waybillNumberProblem } from './waybill-number.js';

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
