/**
 * Tunnel restrictions, ADR 1.9.5 and 8.6.4 (JT/T 617.6): each dangerous good has a tunnel
 * restriction code; each tunnel a category from A (no restriction) to E (most restricted).
 * Code B forbids categories B, C, D and E; C forbids C, D and E; D forbids D and E; E forbids E.
 * A combined code such as "C/E" applies its first part to carriage in tanks and its second part
 * to other carriage. "B1000C" is B when the net explosive mass exceeds 1,000 kg, otherwise C.
 * "(-)" or no code means no restriction.
 *
 * The restriction belongs to the transport unit, not to a line (ADR 1.9.5.3.6): a unit carrying
 * goods with different codes is bound by the most restrictive of them, and the mass in B1000C
 * (8.6.4: "total net explosive mass per transport unit") is the unit's whole class 1 load, so two
 * lines of 600 kg of explosives make 1,200 kg: B, not C twice.
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

/** A line as the tunnel rule reads it. */
export interface TunnelLine {
  line: number;
  code: string | null;
  carriage: Carriage;
  /** Class 1 goods: their mass counts toward the unit's net explosive mass. */
  explosive: boolean;
  quantityKg: number;
}

/**
 * The transport unit's restriction (ADR 1.9.5.3.6, 8.6.4): the most restrictive letter any line
 * gives with the unit's total net explosive mass, and the lines that give it. The net explosive
 * mass is taken as the lines' net mass: the waybill records no separate NEM, and the net mass is
 * never less, so the rule errs on the restrictive side.
 */
export function unitRestriction(lines: TunnelLine[]): {
  letter: 'B' | 'C' | 'D' | 'E' | null;
  lines: number[];
  netExplosiveKg: number;
} {
  const netExplosiveKg = lines.filter((l) => l.explosive).reduce((s, l) => s + l.quantityKg, 0);
  let letter: 'B' | 'C' | 'D' | 'E' | null = null;
  let governing: number[] = [];
  for (const l of lines) {
    const x = restrictionLetter(l.code, l.carriage, netExplosiveKg);
    if (x === null) continue;
    if (letter === null || ORDER.indexOf(x) < ORDER.indexOf(letter)) {
      letter = x;
      governing = [l.line];
    } else if (x === letter) governing.push(l.line);
  }
  return { letter, lines: governing, netExplosiveKg };
}

/** May the transport unit pass a tunnel of this category? */
export function unitAllows(category: TunnelCategory, letter: 'B' | 'C' | 'D' | 'E' | null): boolean {
  return letter === null || ORDER.indexOf(category) < ORDER.indexOf(letter);
}
