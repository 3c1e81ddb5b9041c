import { GeofenceEngine } from './engine.js';
import { DEFAULT_ENGINE_CONFIG } from './config.js';
import { violationKey } from './violation-key.js';
import { at, Drive, eastbound, fix, loaded, SECOND, squareZone, T0, VEHICLE, world } from './spec-helpers.js';
import type { EvaluationResult, Fix, VehicleState, ViolationEvent } from './types.js';

/** A route deviation with a zone on the way, an alarm and a speeding stretch: many rules at once. */
function busyTrack(): Fix[] {
  return eastbound(T0, 60, {
    north: (i) => (i >= 10 && i < 30 ? 400 : 0),
    extra: (i) => ({ alarmFlags: i >= 15 && i < 18 ? 1 : 0, speedKmh: i >= 35 && i < 48 ? 80 : 54 }),
  });
}
const busyWorld = world({ zones: [squareZone('Z', 2500, 400, 600)] });

function replay(engine: GeofenceEngine, state: VehicleState, fixes: Fix[]): EvaluationResult[] {
  return fixes.map((f) => engine.evaluate(state, loaded(), f));
}

describe('GeofenceEngine dispositions', () => {
  it('answers a repeated fix as a duplicate, with no events and no change', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 5);
    drive.feed(loaded(), fixes);
    const before = JSON.stringify(drive.state);
    const again = drive.engine.evaluate(drive.state, loaded(), fixes[4]!);
    expect(again).toEqual({ disposition: 'duplicate', events: [], passages: [] });
    expect(drive.engine.evaluate(drive.state, loaded(), fixes[2]!).disposition).toBe('duplicate');
    expect(JSON.stringify(drive.state)).toBe(before);
  });

  it('answers an older unseen fix as late: point-in-time findings, no events, state untouched', () => {
    const zone = squareZone('Z', 300, 400, 400);
    const drive = new Drive(world({ zones: [zone] }));
    drive.feed(loaded(), eastbound(T0, 6));
    const before = JSON.stringify(drive.state);
    const late = drive.engine.evaluate(drive.state, loaded(), fix(T0 + 25 * SECOND, at(300, 400)));
    expect(late.disposition).toBe('late');
    expect(late.events).toEqual([]);
    expect(late.lateFindings).toEqual([
      { rule: 'ROUTE_DEVIATION', targetId: 'R1' },
      { rule: 'ZONE_INTRUSION', targetId: 'Z' },
    ]);
    const onRoute = drive.engine.evaluate(drive.state, loaded(), fix(T0 + 15 * SECOND, at(200, 0)));
    expect(onRoute).toMatchObject({ disposition: 'late', lateFindings: [] });
    expect(JSON.stringify(drive.state)).toBe(before);
  });

  it('flags a jump and ignores it for every rule but its alarm, raised at the last usable position', () => {
    const drive = new Drive();
    // Off route from fix 3: fix 4 is a 5 km spike. It must not count as the second point.
    const fixes = eastbound(T0, 10, { north: (i) => (i >= 3 ? 400 : 0) });
    fixes[4] = fix(fixes[4]!.ts, at(600, 5000), 54, { alarmFlags: 1 });
    const results = drive.feed(loaded(), fixes);
    expect(results[4]!.disposition).toBe('jump');
    const [alarm] = drive.of('TERMINAL_ALARM', 'opened');
    expect(alarm).toMatchObject({
      openedAt: fixes[4]!.ts,
      firstPoint: { ts: fixes[4]!.ts, lon: fixes[3]!.lon, lat: fixes[3]!.lat },
      detail: {
        alarm: 'emergency',
        positionValid: false,
        position: 'last_known',
        report: 'jump',
        lastKnownTs: fixes[3]!.ts,
        reportedLon: fixes[4]!.lon,
        reportedLat: fixes[4]!.lat,
      },
    });
    expect(drive.of('TERMINAL_ALARM', 'opened')).toHaveLength(1);
    const [opened] = drive.of('ROUTE_DEVIATION', 'opened');
    expect(opened!.points.map((p) => p.ts)).toEqual([3, 5, 6].map((i) => fixes[i]!.ts));
    // It was seen: sent again, it is a duplicate.
    expect(drive.engine.evaluate(drive.state, loaded(), fixes[4]!).disposition).toBe('duplicate');
  });

  it('re-anchors after three consistent fixes when the anchor itself was the bad one', () => {
    const drive = new Drive(world({ routes: [] }));
    drive.feed(null, [fix(T0, at(0, 0), 0), fix(T0 + 10 * SECOND, at(50_000, 0), 0)]);
    const next = drive.feed(null, [
      fix(T0 + 20 * SECOND, at(100, 0), 0),
      fix(T0 + 30 * SECOND, at(100, 0), 0),
      fix(T0 + 40 * SECOND, at(100, 0), 0),
    ]);
    expect(drive.results[1]!.disposition).toBe('jump');
    expect(next.map((r) => r.disposition)).toEqual(['evaluated', 'evaluated', 'evaluated']);
  });

  it('accepts the first fix of a vehicle however far it is', () => {
    const drive = new Drive();
    expect(drive.feed(loaded(), [fix(T0, at(0, 900_000))])[0]!.disposition).toBe('evaluated');
  });
});

describe('GeofenceEngine state', () => {
  it('is plain JSON, small, and round-trips mid-episode with identical results', () => {
    const fixes = busyTrack();
    const engine = new GeofenceEngine(busyWorld);
    const state = engine.newState(VEHICLE);
    const first = replay(engine, state, fixes.slice(0, 20));
    const checkpoint = JSON.stringify(state);
    expect(JSON.parse(checkpoint)).toEqual(state);
    expect(checkpoint.length).toBeLessThan(8000);
    const rest = replay(engine, state, fixes.slice(20));

    // Restored on "another process": a new engine over the same world.
    const other = new GeofenceEngine(busyWorld);
    const restored = JSON.parse(checkpoint) as VehicleState;
    const restAgain = replay(other, restored, fixes.slice(20));
    expect(restAgain).toEqual(rest);
    expect(JSON.stringify(restored)).toBe(JSON.stringify(state));
    const rules = [...first, ...rest].flatMap((r) => r.events.map((e) => `${e.rule}:${e.kind}`));
    expect(rules).toEqual(
      expect.arrayContaining([
        'ROUTE_DEVIATION:opened',
        'ROUTE_DEVIATION:closed',
        'ZONE_INTRUSION:opened',
        'TERMINAL_ALARM:opened',
        'OVERSPEED:opened',
      ]),
    );
  });

  it('gives a replayed episode the same identity (openedAt) as the original', () => {
    const fixes = busyTrack();
    const engine = new GeofenceEngine(busyWorld);
    const state = engine.newState(VEHICLE);
    // Checkpoint after two off-route fixes: the deviation episode has started but not opened.
    replay(engine, state, fixes.slice(0, 12));
    const checkpoint = JSON.stringify(state);
    const original = replay(engine, state, fixes.slice(12)).flatMap((r) => r.events);
    const again = replay(new GeofenceEngine(busyWorld), JSON.parse(checkpoint), fixes.slice(12)).flatMap(
      (r) => r.events,
    );
    const key = (events: ViolationEvent[]): string[] =>
      events.filter((e) => e.rule === 'ROUTE_DEVIATION').map((e) => `${e.kind} ${violationKey(e)}`);
    expect(key(again)).toEqual(key(original));
    expect(key(original)).toEqual([
      `opened ${VEHICLE}|ROUTE_DEVIATION|R1|${fixes[10]!.ts}`,
      `closed ${VEHICLE}|ROUTE_DEVIATION|R1|${fixes[10]!.ts}`,
    ]);
  });

  it('caps evidence at maxEvidencePoints, keeping the first points and the worst', () => {
    const drive = new Drive(world(), { maxEvidencePoints: 5 });
    const fixes = eastbound(T0, 30, { north: (i) => (i >= 2 && i < 25 ? (i === 20 ? 700 : 400) : 0) });
    drive.feed(loaded(), fixes);
    const [closed] = drive.of('ROUTE_DEVIATION', 'closed');
    expect(closed!.points.map((p) => p.ts)).toEqual([2, 3, 4, 5, 20].map((i) => fixes[i]!.ts));
    expect(closed!.worstPoint.ts).toBe(fixes[20]!.ts);
    expect(closed!.maxValue).toBeGreaterThan(699);
  });

  it('hands out evidence that cannot be edited behind the open violation', () => {
    const drive = new Drive();
    drive.feed(loaded(), eastbound(T0, 8, { north: (i) => (i >= 2 ? 400 : 0) }));
    const [opened] = drive.of('ROUTE_DEVIATION', 'opened');
    expect(() => {
      (opened!.firstPoint as { lon: number }).lon = 0;
    }).toThrow(TypeError);
    opened!.points.length = 0;
    drive.feed(loaded(), eastbound(T0 + 80 * SECOND, 4, { fromEast: 1200 }));
    expect(drive.of('ROUTE_DEVIATION', 'closed')[0]!.points).toHaveLength(6);
  });

  it('takes per-rule overrides and keeps the rest of the defaults', () => {
    const drive = new Drive(world(), {
      rules: { ROUTE_DEVIATION: { open: { points: 1, seconds: 0 }, severity: 'critical' } },
    });
    drive.feed(loaded(), eastbound(T0, 5, { north: (i) => (i === 2 ? 400 : 0) }));
    expect(drive.of('ROUTE_DEVIATION', 'opened')[0]).toMatchObject({ severity: 'critical', at: T0 + 20 * SECOND });
    expect(DEFAULT_ENGINE_CONFIG.rules.ROUTE_DEVIATION.severity).toBe('high');
    expect(() => new GeofenceEngine(world(), { stopSpeedKmh: -1 })).toThrow(RangeError);
  });

  it('rejects a world it could not judge', () => {
    const broken = world({ routes: [{ ...world().routes[0]!, coordinates: [at(0, 0)] }] });
    expect(() => new GeofenceEngine(broken)).toThrow(/at least 2 positions/);
    const dup = world({ zones: [squareZone('Z', 0, 0, 100), squareZone('Z', 500, 0, 100)] });
    expect(() => new GeofenceEngine(dup)).toThrow(/duplicate zone id Z/);
  });
});

describe('DEFAULT_ENGINE_CONFIG', () => {
  it('holds the documented thresholds', () => {
    const { rules, ...rest } = DEFAULT_ENGINE_CONFIG;
    expect(rules.UNAUTHORIZED_STOP).toEqual({
      open: { points: 1, seconds: 0 },
      close: { points: 2, seconds: 10 },
      severity: 'medium',
    });
    expect(rules.UNDECLARED_TRIP).toEqual({
      open: { points: 2, seconds: 0 },
      close: { points: 2, seconds: 60 },
      severity: 'low',
    });
    expect(rules.CREW_MISMATCH).toEqual({
      open: { points: 2, seconds: 0 },
      close: { points: 1, seconds: 0 },
      severity: 'high',
    });
    expect(rules.WRONG_DESTINATION).toEqual({
      open: { points: 1, seconds: 0 },
      close: { points: 3, seconds: 60 },
      severity: 'high',
    });
    expect(rest).toEqual({
      stopSpeedKmh: 5,
      stopMaxSeconds: 1200,
      fatigueDrivingSeconds: 14_400,
      restSeconds: 1200,
      signalLostSeconds: 300,
      undeclaredMovingSeconds: 300,
      crewNoCardSeconds: 600,
      maxImpliedSpeedKmh: 200,
      defaultLimitKmh: { expressway: 80, other: 60 },
      sparseSegmentM: 200,
      recentWindowMs: 600_000,
      clockToleranceMs: 10_000,
      maxEvidencePoints: 100,
      wrongStopSeconds: 1200,
    });
    expect(Object.isFrozen(DEFAULT_ENGINE_CONFIG.rules.OVERSPEED.open)).toBe(true);
  });
});
