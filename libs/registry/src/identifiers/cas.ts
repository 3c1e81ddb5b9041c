/**
 * CAS Registry Number: 2 to 7 digits, 2 digits, 1 check digit. The check digit is the sum of the
 * other digits, each multiplied by its position counted from the right (1, 2, 3, ...), modulo 10.
 */
const SHAPE = /^(\d{2,7})-(\d{2})-(\d)$/;

export function casCheckDigit(body: string): number {
  const digits = body.replace(/-/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i + 1);
  return sum % 10;
}

export function casProblem(value: string): string | null {
  const m = SHAPE.exec(value);
  if (!m) return 'must look like 7782-50-5 (2 to 7 digits, 2 digits, check digit)';
  const expected = casCheckDigit(`${m[1]}${m[2]}`);
  return Number(m[3]) === expected ? null : `check digit must be ${expected}`;
}
