/**
 * Tunnel restrictions, ADR 1.9.5 and 8.6.4 (JT/T 617.6): each dangerous good has a tunnel
 * restriction code; each tunnel a category from A (no restriction) to E (most restricted).
 * Code B forbids categories B, C, D and E; C forbids C, D and E; D forbids D and E; E forbids E.
 * A combined code such as "C/E" applies its first part to carriage in tanks and its second part
 * to other carriage. "B1000C" is B when the net explosive mass exceeds 1,000 kg, otherwise C.
 * "(-)" or no code means no restriction.
 */
export type TunnelCategory = 'A' | 'B' | 'C' | 'D' | 'E';
export type Carriage = 'tank' | 'other';

const ORDER = 'ABCDE';

/** The restriction letter that applies to this carriage, or null when none does. */
export function restrictionLetter(
  code: string | null,
  carriage: Carriage,
  netExplosiveKg = 0,
): 'B' | 'C' | 'D' | 'E' | null {
  if (!code) return null;
  // A few catalogue entries list alternatives ("B/E;D/E"): the first is the entry that applies.
  const cleaned = code.split(';')[0]!.replace(/[()\s]/g, '');
  if (cleaned === '' || cleaned === '-') return null;
  const parts = cleaned.split('/');
  const part = parts.length === 2 ? (carriage === 'tank' ? parts[0]! : parts[1]!) : parts[0]!;
  const threshold = /^([B-E])(\d+)([B-E])$/.exec(part);
  if (threshold) return (netExplosiveKg > Number(threshold[2]) ? threshold[1] : threshold[3]) as 'B' | 'C' | 'D' | 'E';
  return /^[B-E]$/.test(part) ? (part as 'B' | 'C' | 'D' | 'E') : null;
}

/** May a load with this code pass a tunnel of this category? */
export function tunnelAllows(
  category: TunnelCategory,
  code: string | null,
  carriage: Carriage,
  netExplosiveKg = 0,
): boolean {
  const letter = restrictionLetter(code, carriage, netExplosiveKg);
  return letter === null || ORDER.indexOf(category) < ORDER.indexOf(letter);
}
