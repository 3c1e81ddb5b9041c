import { SHANGHAI_OFFSET_MS } from '@lib/platform';

/**
 * A route's allowed hours (通行时段, set by the transport bureau and public security under the
 * 2019 rules Art. 38 and 《道路交通安全法》 Art. 48) hold for the whole time the load is on the
 * road, departure to planned arrival, not only at departure: a tanker allowed 22:00–06:00 that
 * leaves at 05:00 and arrives at 07:00 is on the road an hour after the window closed.
 *
 * Windows are daily, in Asia/Shanghai wall time (China keeps no daylight saving, so local time is
 * UTC+8 every day). A window whose end is before its start crosses midnight (22:00–06:00); one
 * whose end equals its start is the whole day. The trip [departure, arrival) must lie inside the
 * union of the windows of every local day it touches, so a trip spanning days passes when the
 * windows join up across midnight (22:00–24:00 and 00:00–06:00) and fails at the first minute it
 * is outside them. Arriving at the minute a window closes is inside.
 */
export interface HoursWindow {
  from: string;
  to: string;
}

const DAY_MIN = 1440;
const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes since 1970-01-01 00:00 local time. */
const localMinutes = (at: Date): number => (at.getTime() + SHANGHAI_OFFSET_MS) / 60_000;

/**
 * The first instant of the trip outside every window, or null when the whole trip is inside one
 * (or the route has no windows: no restriction).
 */
export function firstOutsideHours(departure: Date, arrival: Date, windows: HoursWindow[]): Date | null {
  if (windows.length === 0 || arrival <= departure) return null;
  const start = localMinutes(departure);
  const end = localMinutes(arrival);
  // Every window of every local day the trip touches (the day before too: its window may cross midnight).
  const intervals: Array<[number, number]> = [];
  for (let day = Math.floor(start / DAY_MIN) - 1; day <= Math.floor(end / DAY_MIN); day++) {
    for (const w of windows) {
      const f = minutes(w.from);
      const t = minutes(w.to);
      const base = day * DAY_MIN;
      intervals.push([base + f, base + (t > f ? t : t + DAY_MIN)]);
    }
  }
  intervals.sort((a, b) => a[0] - b[0]);
  // Walk from departure: extend the covered span while a window starts inside it.
  let covered = start;
  for (const [f, t] of intervals) {
    if (f > covered) break;
    if (t > covered) covered = t;
    if (covered >= end) return null;
  }
  return new Date(covered * 60_000 - SHANGHAI_OFFSET_MS);
}

/** "HH:MM" local time of an instant, for messages. */
export function localClock(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16);
}
