import { assignLoaded, chemicalByCas, makeEnterprise, makeVehicle } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { approvedRoute } from '../support/waybill.js';
import { buildTrack, DETOUR, ROUTE, SPIKE, ZONE } from './track.js';

/**
 * The spine end to end: a route, a zone and an assignment; a 1,000-point track posted in batches
 * shuffled within the hold window, then posted again; exactly the expected violations. The track's
 * GPS times are two hours old: SIGNAL_LOST counts silence from receipts, so the evaluator's
 * periodic tick, whenever it runs during the test, finds the vehicle just heard from.
 */
describe('geofencing through ingest, the stream and the engine', () => {
  let t: TestApp;
  let transport: string;
  let police: string;
  let vehicleId: string;
  let routeId: string;
  let zoneId: string;
  let carrier: string;
  let chlorine: string;
  const start = Date.now() - 2 * 3600_000;

  beforeAll(async () => {
    t = await createTestApp({ env: { FIX_HOLD_MS: '1500' } });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    vehicleId = (await makeVehicle(t, carrier)).id as string;
    chlorine = (await chemicalByCas(t, '7782-50-5')).id as string;

    routeId = await approvedRoute(t, transport, { geometry: ROUTE, halfWidthM: 50, hazardClasses: ['2'] });
    const zone = await t
      .http()
      .post('/v1/zones')
      .set(...bearer(transport))
      .send({ name: '水源保护区', kind: 'water_source', geometry: ZONE });
    zoneId = zone.body.id as string;
    await t
      .http()
      .post(`/v1/zones/${zoneId}/approve`)
      .set(...bearer(transport));
    await assign(vehicleId);
  });
  afterAll(() => t.close());

  /** Loaded with chlorine on the route from a minute before the track until an hour from now. */
  async function assign(vehicle: string): Promise<void> {
    await assignLoaded(t, transport, vehicle, {
      routeId,
      chemicalIds: [chlorine],
      validFrom: new Date(start - 60_000),
      validTo: new Date(start + 3 * 3600_000),
    });
  }

  /** Posts the track in batches of 50; every 4 consecutive batches go together, in shuffled order. */
  async function postShuffled(track: Array<Record<string, unknown>>): Promise<void> {
    const batches: Array<Array<Record<string, unknown>>> = [];
    for (let i = 0; i < track.length; i += 50) batches.push(track.slice(i, i + 50));
    for (let g = 0; g < batches.length; g += 4) {
      const group = batches.slice(g, g + 4);
      const order = [3, 1, 0, 2].filter((k) => k < group.length);
      const responses = await Promise.all(
        order.map((k) =>
          t
            .http()
            .post('/v1/telemetry/positions')
            .set(...bearer(transport))
            .send({ positions: group[k] }),
        ),
      );
      for (const r of responses) expect(r.status).toBe(202);
    }
  }

  it('uses the approved route and the assignment derived from the load', async () => {
    expect(
      (
        await t
          .http()
          .get(`/v1/routes/${routeId}`)
          .set(...bearer(police))
      ).body.status,
    ).toBe('approved');
    const assignment = await t
      .http()
      .get(`/v1/vehicles/${vehicleId}/assignment`)
      .set(...bearer(police));
    expect(assignment.body).toMatchObject({ routeId, loaded: true, hazardClasses: ['2.3'], source: 'manual' });
  });

  it('raises exactly one route deviation and one zone intrusion, once, despite shuffling and resending', async () => {
    const track = buildTrack(vehicleId, start);
    await postShuffled(track);
    await t.drainFixes();
    await postShuffled(track);
    await t.drainFixes();

    const fixes = await t.db.query<{ n: string; flagged: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE flags & 2 = 2) AS flagged FROM fixes WHERE vehicle_id = $1`,
      [vehicleId],
    );
    expect(fixes[0]).toEqual({ n: '1000', flagged: '1' });
    const res = await t
      .http()
      .get(`/v1/violations?vehicleId=${vehicleId}`)
      .set(...bearer(police));
    const violations = res.body.items as Array<Record<string, unknown>>;
    expect(violations.map((v) => `${v.rule} ${v.targetId} ${v.status}`).sort()).toEqual([
      `ROUTE_DEVIATION ${routeId} closed`,
      `ZONE_INTRUSION ${zoneId} closed`,
    ]);
    const deviation = violations.find((v) => v.rule === 'ROUTE_DEVIATION')!;
    expect(deviation.openedAt).toBe(new Date(start + DETOUR.from * 5000).toISOString());
    expect(Date.parse(deviation.closedAt as string)).toBeGreaterThan(start + DETOUR.to * 5000);
    expect(deviation.maxValue as number).toBeGreaterThan(280);
    expect(deviation.maxValue as number).toBeLessThan(340);
    expect(deviation.severity).toBe('high');
    expect((deviation.points as unknown[]).length).toBeGreaterThanOrEqual(3);
    const spike = await t.db.query<{ flags: number }>(`SELECT flags FROM fixes WHERE vehicle_id = $1 AND ts = $2`, [
      vehicleId,
      new Date(start + SPIKE * 5000),
    ]);
    expect(spike[0]!.flags & 2).toBe(2);

    const events = await t.db.query<{ type: string }>(
      `SELECT type FROM outbox WHERE type LIKE 'violation.%' AND subject_id = $1 ORDER BY position`,
      [vehicleId],
    );
    expect(events.map((e) => e.type).sort()).toEqual([
      'violation.closed',
      'violation.closed',
      'violation.opened',
      'violation.opened',
    ]);
  });

  it('answers who is near, the track as GeoJSON, and lets police acknowledge', async () => {
    const last = buildTrack(vehicleId, start)[999]!;
    const near = await t
      .http()
      .get(`/v1/vehicles/positions?near=${last.lon as number},${last.lat as number}&radiusM=200`)
      .set(...bearer(police));
    expect(near.status).toBe(200);
    expect(near.body).toEqual([
      expect.objectContaining({ vehicleId, loaded: true, state: 'loaded_on_route', ts: last.ts }),
    ]);
    expect(near.body[0].distanceM).toBeLessThan(5);
    const far = await t
      .http()
      .get('/v1/vehicles/positions?near=121.0,31.0&radiusM=1000')
      .set(...bearer(police));
    expect(far.body).toEqual([]);

    const track = await t
      .http()
      .get(
        `/v1/vehicles/${vehicleId}/track?from=${new Date(start).toISOString()}&to=${new Date(start + 3600_000).toISOString()}`,
      )
      .set(...bearer(police));
    expect(track.body.type).toBe('Feature');
    expect(track.body.properties.points).toHaveLength(720);
    expect(track.body.geometry.coordinates).toHaveLength(719); // the spike is not drawn

    const open = (
      await t
        .http()
        .get(`/v1/violations?vehicleId=${vehicleId}&rule=ZONE_INTRUSION`)
        .set(...bearer(police))
    ).body.items[0];
    const ack = await t
      .http()
      .post(`/v1/violations/${open.id as string}/acknowledge`)
      .set(...bearer(police))
      .send({ note: '已处置' });
    expect(ack.body.acknowledgements).toEqual([expect.objectContaining({ agency: 'police', note: '已处置' })]);
    expect(
      (
        await t
          .http()
          .post(`/v1/violations/${open.id as string}/acknowledge`)
          .set(...bearer(transport))
          .send({})
      ).body.acknowledgements,
    ).toHaveLength(2);
  });

  it('judges SIGNAL_LOST by when fixes arrive, not their GPS time: a backlog sent in parts is no silence', async () => {
    const blind = (await makeVehicle(t, carrier)).id as string;
    await assign(blind);
    // 200 fixes two hours old, stored by the terminal out of coverage and re-sent in four parts.
    const backlog = buildTrack(blind, start, 200);
    const sendingFrom = Date.now();
    for (let i = 0; i < backlog.length; i += 50) {
      const res = await t
        .http()
        .post('/v1/telemetry/positions')
        .set(...bearer(transport))
        .send({ positions: backlog.slice(i, i + 50) });
      expect(res.status).toBe(202);
      await t.drainFixes();
      // Every part was received after sendingFrom: a tick 299 s after it finds at most 299 s of
      // silence, however long the parts took (by GPS time the vehicle has been silent two hours).
      await t.tickFixes(sendingFrom + 299_000);
    }
    // Transport is alerted to every rule (police only to those its policy names: not SIGNAL_LOST).
    const signalLost = async (): Promise<Array<Record<string, unknown>>> =>
      (
        await t
          .http()
          .get(`/v1/violations?vehicleId=${blind}&rule=SIGNAL_LOST`)
          .set(...bearer(transport))
      ).body.items as Array<Record<string, unknown>>;
    expect(await signalLost()).toEqual([]);

    // Nothing more for five minutes after the last receipt: now the vehicle is silent. (So is the
    // first vehicle, whose tests came before: keep this test the file's last.)
    await t.tickFixes(Date.now() + 301_000);
    const [lost] = await signalLost();
    expect(lost).toMatchObject({ status: 'open', severity: 'high', openedAt: backlog[199]!.ts });
    expect((lost!.detail as { silentSeconds: number }).silentSeconds).toBeGreaterThanOrEqual(301);

    // Heard from again: the next fix closes it.
    const next = buildTrack(blind, start, 201)[200]!;
    expect(
      (
        await t
          .http()
          .post('/v1/telemetry/positions')
          .set(...bearer(transport))
          .send({ positions: [next] })
      ).status,
    ).toBe(202);
    await t.drainFixes();
    expect(await signalLost()).toEqual([expect.objectContaining({ status: 'closed', closedAt: next.ts })]);
  });
});
