import { at, Drive, eastbound, fix, loaded, MINUTE, SECOND, squareZone, T0, world } from './spec-helpers.js';
import type { Assignment, ZoneDef } from './types.js';

/** A tanker crossing a 1 km square zone centred 2 km east, slowly (fixes 10 s, 55 m apart). */
function throughZone(zone: ZoneDef, start: number, assignment: Assignment = loaded({ routeId: null })): Drive {
  const drive = new Drive(world({ zones: [zone] }));
  drive.feed(assignment, eastbound(start, 60, { speedKmh: 20, fromEast: 1200 }));
  return drive;
}

const nightBan = (extra: Partial<ZoneDef> = {}): ZoneDef =>
  squareZone('Z-night', 2000, 0, 1000, {
    schedule: { minutes: [[22 * 60, 6 * 60]], weekdays: [1, 2, 3, 4, 5, 6, 7] },
    ...extra,
  });

describe('ZONE_INTRUSION', () => {
  it('raises for a loaded tanker in a night-only ban zone at 02:00 local, not at 14:00', () => {
    const twoAm = Date.parse('2026-03-03T02:00:00+08:00');
    const night = throughZone(nightBan(), twoAm);
    const opened = night.of('ZONE_INTRUSION', 'opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ targetId: 'Z-night', severity: 'high', detail: { zoneKind: 'ban' } });
    expect(night.of('ZONE_INTRUSION', 'closed')).toHaveLength(1);
    // 20 km/h from 1200 m east: inside (1500..2500 m) from fix 6 (1533 m) to fix 23 (2478 m).
    expect(opened[0]).toMatchObject({ openedAt: twoAm + 60 * SECOND, at: twoAm + 70 * SECOND });
    expect(opened[0]!.firstPoint.ts).toBe(twoAm + 60 * SECOND);
    expect(night.of('ZONE_INTRUSION', 'closed')[0]!.closedAt).toBe(twoAm + 250 * SECOND);

    const day = throughZone(nightBan(), Date.parse('2026-03-03T14:00:00+08:00'));
    expect(day.of('ZONE_INTRUSION')).toEqual([]);
  });

  it('reads a schedule wrapping midnight as starting on its weekday', () => {
    // Fridays only, 22:00–06:00: in force Saturday 02:00, not Friday 02:00.
    const fridays = nightBan({ schedule: { minutes: [[22 * 60, 6 * 60]], weekdays: [5] } });
    expect(throughZone(fridays, Date.parse('2026-03-07T02:00:00+08:00')).of('ZONE_INTRUSION')).toHaveLength(2);
    expect(throughZone(fridays, Date.parse('2026-03-06T02:00:00+08:00')).of('ZONE_INTRUSION')).toEqual([]);
  });

  it('raises opened and closed at once for a zone crossed between two sparse fixes', () => {
    const drive = new Drive(world({ zones: [squareZone('Z-small', 750, 0, 200)] }));
    const first = fix(T0, at(0, 0), 90);
    const second = fix(T0 + 60 * SECOND, at(1500, 0), 90);
    drive.feed(loaded({ routeId: null }), [first, second]);
    const [opened, closed] = drive.of('ZONE_INTRUSION');
    expect(drive.of('ZONE_INTRUSION')).toHaveLength(2);
    expect(opened).toMatchObject({
      kind: 'opened',
      targetId: 'Z-small',
      openedAt: first.ts,
      at: second.ts,
      closedAt: null,
      detail: { crossing: true, zoneKind: 'ban' },
    });
    expect(opened!.points.map((p) => p.ts)).toEqual([first.ts, second.ts]);
    expect(closed).toMatchObject({ kind: 'closed', openedAt: first.ts, closedAt: second.ts });
  });

  it('does not raise a crossing for close fixes, nor for a segment passing beside the zone', () => {
    const drive = new Drive(world({ zones: [squareZone('Z-small', 750, 300, 200)] }));
    drive.feed(loaded({ routeId: null }), [fix(T0, at(0, 0), 90), fix(T0 + 60 * SECOND, at(1500, 0), 90)]);
    expect(drive.events).toEqual([]);
  });

  it('applies class filters: "2" covers 2.1, not 3; "1" covers 1.1D', () => {
    const gases = squareZone('Z', 2000, 0, 1000, { hazardClasses: ['2'] });
    expect(throughZone(gases, T0, loaded({ routeId: null, hazardClasses: ['2.1'] })).of('ZONE_INTRUSION')).toHaveLength(
      2,
    );
    expect(throughZone(gases, T0, loaded({ routeId: null, hazardClasses: ['3'] })).of('ZONE_INTRUSION')).toEqual([]);
    const explosives = squareZone('Z', 2000, 0, 1000, { hazardClasses: ['1'] });
    expect(
      throughZone(explosives, T0, loaded({ routeId: null, hazardClasses: ['1.1D'] })).of('ZONE_INTRUSION'),
    ).toHaveLength(2);
    const toxicGas = squareZone('Z', 2000, 0, 1000, { hazardClasses: ['2.3'] });
    expect(throughZone(toxicGas, T0, loaded({ routeId: null, hazardClasses: ['2.1'] })).of('ZONE_INTRUSION')).toEqual(
      [],
    );
  });

  it('exempts vehicles holding a pass', () => {
    const zone = squareZone('Z', 2000, 0, 1000, { exemptVehicleIds: ['V1'] });
    expect(throughZone(zone, T0).of('ZONE_INTRUSION')).toEqual([]);
    const other = squareZone('Z', 2000, 0, 1000, { exemptVehicleIds: ['V2'] });
    expect(throughZone(other, T0).of('ZONE_INTRUSION')).toHaveLength(2);
  });

  it('does not apply to an empty vehicle, nor to parking zones', () => {
    expect(throughZone(squareZone('Z', 2000, 0, 1000), T0, loaded({ routeId: null, loaded: false })).events).toEqual(
      [],
    );
    expect(throughZone(squareZone('P', 2000, 0, 1000, { kind: 'parking' }), T0).events).toEqual([]);
  });

  it('treats holes as outside', () => {
    const outer = squareZone('Z', 2000, 0, 2000).polygons[0]![0]!;
    const hole = squareZone('H', 2000, 0, 600).polygons[0]![0]!;
    const zone: ZoneDef = { ...squareZone('Z', 0, 0, 1), polygons: [[outer, hole.toReversed()]] };
    const drive = new Drive(world({ zones: [zone] }));
    // Parked (speed 0) in the hole for 10 minutes, then 10 minutes in the ring.
    const inHole = Array.from({ length: 10 }, (_, i) => fix(T0 + i * MINUTE, at(2000, 0), 0));
    const inRing = Array.from({ length: 10 }, (_, i) => fix(T0 + (10 + i) * MINUTE, at(2000, 500), 0));
    drive.feed(loaded({ routeId: null }), inHole);
    expect(drive.of('ZONE_INTRUSION')).toEqual([]);
    drive.feed(loaded({ routeId: null }), inRing);
    expect(drive.of('ZONE_INTRUSION', 'opened')).toHaveLength(1);
  });
});
