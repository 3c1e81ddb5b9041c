/**
 * ADR class matching, the one rule for every place that names classes: zone restrictions here, and
 * licence and permit scopes, vehicle and unit permissions and route classes in the other contexts.
 * A class covers a chemical's class when it is the same class, or a class/division the chemical
 * belongs to: "2" covers "2.1"–"2.3"; "1" and "1.1" cover "1.1D" (division 1.1, compatibility
 * group D). A digit after the prefix means a different number, so nothing here lets "1" cover a
 * hypothetical "12", nor "1.1" a "1.10". A chemical with no class is covered by none.
 */
export function normaliseClass(c: string): string {
  return c.trim().toUpperCase();
}

export function classCovers(scope: string, chemicalClass: string | null): boolean {
  if (chemicalClass === null) return false;
  if (chemicalClass === scope) return true;
  if (scope.length === 0 || !chemicalClass.startsWith(scope)) return false;
  const next = chemicalClass.charCodeAt(scope.length);
  return next < 48 || next > 57;
}

/** A zone applies to a load when it lists no class, or one of its classes covers a load class. */
export function zoneCoversLoad(zoneClasses: readonly string[], loadClasses: readonly string[]): boolean {
  if (zoneClasses.length === 0) return true;
  for (const raw of loadClasses) {
    const load = normaliseClass(raw);
    for (const zc of zoneClasses) if (classCovers(zc, load)) return true;
  }
  return false;
}
