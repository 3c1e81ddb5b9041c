import { DataSource } from 'typeorm';
import { JobName } from '@lib/platform';
import { FacilityPassages1797100000000 } from '../../migrations/1797100000000-facility-passages.js';
import { makeEnterprise, makeFacility } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import {
  A,
  LOADING_CHECK,
  M_PER_DEG_LON,
  post,
  square,
  submit,
  tripWorld,
  type TripWorld,
} from '../support/waybill.js';

type Json = Record<string, unknown>;

/** C: another enterprise's plant on the way, 570 m east of A. */
const C: [number, number] = [120.306, 31.5];
const FIX_EVERY_MS = 2000;

/**
 * Matching the trip to the track: the vehicle's GPS leaving the loading facility's fence departs
 * the waybill, entering the unloading facility's fence makes it arrive, with the trip's summary;
 * NOT_DEPARTED and WRONG_DESTINATION (thresholds shortened by configuration: 2 s and 30 s).
 */
describe('e-waybills matched against the GPS track', () => {
  let t: TestApp;
  let police: string;
  let plantC: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { WAYBILL_NOT_DEPARTED_AFTER_S: '2', WAYBILL_WRONG_STOP_S: '30' } });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    const other = (await makeEnterprise(t)).id as string;
    plantC = (await makeFacility(t, other, { name: '途经化工厂', geometry: square(C, 40) })).id as string;
  });
  afterAll(() => t.close());

  const waybill = async (id: string): Promise<Json> =>
    (
      await t
        .http()
        .get(`/v1/waybills/${id}`)
        .set(...bearer(police))
    ).body as Json;

  /** Fixes eastwards from A at 72 km/h (40 m every 2 s), stationary where `stopAt` says. */
  function drive(vehicleId: string, start: number, legs: Array<{ metres: number; stops?: number }>): Json[] {
    const fixes: Json[] = [];
    let x = 0;
    let i = 0;
    const fix = (speedKmh: number): void => {
      fixes.push({
        vehicleId,
        ts: new Date(start + i++ * FIX_EVERY_MS).toISOString(),
        lon: A[0] + x / M_PER_DEG_LON,
        lat: A[1],
        speedKmh,
        heading: 90,
        hdop: 0.8,
      });
    };
    for (const leg of legs) {
      for (let s = 0; s < (leg.stops ?? 0); s++) fix(0);
      const target = x + leg.metres;
      while (x + 40 <= target) {
        x += 40;
        fix(72);
      }
    }
    return fixes;
  }

  /** Posts the track in three batches a little apart, as a terminal reporting every few seconds would. */
  async function report(w: TripWorld, fixes: Json[]): Promise<void> {
    const third = Math.ceil(fixes.length / 3);
    for (let k = 0; k < fixes.length; k += third) {
      const res = await post(t, w.transportKey, '/v1/telemetry/positions', { positions: fixes.slice(k, k + third) });
      expect(res.status).toBe(202);
      await new Promise((r) => setTimeout(r, 1200));
    }
  }

  async function loadedNow(w: TripWorld): Promise<{ id: string; loadedAt: number }> {
    const s = await submit(t, w);
    expect(s.status).toBe(200);
    const loadedAt = Date.now();
    const res = await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, {
      ...LOADING_CHECK,
      at: new Date(loadedAt).toISOString(),
    });
    expect(res.status).toBe(200);
    return { id: s.id, loadedAt };
  }

  it('departs when the track leaves the loading fence, arrives when it enters the unloading fence, and keeps the trip summary', async () => {
    const w = await tripWorld(t);
    const { id, loadedAt } = await loadedNow(w);
    const start = loadedAt + 1000;
    // 3 fixes standing at A, then 1,140 m east to B (28 fixes), then 3 standing at B.
    const fixes = drive(w.vehicleId, start, [{ metres: 0, stops: 3 }, { metres: 1140 }, { metres: 0, stops: 3 }]);
    await report(w, fixes);
    await t.settle(async () => (await waybill(id)).status === 'arrived', 30_000);

    const got = await waybill(id);
    const times = got.times as Record<string, string>;
    // Fence = the facility's ±60 m square grown by 50 m: the first fix past 110 m east of A (the
    // third moving fix, 120 m), the first within 110 m of B (1,040 m from A, the 26th).
    expect(times.departedAt).toBe(fixes[3 + 2]!.ts);
    expect(times.arrivedAt).toBe(fixes[3 + 25]!.ts);
    const transitions = (got.transitions as Json[]).map((x) => [x.to, x.source]);
    expect(transitions).toEqual([
      ['draft', 'api'],
      ['submitted', 'api'],
      ['loaded', 'api'],
      ['in_transit', 'gps'],
      ['arrived', 'gps'],
    ]);
    // What departed and arrived it: the engine's passages, stored once (the track sent again is
    // duplicates and stores nothing more, nor moves the trip again).
    const stored = async (): Promise<Array<{ kind: string; facility_id: string; ts: Date }>> =>
      t.db.query(`SELECT kind, facility_id, ts FROM facility_passages WHERE waybill_id = $1 ORDER BY ts, kind DESC`, [
        id,
      ]);
    const expected = [
      { kind: 'entered', facility_id: w.consignor.facilityId, ts: new Date(fixes[0]!.ts as string) },
      { kind: 'left', facility_id: w.consignor.facilityId, ts: new Date(times.departedAt!) },
      // Through plant C's fence on the way, without stopping.
      { kind: 'entered', facility_id: plantC, ts: expect.any(Date) as Date },
      { kind: 'left', facility_id: plantC, ts: expect.any(Date) as Date },
      { kind: 'entered', facility_id: w.consignee.facilityId, ts: new Date(times.arrivedAt!) },
    ];
    expect(await stored()).toEqual(expected);
    await report(w, fixes);
    await t.settle();
    expect(await stored()).toEqual(expected);
    const summary = got.trackSummary as Json;
    expect(summary.distanceM).toBeGreaterThan(880);
    expect(summary.distanceM).toBeLessThan(960);
    expect(summary.offRouteMinutes).toBe(0);
    expect(summary.minutes).toBeCloseTo((23 * FIX_EVERY_MS) / 60_000, 1);

    const received = await post(t, w.consignee.key, `/v1/waybills/${id}/receive`, {
      lines: [{ line: 1, quantity: { value: 10, unit: 't' } }],
      // (This track runs a minute ahead of the clock; real receipts come after real arrivals.)
      at: new Date(Date.parse(times.arrivedAt!) + 5000).toISOString(),
    });
    expect(received.status).toBe(200);
    expect((await post(t, w.consignee.key, `/v1/waybills/${id}/close`)).body.status).toBe('closed');
    const movements = (await waybill(id)).movements as Json[];
    expect(movements.map((m) => [m.type, m.quantityKg])).toEqual([
      ['ship', -10_000],
      ['receive', 10_000],
    ]);
  });

  it('raises NOT_DEPARTED once for a waybill whose vehicle has not left after the planned departure', async () => {
    const w = await tripWorld(t);
    const s = await submit(t, w, { plannedDeparture: new Date(Date.now() - 10_000).toISOString() });
    expect(s.status).toBe(200);
    const alerts = async (): Promise<Json[]> =>
      (
        await t
          .http()
          // (NOT_DEPARTED alerts the transport bureau, not police: the sharing policy's alert rules.)
          .get(`/v1/violations?rule=NOT_DEPARTED&waybillId=${s.id}`)
          .set(...bearer(w.transportKey))
      ).body.items as Json[];
    await t.queue.enqueue(JobName.WaybillSweep, {});
    await t.settle(async () => (await alerts()).length > 0);
    await t.queue.enqueue(JobName.WaybillSweep, {});
    await t.settle();
    const [alert, ...more] = await alerts();
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ rule: 'NOT_DEPARTED', vehicleId: w.vehicleId, waybillId: s.id, targetId: s.id });
  });

  it('raises WRONG_DESTINATION when the loaded vehicle stops too long inside another facility', async () => {
    const w = await tripWorld(t);
    const { id, loadedAt } = await loadedNow(w);
    // From A to C (600 m), then 20 fixes (40 s) standing inside C.
    const fixes = drive(w.vehicleId, loadedAt + 1000, [{ metres: 600 }, { metres: 0, stops: 20 }]);
    await report(w, fixes);
    const alerts = async (): Promise<Json[]> =>
      (
        await t
          .http()
          .get(`/v1/violations?rule=WRONG_DESTINATION&waybillId=${id}`)
          .set(...bearer(police))
      ).body.items as Json[];
    await t.settle(async () => (await alerts()).length > 0, 30_000);
    const [alert, ...more] = await alerts();
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      rule: 'WRONG_DESTINATION',
      targetId: plantC,
      vehicleId: w.vehicleId,
      severity: 'high',
    });
    expect((await waybill(id)).status).toBe('in_transit');

    // Driving on out of C's fence (it ends 660 m from A) closes it, once outside for three fixes
    // over a minute: slowly, a fix every 20 s, the first outside the second (680 m).
    const last = fixes[fixes.length - 1]!;
    const onward = Array.from({ length: 6 }, (_, k) => ({
      ...last,
      ts: new Date(Date.parse(last.ts as string) + (k + 1) * 20_000).toISOString(),
      lon: A[0] + (600 + 40 * (k + 1)) / M_PER_DEG_LON,
      speedKmh: 7,
    }));
    await report(w, onward);
    await t.settle(async () => (await alerts())[0]?.status === 'closed', 30_000);
    const [closed, ...again] = await alerts();
    expect(again).toEqual([]);
    expect(closed).toMatchObject({ id: alert!.id, status: 'closed', closedAt: onward[4]!.ts });
  });

  it("stays loaded at a loading bay inside the neighbouring consignee's fence, and departs and arrives on leaving the loading fence", async () => {
    const w = await tripWorld(t);
    // The consignee's plant next door: a ±100 m square 150 m east of A, its fence 0..300 m east of
    // A, over A's own (which ends 110 m east of A).
    await t
      .http()
      .patch(`/v1/facilities/${w.consignee.facilityId}`)
      .set(...bearer(t.adminKey))
      .send({ geometry: square([A[0] + 150 / M_PER_DEG_LON, A[1]], 100) });
    const { id, loadedAt } = await loadedNow(w);
    // Parked at the bay 40 m east of A (inside both fences) for 6 fixes, then 400 m east.
    const fixes = drive(w.vehicleId, loadedAt + 1000, [{ metres: 40 }, { metres: 0, stops: 5 }, { metres: 400 }]);
    const stored = async (): Promise<Array<{ kind: string; facility_id: string; ts: Date }>> =>
      t.db.query(`SELECT kind, facility_id, ts FROM facility_passages WHERE waybill_id = $1 ORDER BY ts, kind DESC`, [
        id,
      ]);
    await report(w, fixes.slice(0, 6));
    // (The earlier tests' consignors' plants, all at A, are entered too.)
    const atBay = [`entered ${w.consignor.facilityId}`, `entered ${w.consignee.facilityId}`];
    const passed = async (): Promise<string[]> => (await stored()).map((p) => `${p.kind} ${p.facility_id}`);
    await t.settle(async () => {
      const all = await passed();
      return atBay.every((p) => all.includes(p));
    }, 30_000);
    // Matching the trip again (as the sweep does) still leaves it at the bay.
    await t.queue.enqueue(JobName.WaybillProgress, { waybillId: id, vehicleId: w.vehicleId, upTo: Date.now() });
    await t.settle();
    expect(await passed()).toEqual(expect.arrayContaining(atBay));
    expect((await passed()).filter((p) => p.startsWith('left'))).toEqual([]);
    expect((await waybill(id)).status).toBe('loaded');

    await report(w, fixes.slice(6));
    await t.settle(async () => (await waybill(id)).status === 'arrived', 30_000);
    const got = await waybill(id);
    const times = got.times as Record<string, string>;
    // The first fix past 110 m (120 m, the second after the stop) leaves A's fence inside the
    // consignee's: it departs and arrives at once.
    expect(times.departedAt).toBe(fixes[7]!.ts);
    expect(times.arrivedAt).toBe(fixes[7]!.ts);
    expect((got.transitions as Json[]).map((x) => [x.to, x.source]).slice(-2)).toEqual([
      ['in_transit', 'gps'],
      ['arrived', 'gps'],
    ]);
  });

  it('gives the assignments of trips loaded before the facility passages migration their ends', async () => {
    const w = await tripWorld(t);
    const { id } = await loadedNow(w);
    const ends = async (): Promise<Json[]> =>
      t.db.query(
        `SELECT waybill_id, loading_facility_id, unloading_facility_id FROM vehicle_assignments WHERE vehicle_id = $1`,
        [w.vehicleId],
      );
    // Undone and done again, as on a database whose trip was loaded before the migration.
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await new FacilityPassages1797100000000().down(runner);
      await new FacilityPassages1797100000000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await ends()).toEqual([
      { waybill_id: id, loading_facility_id: w.consignor.facilityId, unloading_facility_id: w.consignee.facilityId },
    ]);
  });
});
