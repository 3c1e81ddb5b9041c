/**
 * The terminal phone number of JT/T 808: 6 BCD bytes (12 digits) in the 2011 and 2013 editions,
 * 10 BCD bytes (20 digits) in 2019, left-padded with zeros. Its canonical form here: the number
 * without padding, padded back to 12 digits, so that a 2013 and a 2019 header of one terminal match.
 */
export function canonicalTerminalId(value: string): string | null {
  if (!/^\d{11,20}$/.test(value)) return null;
  const significant = value.replace(/^0+/, '');
  if (significant.length > 20) return null;
  return significant.length <= 12 ? significant.padStart(12, '0') : significant;
}

export function terminalIdProblem(value: string): string | null {
  return canonicalTerminalId(value)
    ? null
    : 'must be the 11 to 20 digit terminal phone number of JT/T 808 (e.g. 013912345678)';
}
