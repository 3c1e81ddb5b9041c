import { at, Drive, eastbound, fix, loaded, MINUTE, SECOND, standing, T0, world } from './spec-helpers.js';
import type { FacilityFence, FacilityPassage } from './types.js';

/**
 * Facility passages (a vehicle on an e-waybill entering and leaving registered facility fences,
 * which trip matching turns into departure and arrival) and WRONG_DESTINATION.
 */

/** A point facility: a circle of radiusM around `east` metres along the east route. */
const pointFacility = (id: string, east: number, radiusM = 150): FacilityFence => ({
  id,
  polygon: null,
  point: at(east, 0),
  radiusM,
});

/** A square facility of side `sideM` centred `east` metres along the route, grown by radiusM. */
const squareFacility = (id: string, east: number, sideM: number, radiusM: number): FacilityFence => {
  const h = sideM / 2;
  const ring = [at(east - h, -h), at(east + h, -h), at(east + h, h), at(east - h, h)];
  return { id, polygon: [[...ring, ring[0]!]], point: null, radiusM };
};

const LOADING = pointFacility('F-load', 0);
/** 60 m square grown by 50 m: its fence spans 1,920..2,080 m east. */
const UNLOADING = squareFacility('F-unload', 2000, 60, 50);
/** Another enterprise's plant on the way, 1,000 m east. */
const OTHER = pointFacility('F-other', 1000);
const trip = loaded({ loadingFacilityId: LOADING.id, unloadingFacilityId: UNLOADING.id });
const facilities = [LOADING, UNLOADING, OTHER];

const passages = (d: Drive): Array<[FacilityPassage['kind'], string, number]> =>
  d.results.flatMap((r) =>
    r.passages.map((p) => [p.kind, p.facilityId, p.ts] as [FacilityPassage['kind'], string, number]),
  );

describe('facility passages', () => {
  it('reports leaving the loading fence and entering the unloading fence, point and polygon, once each', () => {
    const d = new Drive(world({ facilities: [LOADING, UNLOADING] }));
    // From 0 m east at 36 km/h (100 m every 10 s) to 2,200 m.
    const fixes = eastbound(T0, 23, { speedKmh: 36 });
    d.feed(trip, fixes);
    // Starts inside the loading circle (150 m): the fix at 100 m is still in, the one at 200 m out.
    // The unloading square's fence spans 1,920..2,080 m: the fix at 2,000 m is in, 2,100 m out.
    expect(passages(d)).toEqual([
      ['entered', 'F-load', fixes[0]!.ts],
      ['left', 'F-load', fixes[2]!.ts],
      ['entered', 'F-unload', fixes[20]!.ts],
      ['left', 'F-unload', fixes[21]!.ts],
    ]);
    const left = d.results[2]!.passages[0]!;
    expect(left).toEqual({
      kind: 'left',
      vehicleId: 'V1',
      facilityId: 'F-load',
      waybillId: 'WB-1',
      ts: fixes[2]!.ts,
      lon: fixes[2]!.lon,
      lat: fixes[2]!.lat,
      speedKmh: 36,
    });
  });

  it('counts the polygon itself and the band of radiusM around it, not beyond', () => {
    const square = squareFacility('F-sq', 500, 100, 30);
    const d = new Drive(world({ facilities: [square] }));
    const probe = (east: number, north: number, ts: number): string[] =>
      d.feed(loaded(), [fix(ts, at(east, north), 20)])[0]!.passages.map((p) => `${p.kind} ${p.facilityId}`);
    expect(probe(500, 0, T0)).toEqual(['entered F-sq']); // the middle
    expect(probe(500, 75, T0 + 10 * SECOND)).toEqual([]); // 25 m outside the edge: within the band
    expect(probe(500, 90, T0 + 20 * SECOND)).toEqual(['left F-sq']); // 40 m outside
    expect(probe(580, 0, T0 + 30 * SECOND)).toEqual(['entered F-sq']); // 30 m east of the edge
  });

  it('answers a fix that changes no standing with the shared quiet result (the fast path allocates none)', () => {
    const d = new Drive(world({ facilities }));
    const [first, second, third] = d.feed(trip, eastbound(T0 + 10 * MINUTE, 3, { fromEast: 300, speedKmh: 36 }));
    expect(first!.passages).toHaveLength(1); // the starting standing: left the loading facility
    expect(third).toBe(second);
    expect(second).toEqual({ disposition: 'evaluated', events: [], passages: [] });
  });

  it('reports nothing for a vehicle whose assignment names no waybill, or for none at all', () => {
    const d = new Drive(world({ facilities }));
    d.feed(loaded({ waybillId: null }), eastbound(T0, 5, { speedKmh: 36 }));
    d.feed(null, eastbound(T0 + 10 * MINUTE, 5, { speedKmh: 36 }));
    expect(passages(d)).toEqual([]);
  });

  it('starts from where the vehicle stands: already outside its loading fence, it has left it', () => {
    const d = new Drive(world({ facilities }));
    // First fix under the waybill at 1,000 m: inside the other plant, outside the loading fence.
    d.feed(trip, [fix(T0, at(1000, 0), 30)]);
    expect(passages(d)).toEqual([
      ['left', 'F-load', T0],
      ['entered', 'F-other', T0],
    ]);
  });

  it('starts afresh under a new waybill, and forgets the standing when the waybill ends', () => {
    const d = new Drive(world({ facilities }));
    d.feed(trip, [fix(T0, at(0, 0), 0)]);
    d.feed(null, [fix(T0 + MINUTE, at(0, 0), 0)]);
    d.feed({ ...trip, waybillId: 'WB-2' }, [fix(T0 + 2 * MINUTE, at(0, 0), 0)]);
    expect(d.results.map((r) => r.passages.map((p) => `${p.kind} ${p.facilityId} ${p.waybillId}`))).toEqual([
      ['entered F-load WB-1'],
      [],
      ['entered F-load WB-2'],
    ]);
  });

  it('gives no second passage for a replayed or duplicate fix, nor for a late one', () => {
    const d = new Drive(world({ facilities }));
    const fixes = eastbound(T0, 4, { speedKmh: 36 });
    d.feed(trip, fixes);
    const before = passages(d).length;
    d.feed(trip, [fixes[2]!, fixes[3]!]); // duplicates
    d.feed(trip, [fix(fixes[1]!.ts + SECOND, at(0, 0), 0)]); // late, back inside the loading fence
    expect(passages(d)).toHaveLength(before);
    expect(d.results.slice(4).map((r) => r.disposition)).toEqual(['duplicate', 'duplicate', 'late']);
  });

  it('continues from a checkpoint: a JSON round trip reports no passage again', () => {
    const d = new Drive(world({ facilities }));
    d.feed(trip, [fix(T0, at(0, 0), 0)]);
    d.state = JSON.parse(JSON.stringify(d.state));
    d.feed(trip, [fix(T0 + 10 * SECOND, at(50, 0), 20), fix(T0 + 20 * SECOND, at(300, 0), 40)]);
    expect(passages(d)).toEqual([
      ['entered', 'F-load', T0],
      ['left', 'F-load', T0 + 20 * SECOND],
    ]);
  });

  it('loads a checkpoint written before passages existed: its next fix reports the standing', () => {
    const d = new Drive(world({ facilities }));
    d.feed(trip, [fix(T0, at(1000, 0), 30)]);
    const old = JSON.parse(JSON.stringify(d.state)) as Record<string, unknown>;
    for (const field of ['standingWaybill', 'inside', 'departed', 'wrong']) delete old[field];
    d.state = old as typeof d.state;
    d.results.length = 0;
    d.feed(trip, [fix(T0 + 10 * SECOND, at(1010, 0), 30), fix(T0 + 20 * SECOND, at(1300, 0), 30)]);
    expect(passages(d)).toEqual([
      ['left', 'F-load', T0 + 10 * SECOND],
      ['entered', 'F-other', T0 + 10 * SECOND],
      ['left', 'F-other', T0 + 20 * SECOND],
    ]);
  });
});

describe('WRONG_DESTINATION', () => {
  const options = { wrongStopSeconds: 20 * 60 };
  /** Departs the loading facility, drives to `east` and stands there `minutes` (a fix a minute). */
  function stopAt(east: number, minutes: number, assignment = trip): Drive {
    const d = new Drive(world({ facilities }), options);
    d.feed(assignment, eastbound(T0, 3, { speedKmh: 36 }));
    d.feed(assignment, standing(T0 + 5 * MINUTE, minutes + 1, at(east, 0)));
    return d;
  }

  it('opens when a departed loaded vehicle has stood the dwell inside another facility', () => {
    const d = stopAt(1000, 20);
    const [opened, ...more] = d.of('WRONG_DESTINATION');
    expect(more).toEqual([]);
    expect(opened).toMatchObject({
      kind: 'opened',
      targetId: 'F-other',
      severity: 'high',
      openedAt: T0 + 5 * MINUTE,
      at: T0 + 25 * MINUTE,
      waybillId: 'WB-1',
      detail: { stoppedMinutes: 20 },
    });
  });

  it('does not open before the dwell, nor at either end of the trip, nor before departure, nor unloaded', () => {
    expect(stopAt(1000, 19).of('WRONG_DESTINATION')).toEqual([]);
    expect(stopAt(2000, 30).of('WRONG_DESTINATION')).toEqual([]);
    // Back at the loading facility after leaving it.
    expect(stopAt(0, 30).of('WRONG_DESTINATION')).toEqual([]);
    expect(stopAt(1000, 30, { ...trip, loaded: false }).of('WRONG_DESTINATION')).toEqual([]);
    // Never left the loading facility: its fence overlaps the other plant here.
    const wide = new Drive(world({ facilities: [pointFacility('F-load', 0, 1200), OTHER] }), options);
    wide.feed(trip, standing(T0, 31, at(1000, 0)));
    expect(wide.of('WRONG_DESTINATION')).toEqual([]);
  });

  it('starts the count again when the vehicle moves before the dwell is met', () => {
    const d = new Drive(world({ facilities }), options);
    d.feed(trip, eastbound(T0, 3, { speedKmh: 36 }));
    d.feed(trip, standing(T0 + 5 * MINUTE, 15, at(1000, 0)));
    d.feed(trip, [fix(T0 + 20 * MINUTE, at(1020, 0), 20)]);
    d.feed(trip, standing(T0 + 21 * MINUTE, 15, at(1020, 0)));
    expect(d.of('WRONG_DESTINATION')).toEqual([]);
    d.feed(trip, standing(T0 + 41 * MINUTE, 1, at(1020, 0)));
    expect(d.of('WRONG_DESTINATION', 'opened')).toMatchObject([{ openedAt: T0 + 21 * MINUTE }]);
  });

  it('holds while inside the facility and closes once outside it for three fixes over a minute', () => {
    const d = stopAt(1000, 25);
    d.feed(trip, [fix(T0 + 31 * MINUTE, at(1050, 0), 20)]); // moving, still inside the 150 m fence
    d.feed(trip, [fix(T0 + 32 * MINUTE, at(1200, 0), 20)]); // out once, then back in: still open
    d.feed(trip, [fix(T0 + 33 * MINUTE, at(1100, 0), 20)]);
    d.feed(trip, eastbound(T0 + 34 * MINUTE, 6, { fromEast: 1200, speedKmh: 36 }));
    expect(d.of('WRONG_DESTINATION', 'closed')).toEqual([]); // five fixes out, but only 50 s
    d.feed(trip, eastbound(T0 + 34 * MINUTE + 60 * SECOND, 1, { fromEast: 1800, speedKmh: 36 }));
    const [closed, ...more] = d.of('WRONG_DESTINATION', 'closed');
    expect(more).toEqual([]);
    expect(closed).toMatchObject({
      targetId: 'F-other',
      openedAt: T0 + 5 * MINUTE,
      closedAt: T0 + 34 * MINUTE + 60 * SECOND,
    });
  });

  it('does not flap while a truck parked at the fence edge now and then reports a fix 20 m outside', () => {
    const d = new Drive(world({ facilities }), options);
    d.feed(trip, eastbound(T0, 3, { speedKmh: 36 }));
    // Parked 140 m from the plant's centre (its fence is 150 m) for 3 hours, a fix a minute; once
    // the alert is open, every seventh fix (and once two in a row) lands 170 m out, 20 m beyond it.
    const out = (i: number): boolean => i > 25 && (i % 7 === 6 || i === 90);
    d.feed(
      trip,
      Array.from({ length: 180 }, (_, i) => fix(T0 + 5 * MINUTE + i * MINUTE, at(out(i) ? 1170 : 1140, 0), 0)),
    );
    expect(d.of('WRONG_DESTINATION', 'opened')).toHaveLength(1);
    expect(d.of('WRONG_DESTINATION', 'closed')).toEqual([]);
  });

  it('does not open after arrival, while the assignment stays loaded until receipt', () => {
    const d = new Drive(world({ facilities }), options);
    d.feed(trip, eastbound(T0, 22, { speedKmh: 36 })); // 0 to 2,100 m: through the unloading fence
    d.feed(trip, [fix(T0 + 10 * MINUTE, at(1000, 0), 36)]); // back to the depot beside the other plant
    d.feed(trip, standing(T0 + 11 * MINUTE, 31, at(1000, 0)));
    expect(d.of('WRONG_DESTINATION')).toEqual([]);
    // Its next waybill starts afresh: departed and not arrived, the same stop opens.
    const next = { ...trip, waybillId: 'WB-2' };
    d.feed(next, eastbound(T0 + 60 * MINUTE, 3, { speedKmh: 36 }));
    d.feed(next, standing(T0 + 65 * MINUTE, 21, at(1000, 0)));
    expect(d.of('WRONG_DESTINATION', 'opened')).toMatchObject([{ waybillId: 'WB-2' }]);
  });

  it('arrives on departing inside an overlapping unloading fence, and on re-entering a round trip facility', () => {
    // The consignee's plant next door: its 400 m fence covers the loading bay and the other plant.
    const neighbour = pointFacility('F-next', 600, 700);
    const d = new Drive(world({ facilities: [LOADING, neighbour, OTHER] }), options);
    const next = { ...trip, unloadingFacilityId: neighbour.id };
    d.feed(next, standing(T0, 3, at(0, 0)));
    expect(passages(d)).toEqual([
      ['entered', 'F-load', T0],
      ['entered', 'F-next', T0],
    ]);
    d.feed(next, [fix(T0 + 3 * MINUTE, at(400, 0), 20)]); // leaves the loading fence: departs and arrives
    d.feed(next, standing(T0 + 4 * MINUTE, 31, at(1000, 0)));
    expect(d.of('WRONG_DESTINATION')).toEqual([]);

    const round = new Drive(world({ facilities }), options);
    const there = { ...trip, unloadingFacilityId: LOADING.id };
    round.feed(there, eastbound(T0, 11, { speedKmh: 36 })); // leaves the loading facility: departs
    round.feed(there, standing(T0 + 5 * MINUTE, 21, at(1000, 0))); // not arrived: the stop opens
    expect(round.of('WRONG_DESTINATION', 'opened')).toHaveLength(1);
    round.feed(there, [fix(T0 + 30 * MINUTE, at(0, 0), 20)]); // back home: arrives, the alert closes
    expect(round.of('WRONG_DESTINATION', 'closed')).toMatchObject([{ closedAt: T0 + 30 * MINUTE }]);
    round.feed(there, standing(T0 + 40 * MINUTE, 31, at(1000, 0)));
    expect(round.of('WRONG_DESTINATION', 'opened')).toHaveLength(1);
  });

  it('loads a checkpoint written before arrival was remembered: not arrived, the rule runs as before', () => {
    const d = new Drive(world({ facilities }), options);
    d.feed(trip, eastbound(T0, 3, { speedKmh: 36 }));
    const old = JSON.parse(JSON.stringify(d.state)) as Record<string, unknown>;
    delete old.arrived;
    d.state = old as typeof d.state;
    d.feed(trip, standing(T0 + 5 * MINUTE, 21, at(1000, 0)));
    expect(d.of('WRONG_DESTINATION', 'opened')).toHaveLength(1);
  });

  it("never opens when the assignment does not know the trip's ends (loaded before it carried them)", () => {
    const unknown = loaded(); // names the waybill, not its facilities
    const home = new Drive(world({ facilities }), options);
    home.feed(unknown, standing(T0, 31, at(0, 0))); // at its own loading bay
    expect(home.of('WRONG_DESTINATION')).toEqual([]);
    expect(stopAt(1000, 30, unknown).of('WRONG_DESTINATION')).toEqual([]);
    expect(stopAt(2000, 30, unknown).of('WRONG_DESTINATION')).toEqual([]);
  });

  it('takes its dwell from the options', () => {
    const d = new Drive(world({ facilities }), { wrongStopSeconds: 120 });
    d.feed(trip, eastbound(T0, 3, { speedKmh: 36 }));
    d.feed(trip, standing(T0 + 5 * MINUTE, 3, at(1000, 0)));
    expect(d.of('WRONG_DESTINATION', 'opened')).toMatchObject([{ at: T0 + 7 * MINUTE }]);
  });
});
