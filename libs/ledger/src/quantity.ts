import type { Unit } from './vocabulary.js';

/** Grams are the ledger's resolution: numeric(18,3) kg. */
export const roundKg = (kg: number): number => Math.round(kg * 1000) / 1000;
export const formatKg = (kg: number): string => roundKg(kg).toFixed(3);

/**
 * Mass in kg from a quantity in kg, t, L or m3. Volumes use the catalogue density (kg/L);
 * without one the quantity cannot be booked (the caller refuses with DENSITY_UNKNOWN).
 */
export function toKg(value: number, unit: Unit, densityKgPerL: number | null): number | null {
  switch (unit) {
    case 'kg':
      return roundKg(value);
    case 't':
      return roundKg(value * 1000);
    case 'L':
      return densityKgPerL === null ? null : roundKg(value * densityKgPerL);
    case 'm3':
      return densityKgPerL === null ? null : roundKg(value * 1000 * densityKgPerL);
  }
}
