/**
 * ADR class matching for zone restrictions. A zone class covers a load class when it is the same
 * class, or a class/division the load belongs to: "2" covers "2.1"–"2.3"; "1" and "1.1" cover
 * "1.1D" (division 1.1, compatibility group D). A digit after the prefix means a different
 * number, so nothing here lets "1" cover a hypothetical "12".
 */
export function normaliseClass(c: string): string {
  return c.trim().toUpperCase();
}

export function classCovers(zoneClass: string, loadClass: string): boolean {
  if (loadClass === zoneClass) return true;
  if (zoneClass.length === 0 || !loadClass.startsWith(zoneClass)) return false;
  const next = loadClass.charCodeAt(zoneClass.length);
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
