import { at, Drive, eastbound, fix, loaded, MINUTE, SECOND, T0 } from './spec-helpers.js';
import { TERMINAL_ALARMS } from './terminal-alarms.js';
import type { Fix } from './types.js';

/** Fixes received when they were taken (a terminal whose clock is right). */
const onTime = (fixes: Fix[]): Fix[] => fixes.map((f) => ({ ...f, receivedAt: f.ts }));

describe('the watermark moves only on in-order usable fixes', () => {
  it('a fix stamped minutes ahead of its receipt does not make the next fixes late: the deviation opens', () => {
    const drive = new Drive();
    const before = onTime(eastbound(T0, 6));
    drive.feed(loaded(), before);
    // One fix stamped 4 minutes ahead of its receipt (accepted by ingest: within 5 minutes).
    const receivedAt = T0 + 60 * SECOND;
    const ahead = fix(receivedAt + 4 * MINUTE, at(600, 0), 54, { receivedAt });
    const r = drive.feed(loaded(), [ahead])[0]!;
    expect(r).toMatchObject({ disposition: 'ahead', events: [], lateFindings: [] });
    expect(drive.state.watermark).toBe(before[5]!.ts);
    // Then 13 off-route fixes, in real time: each is evaluated, and the deviation opens.
    const off = onTime(eastbound(T0 + 70 * SECOND, 13, { fromEast: 700, north: () => 400 }));
    const results = drive.feed(loaded(), off);
    expect(results.map((x) => x.disposition)).toEqual(off.map(() => 'evaluated'));
    expect(drive.of('ROUTE_DEVIATION', 'opened')).toHaveLength(1);
    // Sent again, the fix ahead is a duplicate, not a second finding.
    expect(drive.engine.evaluate(drive.state, loaded(), ahead).disposition).toBe('duplicate');
  });

  it('gives a fix ahead its point-in-time findings and raises its alarm where it says it is', () => {
    const drive = new Drive();
    drive.feed(loaded(), onTime(eastbound(T0, 3)));
    const receivedAt = T0 + 30 * SECOND;
    const ahead = fix(receivedAt + 3 * MINUTE, at(400, 400), 54, { receivedAt, alarmFlags: 1 });
    const r = drive.feed(loaded(), [ahead])[0]!;
    expect(r.disposition).toBe('ahead');
    expect(r.lateFindings).toEqual([{ rule: 'ROUTE_DEVIATION', targetId: 'R1' }]);
    expect(r.events).toEqual([
      expect.objectContaining({
        kind: 'opened',
        rule: 'TERMINAL_ALARM',
        firstPoint: expect.objectContaining({ lon: ahead.lon, lat: ahead.lat }),
        detail: expect.objectContaining({ alarm: 'emergency', positionValid: true, report: 'clock_ahead' }),
      }),
    ]);
    // A current alarm after it is evaluated in order (not late).
    const now = fix(T0 + 40 * SECOND, at(600, 0), 54, { receivedAt: T0 + 40 * SECOND, alarmFlags: 1 << 29 });
    const next = drive.feed(loaded(), [now])[0]!;
    expect(next.disposition).toBe('evaluated');
    expect(next.events).toEqual([expect.objectContaining({ detail: expect.objectContaining({ alarm: 'collision' }) })]);
  });

  it('evaluates a fix within the clock tolerance as usual, and takes the tolerance as an option', () => {
    const drive = new Drive();
    const f = fix(T0 + 9 * SECOND, at(0, 0), 54, { receivedAt: T0 });
    expect(drive.feed(loaded(), [f])[0]!.disposition).toBe('evaluated');
    const strict = new Drive(undefined, { clockToleranceMs: 1000 });
    expect(strict.feed(loaded(), [f])[0]!.disposition).toBe('ahead');
    expect(() => new Drive(undefined, { clockToleranceMs: -1 })).toThrow(/clockToleranceMs/);
  });

  it('a jump leaves the watermark: a fix older than the jump but newer than the last usable one is in order', () => {
    const drive = new Drive();
    const fixes = onTime(eastbound(T0, 4));
    drive.feed(loaded(), fixes);
    const jump = fix(T0 + 60 * SECOND, at(400, 20_000), 54, { receivedAt: T0 + 60 * SECOND });
    expect(drive.feed(loaded(), [jump])[0]!.disposition).toBe('jump');
    expect(drive.state.watermark).toBe(fixes[3]!.ts);
    const between = fix(T0 + 40 * SECOND, at(600, 0), 54, { receivedAt: T0 + 61 * SECOND });
    expect(drive.feed(loaded(), [between])[0]!.disposition).toBe('evaluated');
    expect(drive.engine.evaluate(drive.state, loaded(), jump).disposition).toBe('duplicate');
  });
});

describe('no alarm is dropped', () => {
  it('raises an unlocated report’s alarm at the last usable position, marked position-invalid', () => {
    const drive = new Drive();
    const fixes = onTime(eastbound(T0, 3));
    drive.feed(loaded(), fixes);
    const track = JSON.stringify(drive.state);
    const unlocated = fix(T0 + 25 * SECOND, [0, 0], 0, { located: false, alarmFlags: 1 << 8 });
    const r = drive.feed(loaded(), [unlocated])[0]!;
    expect(r.disposition).toBe('unlocated');
    expect(r.events).toEqual([
      expect.objectContaining({
        rule: 'TERMINAL_ALARM',
        openedAt: unlocated.ts,
        firstPoint: { ts: unlocated.ts, lon: fixes[2]!.lon, lat: fixes[2]!.lat, speedKmh: 0 },
        detail: expect.objectContaining({
          alarm: 'power',
          positionValid: false,
          position: 'last_known',
          report: 'unlocated',
          lastKnownTs: fixes[2]!.ts,
        }),
      }),
    ]);
    // Nothing else moved: no watermark, no track position.
    const after = JSON.parse(JSON.stringify(drive.state)) as Record<string, unknown>;
    const was = JSON.parse(track) as Record<string, unknown>;
    expect(after.watermark).toBe(was.watermark);
    expect(after.track).toEqual(was.track);
    // An unlocated report without alarm bits changes nothing and raises nothing.
    expect(drive.feed(loaded(), [fix(T0 + 26 * SECOND, [0, 0], 0, { located: false })])[0]!.events).toEqual([]);
  });

  it('raises an unlocated alarm before any usable fix at the reported coordinates, still marked invalid', () => {
    const drive = new Drive();
    const r = drive.feed(null, [fix(T0, at(10, 10), 0, { located: false, alarmFlags: 1 })])[0]!;
    expect(r.events[0]!.detail).toMatchObject({ positionValid: false, position: 'reported', report: 'unlocated' });
  });

  it('raises new alarm bits merged into a fix already evaluated, once', () => {
    const drive = new Drive();
    const fixes = onTime(eastbound(T0, 3));
    drive.feed(loaded(), fixes);
    const merged = { ...fixes[2]!, alarmFlags: 1 };
    const events = drive.engine.mergeAlarms(drive.state, loaded(), merged);
    expect(events).toEqual([
      expect.objectContaining({
        rule: 'TERMINAL_ALARM',
        openedAt: fixes[2]!.ts,
        detail: expect.objectContaining({ alarm: 'emergency', report: 'merged', positionValid: true }),
      }),
    ]);
    // The same bits again: the alert is open already.
    expect(drive.engine.mergeAlarms(drive.state, loaded(), merged)).toEqual([]);
  });

  it('raises a late fix’s alarm without touching the live rules', () => {
    const drive = new Drive();
    drive.feed(loaded(), onTime(eastbound(T0, 6)));
    const late = fix(T0 + 5 * SECOND, at(75, 0), 54, { alarmFlags: 1 << 30 });
    const r = drive.feed(loaded(), [late])[0]!;
    expect(r.disposition).toBe('late');
    expect(r.events).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ alarm: 'rollover', report: 'late' }) }),
    ]);
  });

  it('opens a new alert for a new alarm group while another is open, and closes each on its own', () => {
    const drive = new Drive();
    const flags = [1, 1, 1 | (1 << 29), 1 | (1 << 29), 0, 0, 0, 0];
    drive.feed(loaded(), onTime(eastbound(T0, flags.length, { extra: (i) => ({ alarmFlags: flags[i]! }) })));
    const opened = drive.of('TERMINAL_ALARM', 'opened').map((e) => e.detail.alarm);
    expect(opened).toEqual(['emergency', 'collision']);
    expect(drive.of('TERMINAL_ALARM', 'closed').map((e) => e.detail.alarm)).toEqual(['emergency', 'collision']);
  });

  it.each([
    [0, 'emergency'],
    [5, 'gnss_antenna'],
    [6, 'gnss_antenna'],
    [7, 'power'],
    [8, 'power'],
    [27, 'illegal_ignition'],
    [28, 'illegal_displacement'],
    [29, 'collision'],
    [30, 'rollover'],
  ])('maps alarm bit %i to TERMINAL_ALARM %s', (bit, alarm) => {
    const drive = new Drive();
    drive.feed(loaded(), onTime(eastbound(T0, 1, { extra: () => ({ alarmFlags: 2 ** bit }) })));
    expect(drive.of('TERMINAL_ALARM', 'opened').map((e) => e.detail.alarm)).toEqual([alarm]);
    expect(TERMINAL_ALARMS.find((a) => a.alarm === alarm)!.bits & (2 ** bit)).not.toBe(0);
  });

  it('leaves overspeed and fatigue bits to the platform’s own rules, noted on their episodes', () => {
    const drive = new Drive();
    // 80 km/h against the class default of 60 for 40 s, the terminal flagging overspeed too.
    drive.feed(loaded(), onTime(eastbound(T0, 5, { speedKmh: 80, extra: () => ({ alarmFlags: 0b110 }) })));
    expect(drive.of('TERMINAL_ALARM')).toEqual([]);
    expect(drive.of('OVERSPEED', 'opened')[0]!.detail).toMatchObject({ terminalAlarm: true });
  });
});
