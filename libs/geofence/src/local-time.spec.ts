import { compileSchedule, localIsoWeekday, localMinuteOfDay, localWeekMinute, MINUTES_PER_DAY } from './local-time.js';

describe('Asia/Shanghai local time', () => {
  it('shifts UTC by 8 hours for the minute of the day and the ISO weekday', () => {
    // 2026-03-01T16:30Z is Monday 2026-03-02 00:30 in Shanghai.
    const ts = Date.parse('2026-03-01T16:30:00Z');
    expect(localMinuteOfDay(ts)).toBe(30);
    expect(localIsoWeekday(ts)).toBe(1);
    expect(localIsoWeekday(Date.parse('2026-03-08T23:59:00+08:00'))).toBe(7);
    expect(localMinuteOfDay(Date.parse('2026-03-08T23:59:59+08:00'))).toBe(1439);
    expect(localWeekMinute(Date.parse('2026-03-03T01:00:00+08:00'))).toBe(MINUTES_PER_DAY + 60);
    expect(localIsoWeekday(Date.parse('1970-01-01T12:00:00+08:00'))).toBe(4);
  });

  it('compiles schedules, wrapping windows belonging to the day they start', () => {
    const week = compileSchedule({
      minutes: [
        [22 * 60, 6 * 60],
        [12 * 60, 13 * 60],
      ],
      weekdays: [7],
    });
    const on = (iso: string): boolean => week[localWeekMinute(Date.parse(`${iso}+08:00`))] === 1;
    expect(on('2026-03-08T22:00:00')).toBe(true); // Sunday night
    expect(on('2026-03-09T05:59:00')).toBe(true); // Monday morning, Sunday's window
    expect(on('2026-03-09T06:00:00')).toBe(false); // [from, to)
    expect(on('2026-03-08T05:00:00')).toBe(false); // Sunday morning belongs to Saturday's
    expect(on('2026-03-08T12:30:00')).toBe(true);
    expect(on('2026-03-09T12:30:00')).toBe(false);
    expect(compileSchedule({ minutes: [[600, 600]], weekdays: [1] }).every((m) => m === 0)).toBe(true);
    expect(() => compileSchedule({ minutes: [[0, 60]], weekdays: [8] })).toThrow(RangeError);
  });
});
