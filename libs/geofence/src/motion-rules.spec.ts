import {
  at,
  Drive,
  eastbound,
  eastRoute,
  fix,
  loaded,
  MINUTE,
  SECOND,
  squareZone,
  standing,
  T0,
  world,
} from './spec-helpers.js';
import type { Fix } from './types.js';

const HOUR = 60 * MINUTE;

describe('OVERSPEED', () => {
  it('raises for sustained speed over the limit, with the limit and the top speed', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 14, { extra: (i) => ({ speedKmh: i >= 3 && i < 9 ? 75 + i : 54 }) });
    drive.feed(loaded(), fixes);
    const [opened, closed] = drive.of('OVERSPEED');
    // Open dwell: 3 points and 30 s, so the fourth fast fix (30 s after the first).
    expect(opened).toMatchObject({ kind: 'opened', openedAt: fixes[3]!.ts, at: fixes[6]!.ts, severity: 'medium' });
    expect(opened!.detail).toEqual({ limitKmh: 60 });
    // Close dwell: 3 points and 30 s, so the fourth slow fix.
    expect(closed).toMatchObject({ kind: 'closed', closedAt: fixes[12]!.ts });
    expect(closed!.maxValue).toBe(83);
    expect(closed!.worstPoint.speedKmh).toBe(83);
  });

  it('ignores a short burst', () => {
    const drive = new Drive();
    drive.feed(loaded(), eastbound(T0, 12, { extra: (i) => ({ speedKmh: i >= 3 && i < 6 ? 95 : 54 }) }));
    expect(drive.of('OVERSPEED')).toEqual([]);
  });

  it('uses the lowest limit that applies: route, zone, class default', () => {
    const fast = (i: number): Partial<Fix> => ({ speedKmh: 70 + (i % 2) });
    // An expressway route: class default 80, so 70 is fine...
    const expressway = new Drive(world({ routes: [eastRoute('R1', 20_000, { expressway: true })] }));
    expressway.feed(loaded(), eastbound(T0, 10, { extra: fast }));
    expect(expressway.of('OVERSPEED')).toEqual([]);
    // ...unless the route has its own lower limit...
    const limited = new Drive(world({ routes: [eastRoute('R1', 20_000, { expressway: true, speedLimitKmh: 65 })] }));
    limited.feed(loaded(), eastbound(T0, 10, { extra: fast }));
    expect(limited.of('OVERSPEED', 'opened')[0]!.detail).toEqual({ limitKmh: 65 });
    // ...or the vehicle is off the expressway's corridor (then the default is 60)...
    const off = new Drive(world({ routes: [eastRoute('R1', 20_000, { expressway: true })] }));
    off.feed(loaded(), eastbound(T0, 10, { extra: fast, north: () => 150 }));
    expect(off.of('OVERSPEED', 'opened')[0]!.detail).toEqual({ limitKmh: 60 });
    // ...or inside a school zone limited to 30 (zone limits apply to a covered load).
    const school = squareZone('S', 1500, 0, 4000, { kind: 'school', speedLimitKmh: 30, hazardClasses: ['8'] });
    const inSchool = new Drive(world({ zones: [school] }));
    inSchool.feed(loaded({ hazardClasses: ['8'] }), eastbound(T0, 10, { speedKmh: 45 }));
    expect(inSchool.of('OVERSPEED', 'opened')[0]!.detail).toEqual({ limitKmh: 30 });
    const notCovered = new Drive(world({ zones: [school] }));
    notCovered.feed(loaded({ hazardClasses: ['3'] }), eastbound(T0, 10, { speedKmh: 45 }));
    expect(notCovered.of('OVERSPEED')).toEqual([]);
  });

  it('does not apply to an empty vehicle', () => {
    const drive = new Drive();
    drive.feed(loaded({ loaded: false }), eastbound(T0, 12, { speedKmh: 100 }));
    expect(drive.of('OVERSPEED')).toEqual([]);
  });
});

describe('UNAUTHORIZED_STOP', () => {
  /** Arrives at `position`, stands 21 minutes (fixes every minute), then drives off. */
  function stopAt(position: [number, number], w = world()): Drive {
    const drive = new Drive(w);
    const noRoute = loaded({ routeId: null });
    drive.feed(noRoute, standing(T0, 22, position));
    drive.feed(noRoute, [fix(T0 + 22 * MINUTE, position, 30), fix(T0 + 22 * MINUTE + 10 * SECOND, position, 30)]);
    return drive;
  }

  it('raises for a 20-minute stop outside parking and facilities, and closes on moving off', () => {
    const drive = stopAt(at(3000, 3000));
    const [opened, closed] = drive.of('UNAUTHORIZED_STOP');
    expect(opened).toMatchObject({ kind: 'opened', openedAt: T0 + 20 * MINUTE, at: T0 + 20 * MINUTE });
    expect(opened!.detail).toEqual({ stoppedSeconds: 1200, stoppedSince: T0 });
    expect(closed).toMatchObject({ kind: 'closed', closedAt: T0 + 22 * MINUTE + 10 * SECOND });
    expect(closed!.detail).toEqual({ stoppedSeconds: 21 * 60, stoppedSince: T0 });
  });

  it('does not raise for the same stop in a parking zone or within a facility fence', () => {
    const spot = at(3000, 3000);
    const parking = squareZone('P', 3000, 3000, 300, { kind: 'parking' });
    expect(stopAt(spot, world({ zones: [parking] })).of('UNAUTHORIZED_STOP')).toEqual([]);
    const depot = { id: 'F1', polygon: null, point: at(3150, 3000), radiusM: 200 };
    expect(stopAt(spot, world({ facilities: [depot] })).of('UNAUTHORIZED_STOP')).toEqual([]);
    // A fenced yard 40 m away, fence distance 50 m.
    const yard = squareZone('yard', 3140, 3000, 200).polygons[0]![0]!;
    const fenced = { id: 'F2', polygon: [yard], point: null, radiusM: 50 };
    expect(stopAt(spot, world({ facilities: [fenced] })).of('UNAUTHORIZED_STOP')).toEqual([]);
    const tooFar = { id: 'F3', polygon: [yard], point: null, radiusM: 30 };
    expect(stopAt(spot, world({ facilities: [tooFar] })).of('UNAUTHORIZED_STOP', 'opened')).toHaveLength(1);
  });

  it('respects the parking zone schedule', () => {
    const nightParking = squareZone('P', 3000, 3000, 300, {
      kind: 'parking',
      schedule: { minutes: [[20 * 60, 6 * 60]], weekdays: [1, 2, 3, 4, 5, 6, 7] },
    });
    // T0 is 10:00: the night-only parking does not cover the stop.
    expect(stopAt(at(3000, 3000), world({ zones: [nightParking] })).of('UNAUTHORIZED_STOP', 'opened')).toHaveLength(1);
  });
});

describe('FATIGUE_DRIVING', () => {
  const unloaded = loaded({ loaded: false, routeId: null });
  /** Driving east at 60 km/h, a fix a minute, for `minutes`; returns the fixes. */
  const driving = (start: number, minutes: number, fromEast = 0): Fix[] =>
    eastbound(start, minutes + 1, { everyS: 60, speedKmh: 60, fromEast });

  it('raises after 4 hours of driving and closes after a 20-minute rest', () => {
    const drive = new Drive();
    const trip = driving(T0, 250);
    drive.feed(unloaded, trip);
    const opened = drive.of('FATIGUE_DRIVING', 'opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ openedAt: T0 + 241 * MINUTE, severity: 'medium' });
    expect(opened[0]!.detail).toEqual({ drivingSeconds: 241 * 60 });
    const end = trip.at(-1)!;
    drive.feed(unloaded, standing(end.ts + MINUTE, 21, [end.lon, end.lat]));
    expect(drive.of('FATIGUE_DRIVING', 'closed')[0]).toMatchObject({ closedAt: end.ts + 21 * MINUTE });
  });

  it('does not raise when a 20-minute rest splits the driving', () => {
    const drive = new Drive();
    const first = driving(T0, 120);
    const restAt = first.at(-1)!;
    const rest = standing(restAt.ts + MINUTE, 21, [restAt.lon, restAt.lat]);
    const second = driving(rest.at(-1)!.ts + MINUTE, 130, 120_000);
    drive.feed(unloaded, [...first, ...rest, ...second]);
    expect(drive.of('FATIGUE_DRIVING')).toEqual([]);
  });

  it('does not count a short stop as a rest', () => {
    const drive = new Drive();
    const first = driving(T0, 120);
    const stopAt = first.at(-1)!;
    const stop = standing(stopAt.ts + MINUTE, 10, [stopAt.lon, stopAt.lat]);
    const second = driving(stop.at(-1)!.ts + MINUTE, 130, 120_000);
    drive.feed(unloaded, [...first, ...stop, ...second]);
    expect(drive.of('FATIGUE_DRIVING', 'opened')).toHaveLength(1);
  });
});

describe('SIGNAL_LOST', () => {
  it('opens on tick when a loaded vehicle is silent too long, and closes on its next fix', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 6);
    const last = fixes.at(-1)!;
    drive.feed(loaded(), fixes);
    expect(drive.tick(loaded(), last.ts + 300 * SECOND)).toEqual([]);
    const [opened] = drive.tick(loaded(), last.ts + 301 * SECOND);
    expect(opened).toMatchObject({
      kind: 'opened',
      rule: 'SIGNAL_LOST',
      openedAt: last.ts,
      at: last.ts + 301 * SECOND,
      severity: 'high',
      firstPoint: { ts: last.ts, lon: last.lon, lat: last.lat },
      worstPoint: { ts: last.ts },
    });
    expect(drive.tick(loaded(), last.ts + 400 * SECOND)).toEqual([]);
    const back = fix(last.ts + 420 * SECOND, at(1000, 0));
    drive.feed(loaded(), [back]);
    expect(drive.of('SIGNAL_LOST', 'closed')[0]).toMatchObject({ openedAt: last.ts, closedAt: back.ts });
  });

  it('counts silence from receipts: a blind-area backlog of old fixes received now is not silence', () => {
    const drive = new Drive();
    // Two hours of driving stored by the terminal out of coverage, all received at NOW (0x0704).
    const NOW = T0 + 2 * HOUR;
    const backlog = eastbound(T0, 6, { extra: () => ({ receivedAt: NOW }) });
    const last = backlog.at(-1)!;
    drive.feed(loaded({ validTo: NOW + HOUR }), backlog);
    // By GPS time the vehicle has been silent for two hours; by receipt, for nothing yet.
    expect(drive.tick(loaded({ validTo: NOW + HOUR }), NOW + MINUTE)).toEqual([]);
    expect(drive.tick(loaded({ validTo: NOW + HOUR }), NOW + 300 * SECOND)).toEqual([]);
    const [opened] = drive.tick(loaded({ validTo: NOW + HOUR }), NOW + 301 * SECOND);
    // Still identified by the last fix: the evidence is where the vehicle was.
    expect(opened).toMatchObject({ kind: 'opened', rule: 'SIGNAL_LOST', openedAt: last.ts, at: NOW + 301 * SECOND });
    expect(opened!.detail).toEqual({ silentSince: NOW, silentSeconds: 301 });

    // Heard again 20 minutes later: closed, the silence measured between the two receipts.
    const back = fix(NOW + 20 * MINUTE, at(1000, 0), 54, { receivedAt: NOW + 20 * MINUTE + 3 * SECOND });
    drive.feed(loaded({ validTo: NOW + HOUR }), [back]);
    const [closed] = drive.of('SIGNAL_LOST', 'closed');
    expect(closed).toMatchObject({ openedAt: last.ts, closedAt: back.ts });
    expect(closed!.detail).toEqual({ silentSince: NOW, silentSeconds: 20 * 60 + 3 });
  });

  it('is not put off by late fixes or jumps: they say nothing of where the vehicle is now', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 6, { extra: (i) => ({ receivedAt: T0 + i * 10 * SECOND }) });
    drive.feed(loaded(), fixes);
    // Four minutes on, a fix older than the newest (a re-send of an old one), then a fix 50 km off.
    const late = fix(T0 + 5 * SECOND, at(75, 0), 54, { receivedAt: T0 + 4 * MINUTE });
    const jump = fix(T0 + 4 * MINUTE, at(50_000, 0), 54, { receivedAt: T0 + 4 * MINUTE });
    expect(drive.feed(loaded(), [late, jump]).map((r) => r.disposition)).toEqual(['late', 'jump']);
    // Silent since the last usable fix was received (T0 + 50 s), whatever came after.
    expect(drive.tick(loaded(), T0 + 50 * SECOND + 300 * SECOND)).toEqual([]);
    const [opened] = drive.tick(loaded(), T0 + 50 * SECOND + 301 * SECOND);
    expect(opened!.detail).toEqual({ silentSince: T0 + 50 * SECOND, silentSeconds: 301 });
  });

  it('counts from the last usable fix for a state checkpointed before receipts were kept', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 6, { extra: () => ({ receivedAt: T0 + HOUR }) });
    drive.feed(loaded(), fixes);
    // Such a checkpoint's track has one slot fewer (JSON restores it as it was written).
    (drive.state as unknown as { track: number[] }).track.length -= 1;
    const last = fixes.at(-1)!;
    expect(drive.tick(loaded(), last.ts + 300 * SECOND)).toEqual([]);
    expect(drive.tick(loaded(), last.ts + 301 * SECOND)[0]!.detail).toEqual({
      silentSince: last.ts,
      silentSeconds: 301,
    });
  });

  it('does not open for an empty vehicle, and tick changes nothing else', () => {
    const drive = new Drive();
    drive.feed(loaded({ loaded: false }), eastbound(T0, 3));
    const before = JSON.stringify(drive.state);
    expect(drive.tick(loaded({ loaded: false }), T0 + HOUR)).toEqual([]);
    expect(drive.tick(null, T0 + HOUR)).toEqual([]);
    expect(JSON.stringify(drive.state)).toBe(before);
  });
});

describe('UNDECLARED_TRIP', () => {
  it('raises for 5 minutes of movement without an assignment, and closes after stopping', () => {
    const drive = new Drive();
    const trip = eastbound(T0, 15, { everyS: 30 });
    drive.feed(null, trip);
    const opened = drive.of('UNDECLARED_TRIP', 'opened');
    // Moving since T0: the condition holds from T0 + 300 s; open dwell 2 points.
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ openedAt: T0 + 300 * SECOND, at: T0 + 330 * SECOND, severity: 'low' });
    expect(opened[0]!.waybillId).toBeNull();
    const end = trip.at(-1)!;
    drive.feed(null, standing(end.ts + 30 * SECOND, 3, [end.lon, end.lat], 30));
    expect(drive.of('UNDECLARED_TRIP', 'closed')[0]).toMatchObject({ closedAt: end.ts + 90 * SECOND });
  });

  it('closes at once when an assignment comes into force', () => {
    const drive = new Drive();
    drive.feed(null, eastbound(T0, 15, { everyS: 30 }));
    drive.feed(loaded(), eastbound(T0 + 15 * 30 * SECOND, 1, { everyS: 30, fromEast: 15 * 30 * 15 }));
    expect(drive.of('UNDECLARED_TRIP', 'closed')[0]).toMatchObject({ closedAt: T0 + 15 * 30 * SECOND });
  });

  it('does not raise for movement under 5 minutes, nor with an assignment', () => {
    const short = new Drive();
    short.feed(null, eastbound(T0, 10, { everyS: 30 }));
    expect(short.of('UNDECLARED_TRIP')).toEqual([]);
    const assigned = new Drive();
    assigned.feed(loaded({ loaded: false }), eastbound(T0, 20, { everyS: 30 }));
    expect(assigned.of('UNDECLARED_TRIP')).toEqual([]);
  });
});

describe('TERMINAL_ALARM', () => {
  it('raises on the emergency bit and closes when it clears', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 8, { extra: (i) => ({ alarmFlags: i === 2 || i === 3 ? 0b101 : 0 }) });
    drive.feed(loaded(), fixes);
    const [opened, closed] = drive.of('TERMINAL_ALARM');
    expect(opened).toMatchObject({ kind: 'opened', openedAt: fixes[2]!.ts, at: fixes[2]!.ts, severity: 'critical' });
    expect(opened!.detail).toEqual({ alarm: 'emergency', alarmFlags: 0b101, positionValid: true });
    // Close dwell: 2 clear points spanning 10 s.
    expect(closed).toMatchObject({ kind: 'closed', closedAt: fixes[5]!.ts });
  });

  it('ignores the other alarm bits', () => {
    const drive = new Drive();
    drive.feed(null, eastbound(T0, 5, { extra: () => ({ alarmFlags: 0b1110 }) }));
    expect(drive.of('TERMINAL_ALARM')).toEqual([]);
  });
});
