import { makeEnterprise, makeVehicle } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

describe('GPS ingest', () => {
  let t: TestApp;
  let carrierKey: string;
  let vehicle: Record<string, unknown>;
  let otherVehicle: Record<string, unknown>;
  beforeAll(async () => {
    t = await createTestApp();
    const carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    const other = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    carrierKey = await t.mintKey({ principal: 'enterprise', enterpriseId: carrier });
    vehicle = await makeVehicle(t, carrier);
    otherVehicle = await makeVehicle(t, other);
  });
  afterAll(() => t.close());

  const point = (over: Record<string, unknown> = {}) => ({
    vehicleId: vehicle.id,
    ts: new Date(Date.now() - 60_000).toISOString(),
    lat: 31.49,
    lon: 120.31,
    speedKmh: 40,
    heading: 90,
    ...over,
  });

  it('accepts the good points and lists every bad one by index with its reasons', async () => {
    const now = Date.now();
    const res = await t
      .http()
      .post('/v1/telemetry/positions')
      .set(...bearer(carrierKey))
      .send({
        positions: [
          point({ ts: new Date(now - 10_000).toISOString() }),
          point({ lat: 95 }),
          point({ ts: new Date(now + 10 * 60_000).toISOString() }),
          point({ speedKmh: 300, heading: -1 }),
          point({ ts: '2026-11-30 10:00' }),
          {
            terminalId: vehicle.terminalId,
            ts: new Date(now - 5000).toISOString(),
            lat: 31.491,
            lon: 120.311,
            speedKmh: 41,
            heading: 91,
            hdop: 1.1,
          },
          point({ vehicleId: otherVehicle.id }),
          point({ colour: 'red' }),
          point({ ts: '2000-01-01T00:00:00Z' }),
        ],
      });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ received: 9, accepted: 2, duplicates: 0 });
    expect(
      res.body.rejected.map((r: { index: number; errors: Array<{ path: string; rule: string }> }) => [
        r.index,
        r.errors.map((e) => `${e.path}:${e.rule}`),
      ]),
    ).toEqual([
      [1, ['lat:range']],
      [2, ['ts:IN_FUTURE']],
      [3, ['speedKmh:range', 'heading:range']],
      [4, ['ts:isISO8601']],
      [6, ['vehicleId:NOT_YOUR_VEHICLE']],
      [7, ['colour:unknownField']],
      [8, ['ts:BEYOND_RETENTION']],
    ]);
    const stored = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM fixes WHERE vehicle_id = $1', [
      vehicle.id,
    ]);
    expect(stored[0]!.n).toBe('2');
  });

  it('stores fixes in daily partitions made ahead by the maintenance job', async () => {
    const day = (offset: number): string =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    // The job makes the week from its own today; it may have run before a midnight (UTC) that has
    // passed since: six days ahead of now exists either way.
    await t.settle(
      async () => (await t.db.query(`SELECT 1 FROM pg_class WHERE relname = $1`, [`fixes_${day(6)}`])).length === 1,
    );
    const ts = new Date(Date.now() - 30_000);
    await t
      .http()
      .post('/v1/telemetry/positions')
      .set(...bearer(carrierKey))
      .send({ positions: [point({ ts: ts.toISOString() })] });
    const [row] = await t.db.query<{ part: string }>(
      `SELECT tableoid::regclass::text AS part FROM fixes WHERE vehicle_id = $1 AND ts = $2`,
      [vehicle.id, ts],
    );
    expect(row!.part).toBe(`fixes_${ts.toISOString().slice(0, 10).replace(/-/g, '')}`);
  });

  it('stores a resent batch once and says so', async () => {
    const batch = [point({ ts: '2026-11-29T23:00:00Z' }), point({ ts: '2026-11-29T23:00:05Z' })];
    const first = await t
      .http()
      .post('/v1/telemetry/positions')
      .set(...bearer(carrierKey))
      .send({ positions: batch });
    const again = await t
      .http()
      .post('/v1/telemetry/positions')
      .set(...bearer(carrierKey))
      .send({ positions: batch });
    expect([first.body.duplicates, again.body.duplicates]).toEqual([0, 2]);
    const stored = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM fixes WHERE vehicle_id = $1 AND ts < '2026-11-30'`,
      [vehicle.id],
    );
    expect(stored[0]!.n).toBe('2');
  });

  it('refuses a batch with no acceptable point (422), NaN smuggled as a string, and more than 5,000 points (400)', async () => {
    const none = await t
      .http()
      .post('/v1/telemetry/positions')
      .set(...bearer(carrierKey))
      .send({ positions: [point({ lat: 'NaN' }), point({ lon: Infinity })] });
    expect(none.status).toBe(422);
    expect(none.body.errors.map((e: { path: string }) => e.path)).toEqual(['positions[0].lat', 'positions[1].lon']);
    const huge = await t
      .http()
      .post('/v1/telemetry/positions')
      .set(...bearer(carrierKey))
      .send({ positions: Array.from({ length: 5001 }, () => point()) });
    expect(huge.status).toBe(400);
    expect(huge.body.errors[0]).toMatchObject({ path: 'positions', rule: 'arrayMaxSize' });
  });
});
