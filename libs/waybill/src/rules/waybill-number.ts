/**
 * Waybill numbers: "DG", the local date of filing (YYYYMMDD), a six-digit sequence, and a check
 * character over the 14 digits (ISO 7064 MOD 11-2, the check of GB 11643 identity numbers, so a
 * mistyped digit is caught when someone reads the number over the phone).
 */
const WEIGHTS_BASE = 2;

export function checkCharacter(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * (WEIGHTS_BASE ** (digits.length - i) % 11);
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

export function waybillNumber(localDate: string, sequence: number): string {
  const digits = `${localDate.replace(/-/g, '')}${String(sequence % 1_000_000).padStart(6, '0')}`;
  return `DG${digits}${checkCharacter(digits)}`;
}

export function waybillNumberProblem(value: string): string | null {
  const m = /^DG(\d{14})([\dX])$/.exec(value);
  if (!m) return 'a waybill number is DG, 14 digits and a check character (e.g. DG20261130000123X)';
  return checkCharacter(m[1]!) === m[2] ? null : 'the check character does not match';
}
