/**
 * Citizen identity number (公民身份号码), GB 11643-1999: 6-digit address code, 8-digit birth date,
 * 3-digit sequence, and a check character (ISO 7064 MOD 11-2; 10 is written X).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function citizenIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export function citizenIdProblem(value: string, today: Date = new Date()): string | null {
  if (!/^[1-9]\d{16}[\dX]$/.test(value)) return 'must be 17 digits and a digit or X (GB 11643-1999)';
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1800 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth > today) {
    return 'digits 7 to 14 must be a real birth date (GB 11643-1999)';
  }
  const expected = citizenIdCheckCharacter(value.slice(0, 17));
  return value[17] === expected ? null : `check character must be ${expected} (GB 11643-1999)`;
}

/** Shows the first 3 and last 4 characters; the rest is starred (also used for phone numbers). */
export function maskPersonal(value: string | null): string | null {
  if (value === null) return null;
  if (value.length <= 7) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}
