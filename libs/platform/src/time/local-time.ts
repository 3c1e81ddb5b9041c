/**
 * Rules that speak of local time (licence dates, allowed hours, ban-zone schedules) use
 * Asia/Shanghai: UTC+8 all year, no daylight saving since 1991, so a fixed offset is exact.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

export interface LocalParts {
  /** YYYY-MM-DD */
  date: string;
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay: number;
  /** ISO weekday, 1 = Monday .. 7 = Sunday. */
  weekday: number;
}

export function shanghaiParts(at: Date | number): LocalParts {
  const t = (typeof at === 'number' ? at : at.getTime()) + SHANGHAI_OFFSET_MS;
  const d = new Date(t);
  return {
    date: d.toISOString().slice(0, 10),
    minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes(),
    weekday: d.getUTCDay() === 0 ? 7 : d.getUTCDay(),
  };
}

/** The local calendar date at an instant. */
export const shanghaiDate = (at: Date | number): string => shanghaiParts(at).date;

/** A local calendar date plus n days. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The instant a local calendar date begins. */
export const startOfShanghaiDate = (date: string): Date =>
  new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
