import { MSG, RESULT, writeLocation } from '@lib/jt808';
import { Jt808Gateway } from '@lib/telematics';
import { assignLoaded, chemicalByCas, makeEnterprise, makeVehicle } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { approvedRoute } from '../support/waybill.js';
import { Terminal } from './terminal.js';
import { ROUTE } from './track.js';

const M_PER_DEG_LAT = 110_540;
const M_PER_DEG_LON = 111_320 * Math.cos((31.5 * Math.PI) / 180);
/** A point `east` metres along the test route from its west end, `north` metres off it. */
const onRoute = (east: number, north = 0): { lon: number; lat: number } => ({
  lon: 120.2 + east / M_PER_DEG_LON,
  lat: 31.5 + north / M_PER_DEG_LAT,
});
const second = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * The findings of issue 16 about fixes and alarms, over real TCP and the HTTP door: one set of
 * checks for every fix, a watermark that neither a future fix nor a jump can hold, and no alarm
 * dropped (unlocated, same second, jump), each raised exactly once even when the report is resent.
 */
describe('JT/T 808 fixes and alarms (issue 16)', () => {
  let t: TestApp;
  let port: number;
  let police: string;
  let transport: string;
  let carrier: string;
  let routeId: string;
  let chlorine: string;

  beforeAll(async () => {
    // The product's clock tolerance (the test app's default allows scenarios' compressed time).
    t = await createTestApp({ env: { FIX_HOLD_MS: '100', FIX_CLOCK_TOLERANCE_S: '10' } });
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    chlorine = (await chemicalByCas(t, '7782-50-5')).id as string;
    routeId = await approvedRoute(t, transport, { geometry: ROUTE, halfWidthM: 50, hazardClasses: ['2'] });
  });
  afterAll(() => t.close());

  const vehicle = async (): Promise<{ id: string; terminalId: string; plate: string }> => {
    const v = await makeVehicle(t, carrier);
    return { id: v.id as string, terminalId: v.terminalId as string, plate: v.plate as string };
  };

  /** Loaded with chlorine on the test route for the hour around now. */
  const assign = (vehicleId: string): Promise<void> =>
    assignLoaded(t, transport, vehicleId, {
      routeId,
      chemicalIds: [chlorine],
      validFrom: new Date(Date.now() - 3600_000),
      validTo: new Date(Date.now() + 3600_000),
    });

  const location = (
    at: number,
    where: { lon: number; lat: number },
    over: { alarm?: number; status?: number; speedKmh?: number } = {},
  ): Buffer => writeLocation({ speedKmh: 40, heading: 90, ...where, ...over, at: new Date(at) });

  const blindBatch = (items: Buffer[]): Buffer => {
    const head = Buffer.alloc(3);
    head.writeUInt16BE(items.length, 0);
    head[2] = 1;
    return Buffer.concat([head, ...items.flatMap((b) => [Buffer.from([0, b.length]), b])]);
  };

  const violations = async (vehicleId: string, rule: string) =>
    (
      await t
        .http()
        .get(`/v1/violations?vehicleId=${vehicleId}&rule=${rule}`)
        .set(...bearer(police))
    ).body.items as Array<{
      openedAt: string;
      firstPoint: { ts: string; lon: number; lat: number };
      detail: Record<string, unknown>;
    }>;

  const latest = async (vehicleId: string) =>
    (
      (
        await t
          .http()
          .get('/v1/vehicles/positions')
          .set(...bearer(police))
      ).body as Array<{ vehicleId: string; ts: string }>
    ).find((p) => p.vehicleId === vehicleId);

  const refusedMetric = async (rule: string): Promise<number> => {
    const text = (await t.http().get('/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith(`fixes_refused_total{source="jt808",rule="${rule}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('refuses a fix a year ahead at 300 km/h with result 2, counts it, and a later emergency alarm is raised', async () => {
    const v = await vehicle();
    const term = await new Terminal(v.terminalId, v.plate).open(port);
    await term.signIn();
    const now = second(Date.now());
    const before = { future: await refusedMetric('IN_FUTURE'), speed: await refusedMetric('range') };
    expect(await term.ask(MSG.location, location(now - 60_000, onRoute(0)))).toBe(RESULT.ok);
    const yearAhead = location(now + 365 * 86_400_000, onRoute(100), { speedKmh: 300 });
    expect(await term.ask(MSG.location, yearAhead)).toBe(RESULT.badMessage);
    expect(await refusedMetric('IN_FUTURE')).toBe(before.future + 1);
    expect(await refusedMetric('range')).toBe(before.speed + 1);
    // A current emergency alarm: raised, and the latest position moves to it.
    const emergency = location(now - 30_000, onRoute(300), { alarm: 1 });
    expect(await term.ask(MSG.location, emergency)).toBe(RESULT.ok);
    term.close();
    await t.drainFixes();
    const raised = await violations(v.id, 'TERMINAL_ALARM');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.detail).toMatchObject({ alarm: 'emergency', positionValid: true });
    expect((await latest(v.id))!.ts).toBe(new Date(now - 30_000).toISOString());
    const stored = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM fixes WHERE vehicle_id = $1', [v.id]);
    expect(stored[0]!.n).toBe('2');
  });

  it('raises the alarm of an unlocated report once, at the last known position, marked position-invalid', async () => {
    const v = await vehicle();
    const term = await new Terminal(v.terminalId, v.plate).open(port);
    await term.signIn();
    const now = second(Date.now());
    const known = onRoute(500);
    expect(await term.ask(MSG.location, location(now - 60_000, known))).toBe(RESULT.ok);
    // Status bit 1 clear: not located; bit 8 of the alarm word: main power cut.
    const unlocated = term.frame(
      MSG.location,
      location(now - 50_000, { lon: 0, lat: 0 }, { alarm: 1 << 8, status: 0 }),
    );
    expect((await term.send(unlocated)).body[4]).toBe(RESULT.ok);
    await t.drainFixes();
    // Resent (the terminal missed the answer): still one alert.
    const again = Buffer.from(unlocated);
    expect((await term.send(again)).body[4]).toBe(RESULT.ok);
    term.close();
    await t.drainFixes();
    const raised = await violations(v.id, 'TERMINAL_ALARM');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.firstPoint).toMatchObject({ ts: new Date(now - 50_000).toISOString() });
    expect(raised[0]!.firstPoint.lon).toBeCloseTo(known.lon, 5);
    expect(raised[0]!.firstPoint.lat).toBeCloseTo(known.lat, 5);
    expect(raised[0]!.detail).toMatchObject({ alarm: 'power', positionValid: false, position: 'last_known' });
    // Stored (flagged), but no track point and not the latest position.
    const rows = await t.db.query<{ flags: number }>('SELECT flags FROM fixes WHERE vehicle_id = $1 ORDER BY ts', [
      v.id,
    ]);
    expect(rows.map((r) => Number(r.flags) & 16)).toEqual([0, 16]);
    const track = await t
      .http()
      .get(`/v1/vehicles/${v.id}/track?from=${new Date(now - 120_000).toISOString()}&to=${new Date().toISOString()}`)
      .set(...bearer(police));
    expect(track.body.properties.points).toHaveLength(1);
    expect((await latest(v.id))!.ts).toBe(new Date(now - 60_000).toISOString());
  });

  it('merges new alarm bits of a report of the same second and raises them once', async () => {
    const v = await vehicle();
    const term = await new Terminal(v.terminalId, v.plate).open(port);
    await term.signIn();
    const now = second(Date.now());
    expect(await term.ask(MSG.location, location(now - 40_000, onRoute(800)))).toBe(RESULT.ok);
    await t.drainFixes();
    const sameSecond = term.frame(MSG.location, location(now - 40_000, onRoute(800), { alarm: 1 }));
    expect((await term.send(sameSecond)).body[4]).toBe(RESULT.ok);
    await t.drainFixes();
    expect((await term.send(Buffer.from(sameSecond))).body[4]).toBe(RESULT.ok);
    term.close();
    await t.drainFixes();
    const raised = await violations(v.id, 'TERMINAL_ALARM');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.detail).toMatchObject({ alarm: 'emergency', report: 'merged' });
    const rows = await t.db.query<{ alarm_flags: string }>('SELECT alarm_flags FROM fixes WHERE vehicle_id = $1', [
      v.id,
    ]);
    expect(rows.map((r) => Number(r.alarm_flags))).toEqual([1]);
  });

  it('raises an emergency alarm on a jump fix once, at the last known position', async () => {
    const v = await vehicle();
    const term = await new Terminal(v.terminalId, v.plate).open(port);
    await term.signIn();
    const now = second(Date.now());
    expect(await term.ask(MSG.location, location(now - 60_000, onRoute(1000)))).toBe(RESULT.ok);
    expect(await term.ask(MSG.location, location(now - 50_000, onRoute(1100)))).toBe(RESULT.ok);
    await t.drainFixes();
    // 50 km away ten seconds later: a jump, with the emergency button pressed.
    const jump = term.frame(MSG.location, location(now - 40_000, onRoute(51_000), { alarm: 1 }));
    expect((await term.send(jump)).body[4]).toBe(RESULT.ok);
    await t.drainFixes();
    expect((await term.send(Buffer.from(jump))).body[4]).toBe(RESULT.ok);
    expect(await term.ask(MSG.location, location(now - 30_000, onRoute(1200)))).toBe(RESULT.ok);
    term.close();
    await t.drainFixes();
    const raised = await violations(v.id, 'TERMINAL_ALARM');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.detail).toMatchObject({ alarm: 'emergency', positionValid: false, report: 'jump' });
    expect(raised[0]!.firstPoint.lon).toBeCloseTo(onRoute(1100).lon, 5);
    // The fix after the jump is in order and is the latest position.
    expect((await latest(v.id))!.ts).toBe(new Date(now - 30_000).toISOString());
  });

  it('over HTTP, one fix 4 minutes ahead does not make the next 13 off-route fixes late: the deviation opens', async () => {
    const v = await vehicle();
    await assign(v.id);
    const key = await t.mintKey({ principal: 'enterprise', enterpriseId: carrier });
    const now = second(Date.now());
    const post = async (points: Array<Record<string, unknown>>) => {
      const res = await t
        .http()
        .post('/v1/telemetry/positions')
        .set(...bearer(key))
        .send({ positions: points });
      expect(res.body).toMatchObject({ accepted: points.length, rejected: [] });
      await t.drainFixes();
    };
    const point = (at: number, east: number, north = 0) => ({
      vehicleId: v.id,
      ts: new Date(at).toISOString(),
      ...onRoute(east, north),
      speedKmh: 40,
      heading: 90,
      hdop: 0.8,
    });
    await post(Array.from({ length: 5 }, (_, i) => point(now - 200_000 + i * 10_000, i * 110)));
    await post([point(now + 4 * 60_000, 600)]);
    await post(Array.from({ length: 13 }, (_, i) => point(now - 140_000 + i * 10_000, 700 + i * 110, 400)));
    const opened = await violations(v.id, 'ROUTE_DEVIATION');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.openedAt).toBe(new Date(now - 140_000).toISOString());
    const ahead = await t.db.query<{ flags: number }>('SELECT flags FROM fixes WHERE vehicle_id = $1 AND ts = $2', [
      v.id,
      new Date(now + 4 * 60_000),
    ]);
    expect(Number(ahead[0]!.flags) & 32).toBe(32);
    expect((await latest(v.id))!.ts).toBe(new Date(now - 20_000).toISOString());
  });

  it('evaluates a blind-area batch and live reports in time order: late findings, live deviation still opens', async () => {
    const v = await vehicle();
    await assign(v.id);
    const term = await new Terminal(v.terminalId, v.plate).open(port);
    await term.signIn();
    const now = second(Date.now());
    // Live, on the route.
    for (let i = 0; i < 3; i++)
      expect(await term.ask(MSG.location, location(now - 120_000 + i * 10_000, onRoute(i * 110)))).toBe(RESULT.ok);
    // Evaluated before the batch comes (had the batch come within their hold, all would be evaluated
    // together in time order, and nothing would be late: a race this test must not depend on).
    await t.drainFixes();
    // The terminal re-sends what it stored out of coverage before that: off route, older.
    const blind = Array.from({ length: 4 }, (_, i) => location(now - 300_000 + i * 10_000, onRoute(-2000, 400)));
    expect(await term.ask(MSG.batchLocation, blindBatch(blind))).toBe(RESULT.ok);
    // Live again, now off route: the deviation opens on these, not silenced by the late batch.
    for (let i = 0; i < 5; i++)
      expect(await term.ask(MSG.location, location(now - 80_000 + i * 10_000, onRoute(400 + i * 110, 400)))).toBe(
        RESULT.ok,
      );
    term.close();
    await t.drainFixes();
    const rows = await t.db.query<{ ts: Date; flags: number; late_findings: unknown }>(
      'SELECT ts, flags, late_findings FROM fixes WHERE vehicle_id = $1 AND ts < $2 ORDER BY ts',
      [v.id, new Date(now - 120_000)],
    );
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(Number(r.flags) & 1).toBe(1);
      expect(r.late_findings).toEqual([{ rule: 'ROUTE_DEVIATION', targetId: routeId }]);
    }
    const opened = await violations(v.id, 'ROUTE_DEVIATION');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.openedAt).toBe(new Date(now - 80_000).toISOString());
  });
});
