/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
 * alphabet (no I, O, Z, S, V); the 18th is a check character over the first 17 (§4.3, Appendix B).
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/;

export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  const c = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c]!;
}

/** null when valid; otherwise why not. */
export function creditCodeProblem(value: string): string | null {
  if (value.length !== 18) return 'must be 18 characters (GB 32100-2015)';
  if (!SHAPE.test(value)) {
    return 'must use digits and capital letters other than I, O, S, V, Z, with digits in positions 3 to 8 (GB 32100-2015)';
  }
  const expected = creditCodeCheckCharacter(value.slice(0, 17));
  return value[17] === expected ? null : `check character must be ${expected} (GB 32100-2015 §4.3)`;
}

/** The administrative division code (positions 3 to 8) inside a credit code. */
export const creditCodeDivision = (code: string): string => code.slice(2, 8);
