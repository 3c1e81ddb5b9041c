import { at, Drive, eastbound, fix, loaded, prng, SECOND, T0 } from './spec-helpers.js';

describe('ROUTE_DEVIATION', () => {
  it('stays quiet for a tanker on its route, with 30 m jitter and one 300 m GPS spike', () => {
    const drive = new Drive();
    const jitter = prng(7);
    const fixes = eastbound(T0, 90, { north: () => (jitter() * 2 - 1) * 30 });
    const spiked = fixes[40]!;
    fixes[40] = fix(spiked.ts, at((40 * 10 * 54) / 3.6, 300));
    const results = drive.feed(loaded(), fixes);
    expect(drive.events).toEqual([]);
    expect(results.every((r) => r.disposition === 'evaluated')).toBe(true);
  });

  it('opens once when the tanker leaves for 2 minutes and closes when it is back', () => {
    const drive = new Drive();
    // Fixes every 10 s; from fix 10 to fix 21 (2 minutes) the truck is 400 m north of the route.
    const off = (i: number): boolean => i >= 10 && i < 22;
    const fixes = eastbound(T0, 40, { north: (i) => (off(i) ? 400 : 0) });
    drive.feed(loaded(), fixes);

    const opened = drive.of('ROUTE_DEVIATION', 'opened');
    const closed = drive.of('ROUTE_DEVIATION', 'closed');
    expect(opened).toHaveLength(1);
    expect(closed).toHaveLength(1);
    const firstOff = fixes[10]!.ts;
    expect(opened[0]).toMatchObject({
      targetId: 'R1',
      severity: 'high',
      openedAt: firstOff,
      // Open dwell: 3 points spanning 20 s.
      at: fixes[12]!.ts,
      closedAt: null,
      waybillId: 'WB-1',
      chemicalIds: ['C-ethanol'],
      detail: { halfWidthM: 50 },
    });
    expect(opened[0]!.firstPoint.ts).toBe(firstOff);
    // Close dwell: 3 clear points spanning 20 s after the return at fix 22.
    expect(closed[0]).toMatchObject({ openedAt: firstOff, closedAt: fixes[24]!.ts, at: fixes[24]!.ts });
    expect(closed[0]!.maxValue).toBeGreaterThan(399);
    expect(closed[0]!.maxValue).toBeLessThan(401);
    expect(closed[0]!.worstPoint.deviationM).toBe(closed[0]!.maxValue);
    expect(closed[0]!.points).toHaveLength(12);
    expect(closed[0]!.points.every((p) => p.deviationM! > 399)).toBe(true);
  });

  it('does not open for a detour shorter than the open dwell', () => {
    const drive = new Drive();
    drive.feed(loaded(), eastbound(T0, 30, { north: (i) => (i === 10 || i === 11 ? 400 : 0) }));
    expect(drive.of('ROUTE_DEVIATION')).toEqual([]);
  });

  it('does not apply to an empty vehicle, nor to a route the world does not have', () => {
    const fixes = eastbound(T0, 40, { north: (i) => (i >= 10 && i < 22 ? 400 : 0) });
    const empty = new Drive();
    empty.feed(loaded({ loaded: false }), fixes);
    expect(empty.of('ROUTE_DEVIATION')).toEqual([]);
    const unknown = new Drive();
    unknown.feed(loaded({ routeId: 'R-unknown' }), fixes);
    expect(unknown.of('ROUTE_DEVIATION')).toEqual([]);
  });

  it('does not count an inaccurate fix towards opening or closing', () => {
    const drive = new Drive();
    const vague = { accuracyM: 120 }; // worse than the 50 m half-width
    const north = (i: number): number => (i >= 5 && i < 15 ? 400 : 0);
    // Fixes 5 and 6 off route, 7 off but inaccurate, 8 off: opens at 8 (the third usable point).
    // Back at 15; 16 is inaccurate; closes at 18 (the third usable clear point), not at 17.
    const fixes = eastbound(T0, 25, { north, extra: (i) => (i === 7 || i === 16 ? vague : {}) });
    const results = drive.feed(loaded(), fixes);
    expect(results[7]!.disposition).toBe('inaccurate');
    expect(results[16]!.disposition).toBe('inaccurate');
    expect(drive.of('ROUTE_DEVIATION', 'opened')[0]).toMatchObject({ openedAt: fixes[5]!.ts, at: fixes[8]!.ts });
    expect(drive.of('ROUTE_DEVIATION', 'closed')[0]).toMatchObject({ closedAt: fixes[18]!.ts });
    expect(drive.of('ROUTE_DEVIATION', 'opened')[0]!.points.map((p) => p.ts)).toEqual(
      [5, 6, 8].map((i) => fixes[i]!.ts),
    );
  });

  it('an inaccurate fix alone neither opens nor clears', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 6, { north: (i) => (i >= 1 ? 400 : 0), extra: () => ({ accuracyM: 500 }) });
    drive.feed(loaded(), fixes);
    expect(drive.events).toEqual([]);
    expect(drive.results.slice(1).every((r) => r.disposition === 'inaccurate')).toBe(true);
  });

  it('needs the open dwell in time as well as in points: fixes 5 s apart open at the fifth', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 10, { everyS: 5, north: (i) => (i >= 2 ? 150 : 0) });
    drive.feed(loaded(), fixes);
    // 5 s apart: the third off-route fix spans only 10 s; the fifth spans 20 s.
    expect(drive.of('ROUTE_DEVIATION', 'opened')[0]!.at).toBe(fixes[6]!.ts);
    expect(fixes[6]!.ts - fixes[2]!.ts).toBe(20 * SECOND);
  });
});
