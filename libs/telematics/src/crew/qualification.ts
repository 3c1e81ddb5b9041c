/**
 * A qualification certificate number as compared: cards pad it (NUL or spaces, JT/T 808 STRING[20])
 * and people type it with spaces or a lower-case check letter; the number is the same.
 */
export function normaliseQualification(n: string | null | undefined): string | null {
  const s = (n ?? '').replace(/[\s\0]+/g, '').toUpperCase();
  return s === '' ? null : s;
}
