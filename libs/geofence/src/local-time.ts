import type { Schedule } from './types.js';

/** Asia/Shanghai is UTC+8 all year (no DST since 1991), so local time is a fixed shift. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** Local minute of the day, 0..1439. */
export function localMinuteOfDay(ts: number): number {
  const shifted = ts + SHANGHAI_OFFSET_MS;
  return Math.floor((shifted - Math.floor(shifted / DAY_MS) * DAY_MS) / 60_000);
}

/** Local ISO weekday, Monday = 1 … Sunday = 7 (1970-01-01 was a Thursday). */
export function localIsoWeekday(ts: number): number {
  const day = Math.floor((ts + SHANGHAI_OFFSET_MS) / DAY_MS);
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Minute of the local week (Monday 00:00 = 0): the index into a compiled schedule. */
export function localWeekMinute(ts: number): number {
  return (localIsoWeekday(ts) - 1) * MINUTES_PER_DAY + localMinuteOfDay(ts);
}

/**
 * Compiles a schedule into one byte per minute of the week, so "is this zone in force now" is a
 * single array read per fix. A window that wraps midnight belongs to the weekday it starts on
 * (a Friday 22:00–06:00 ban covers Saturday until 06:00, not Friday's early hours), the way
 * traffic notices read ("每日22时至次日6时"). A window with from = to is empty (half-open).
 */
export function compileSchedule(schedule: Schedule): Uint8Array {
  const week = new Uint8Array(MINUTES_PER_WEEK);
  for (const weekday of schedule.weekdays) {
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) throw new RangeError(`bad weekday ${weekday}`);
    const dayStart = (weekday - 1) * MINUTES_PER_DAY;
    for (const [from, to] of schedule.minutes) {
      if (!(from >= 0 && from <= MINUTES_PER_DAY && to >= 0 && to <= MINUTES_PER_DAY)) {
        throw new RangeError(`bad schedule window [${from}, ${to})`);
      }
      const length = to >= from ? to - from : MINUTES_PER_DAY - from + to;
      for (let m = 0; m < length; m++) week[(dayStart + from + m) % MINUTES_PER_WEEK] = 1;
    }
  }
  return week;
}
