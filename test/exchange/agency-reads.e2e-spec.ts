import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobName, Outbox } from '@lib/platform';
import { AgencyReads1795953600000 } from '../../migrations/1795953600000-agency-reads.js';
import { declaredRoutes } from '../support/routes.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { A, deviatingTrack, LOADING_CHECK, post, submit, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/**
 * Issue 15, replayed through the public API: "market supervision read tanker positions, tracks,
 * violations and crew that the sharing policy does not give it; any agency could acknowledge any
 * alert, which stopped its escalation". REST reads now follow the sharing policy that shapes the
 * feed and the webhooks, a change of the policy applies to the next read, and only an agency in
 * an alert's audience acknowledges it, while the escalation goes on.
 */
describe('exchange: agencies read what the sharing policy gives them', () => {
  let t: TestApp;
  const keys: Record<'police' | 'transport' | 'market' | 'emergency' | 'ecology', string> = {
    police: '',
    transport: '',
    market: '',
    emergency: '',
    ecology: '',
  };
  let trip: TripWorld;
  let waybillId = '';
  let waybillNumber = '';
  let fixes: Json[] = [];
  let window = '';
  /** The route deviation (its alert went to police and transport). */
  let deviation: Json;
  /** The trip's other alert, which went to transport alone. */
  let transportOnly: Json;
  const driver = { idNumber: '', phone: '13700001234' };
  const escort = { idNumber: '', phone: '13600005678' };

  const get = (key: string, path: string) =>
    t
      .http()
      .get(path)
      .set(...bearer(key));
  const policy = async (): Promise<Json & { version: number; document: Json & { agencies: Record<string, Json> } }> =>
    (await get(t.adminKey, '/v1/exchange/policy')).body;
  const putPolicy = async (document: Json, reason: string, basedOn: number) => {
    const res = await t
      .http()
      .put('/v1/exchange/policy')
      .set(...bearer(t.adminKey))
      .send({ document, reason, basedOn });
    if (res.status !== 200) throw new Error(`policy refused: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const escalations = async (violationId: string): Promise<Json[]> =>
    (
      await t.db.query<{ payload: Json }>(
        `SELECT payload FROM exchange_events WHERE type = 'violation.escalated' AND payload->>'violationId' = $1 ORDER BY seq`,
        [violationId],
      )
    ).map((r) => r.payload);

  beforeAll(async () => {
    t = await createTestApp({ env: { EXCHANGE_RELAY_INTERVAL_MS: '50' } });
    for (const agency of Object.keys(keys) as Array<keyof typeof keys>)
      keys[agency] = await t.mintKey({ principal: 'agency', agency });
    trip = await tripWorld(t, {
      transportKey: keys.transport,
      driver: { phone: driver.phone },
      escort: { phone: escort.phone },
    });
    driver.idNumber = (await get(t.adminKey, `/v1/personnel/${trip.driverId}`)).body.idNumber as string;
    escort.idNumber = (await get(t.adminKey, `/v1/personnel/${trip.escortId}`)).body.idNumber as string;
    const s = await submit(t, trip);
    if (s.status !== 200) throw new Error(`submission refused: ${JSON.stringify(s.body)}`);
    waybillId = s.id;
    waybillNumber = s.body.number as string;
    const loadedAt = Date.now();
    const loaded = await post(t, trip.consignor.key, `/v1/waybills/${s.id}/load`, {
      ...LOADING_CHECK,
      at: new Date(loadedAt).toISOString(),
    });
    if (loaded.status !== 200) throw new Error(`loading refused: ${JSON.stringify(loaded.body)}`);
    fixes = deviatingTrack(trip.vehicleId, loadedAt + 500);
    window = `from=${new Date(loadedAt - 60_000).toISOString()}&to=${new Date(loadedAt + 3600_000).toISOString()}`;
    const ingested = await post(t, keys.transport, '/v1/telemetry/positions', { positions: fixes });
    if (ingested.status !== 202) throw new Error(`fixes refused: ${JSON.stringify(ingested.body)}`);
    await t.drainFixes();
    // Both alerts opened and published (the relay recorded their audiences).
    await t.settle(
      async () =>
        (
          await t.db.query(`SELECT 1 FROM exchange_events WHERE type = 'violation.opened' AND subject_id = $1`, [
            trip.vehicleId,
          ])
        ).length === 2,
    );
    const all = (await get(t.adminKey, `/v1/violations?vehicleId=${trip.vehicleId}`)).body.items as Json[];
    const deviated = all.find((v) => v.rule === 'ROUTE_DEVIATION');
    const other = all.find((v) => v.rule !== 'ROUTE_DEVIATION');
    if (!deviated || !other) throw new Error(`expected a deviation and another alert: ${JSON.stringify(all)}`);
    deviation = deviated;
    transportOnly = other;
  });
  afterAll(() => t.close());

  /** What would show that a reader was given the trip's positions, track, alerts, crew or waybill. */
  const secrets = (): string[] => [
    driver.idNumber,
    driver.phone,
    escort.idNumber,
    escort.phone,
    deviation.id as string,
    transportOnly.id as string,
    waybillNumber,
    String(fixes[20]!.lat),
    String(fixes[20]!.lon),
  ];

  it('refuses market supervision the positions, track, violations and crew its policy does not give it', async () => {
    const refused = [
      '/v1/vehicles/positions',
      `/v1/vehicles/positions?near=${A[0]},${A[1]}&radiusM=5000`,
      `/v1/vehicles/${trip.vehicleId}/track?${window}`,
      `/v1/vehicles/${trip.vehicleId}/assignment`,
      '/v1/violations',
      `/v1/violations?vehicleId=${trip.vehicleId}`,
      `/v1/violations/${deviation.id as string}`,
      '/v1/personnel?limit=500',
      `/v1/personnel/${trip.driverId}`,
    ];
    for (const path of refused) {
      const res = await get(keys.market, path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 403,
        code: 'READ_NOT_GRANTED',
      });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toMatch(/market/);
    }
    // Waybills: only those with a discrepancy (waybill.discrepancy is all market receives); this trip has none.
    expect((await get(keys.market, `/v1/waybills/${waybillId}`)).status).toBe(404);
    expect((await get(keys.market, `/v1/waybills/${waybillId}/print`)).status).toBe(404);
    expect((await get(keys.market, `/v1/waybills?vehicleId=${trip.vehicleId}`)).body.items).toEqual([]);
    // The carrier's 一企一清单 lists its open violations to police, not to market supervision.
    const riskList = `/v1/enterprises/${trip.carrier.enterpriseId}/risk-list`;
    expect((await get(keys.market, riskList)).body.openViolations).toEqual([]);
    expect(((await get(keys.police, riskList)).body.openViolations as Json[]).map((v) => v.id)).toEqual([deviation.id]);
    // Police and transport, whose policy gives them all of it, read it.
    for (const key of [keys.police, keys.transport]) {
      expect((await get(key, `/v1/vehicles/positions?near=${A[0]},${A[1]}&radiusM=5000`)).body).toEqual([
        expect.objectContaining({ vehicleId: trip.vehicleId }),
      ]);
      const track = await get(key, `/v1/vehicles/${trip.vehicleId}/track?${window}`);
      expect(track.body.properties.points).toHaveLength(fixes.length);
      expect((await get(key, `/v1/violations/${deviation.id as string}`)).body.rule).toBe('ROUTE_DEVIATION');
    }
    // Ecology (waste flows) gets no waybill at all.
    expect((await get(keys.ecology, `/v1/waybills/${waybillId}`)).body.code).toBe('READ_NOT_GRANTED');
  });

  it('gives market supervision no position, track point, violation, crew member or waybill on any GET route', async () => {
    const ids: Record<string, string> = {
      vehicles: trip.vehicleId,
      personnel: trip.driverId,
      waybills: waybillId,
      violations: deviation.id as string,
      enterprises: trip.carrier.enterpriseId,
      facilities: trip.consignor.facilityId,
      lots: trip.lotId,
    };
    const query: Record<string, string> = {
      '/v1/vehicles/:id/track': window,
      '/v1/enterprises/:id/authorization': `activity=produce&chemicalId=${trip.chemicalId}`,
    };
    // (The live stream gives the same events as the feed, and never ends: the feed stands for it.)
    const routes = declaredRoutes(t.app).filter((r) => r.method === 'GET' && r.path !== '/v1/exchange/stream');
    expect(routes.length).toBeGreaterThan(40);
    const leaks: string[] = [];
    for (const route of routes) {
      const path = route.path
        .replace(/\/(\w[\w-]*)\/:id/g, (_m, c: string) => `/${c}/${ids[c] ?? randomUUID()}`)
        .replace(/:\w+/g, () => randomUUID());
      const res = await get(keys.market, path + (query[route.path] ? `?${query[route.path]}` : ''));
      // (A problem's `instance` echoes the path asked for: an id the caller sent is not a leak.)
      for (const s of secrets())
        if (res.text.includes(s) && !path.includes(s)) leaks.push(`${route.path} → ${res.status} shows ${s}`);
    }
    expect(leaks).toEqual([]);
  });

  it('shows the crew to police in clear and to transport with id numbers masked, and none to emergency management', async () => {
    const byPolice = (await get(keys.police, `/v1/personnel/${trip.driverId}`)).body as Json;
    expect(byPolice).toMatchObject({ idNumber: driver.idNumber, phone: driver.phone, masked: false });
    const byTransport = (await get(keys.transport, `/v1/personnel/${trip.escortId}`)).body as Json;
    expect(byTransport).toMatchObject({ phone: escort.phone, masked: true });
    expect(byTransport.idNumber).toBe(`${escort.idNumber.slice(0, 3)}${'*'.repeat(11)}${escort.idNumber.slice(-4)}`);
    const listed = await get(keys.transport, `/v1/personnel?employerId=${trip.carrier.enterpriseId}`);
    expect((listed.body.items as Json[]).map((p) => p.phone).sort()).toEqual([escort.phone, driver.phone].sort());
    expect(listed.text).not.toContain(driver.idNumber);
    // The feed shows them the same way: one policy, one answer.
    const feed = (await get(keys.transport, '/v1/exchange/feed?types=waybill.submitted')).body.events as Json[];
    expect((feed[0]!.data as Json).escort).toMatchObject({ idNumber: byTransport.idNumber, phone: escort.phone });
    // The printout carries the crew's phones as the policy shows them.
    const printed = await get(keys.transport, `/v1/waybills/${waybillId}/print`);
    expect(printed.status).toBe(200);
    expect(printed.text).toContain(driver.phone);
    // Emergency management's events (discrepancies, audits, escalations) give it no crew or trip.
    expect((await get(keys.emergency, `/v1/personnel/${trip.driverId}`)).body.code).toBe('READ_NOT_GRANTED');
    expect((await get(keys.emergency, `/v1/waybills/${waybillId}`)).status).toBe(404);
  });

  it('applies a policy change to the very next read: a read granted, fields narrowed, crew unmasked, then all taken back', async () => {
    const before = await policy();
    const doc = structuredClone(before.document);
    doc.agencies.market!.reads = [{ resources: ['positions'], fields: ['ts', 'lon', 'lat'] }];
    doc.agencies.transport!.events = [
      { types: ['violation.*'], fields: ['rule', 'severity', 'status'], unmasked: [] },
      { types: ['waybill.*'], fields: ['*'], unmasked: ['driver.idNumber', 'driver.phone'] },
    ];
    await putPolicy(doc, '联合执法：市场监管局查看车辆位置', before.version);

    const positions = await get(keys.market, `/v1/vehicles/positions?near=${A[0]},${A[1]}&radiusM=5000`);
    expect(positions.status).toBe(200);
    expect(positions.body).toEqual([
      { vehicleId: trip.vehicleId, ts: fixes[fixes.length - 1]!.ts, lon: expect.any(Number), lat: expect.any(Number) },
    ]);
    expect((await get(keys.market, `/v1/vehicles/${trip.vehicleId}/track?${window}`)).status).toBe(403);
    expect((await get(keys.transport, `/v1/violations/${deviation.id as string}`)).body).toEqual({
      id: deviation.id,
      rule: 'ROUTE_DEVIATION',
      severity: deviation.severity,
      status: deviation.status,
    });
    // Driver in clear now; the escort's rule (waybill.* gives only the driver's fields in clear) keeps it masked.
    expect((await get(keys.transport, `/v1/personnel/${trip.driverId}`)).body).toMatchObject({
      idNumber: driver.idNumber,
      masked: false,
    });
    expect((await get(keys.transport, `/v1/personnel/${trip.escortId}`)).body).toMatchObject({
      phone: '136****5678',
      masked: true,
    });

    await putPolicy(before.document, '联合执法结束', before.version + 1);
    expect((await get(keys.market, '/v1/vehicles/positions')).status).toBe(403);
    expect((await get(keys.transport, `/v1/violations/${deviation.id as string}`)).body.points).toHaveLength(
      (deviation.points as Json[]).length,
    );
    expect((await get(keys.transport, `/v1/personnel/${trip.driverId}`)).body.masked).toBe(true);
  });

  it('lets only an agency the alert went to acknowledge it; the others are refused and the escalation goes on', async () => {
    const alertId = transportOnly.id as string;
    // Market supervision may not read violations at all; police may not read this one (not its alert rules).
    expect((await post(t, keys.market, `/v1/violations/${alertId}/acknowledge`, { note: '已处理' })).body.code).toBe(
      'READ_NOT_GRANTED',
    );
    expect((await post(t, keys.police, `/v1/violations/${alertId}/acknowledge`, {})).status).toBe(404);
    expect((await post(t, keys.emergency, `/v1/violations/${alertId}/acknowledge`, {})).status).toBe(404);

    // Police's policy is widened after the alert went out: it reads the alert but was not its audience.
    const before = await policy();
    const doc = structuredClone(before.document) as Json & { escalation: Json; agencies: Record<string, Json> };
    (doc.agencies.police!.alerts as Json).rules = ['*'];
    doc.escalation = { ...doc.escalation, afterSeconds: 2 };
    await putPolicy(doc, '演练：2 秒升级；公安接收全部告警', before.version);
    expect((await get(keys.police, `/v1/violations/${alertId}`)).status).toBe(200);
    const notAudience = await post(t, keys.police, `/v1/violations/${alertId}/acknowledge`, { note: '已派警' });
    expect(notAudience.status).toBe(403);
    expect(notAudience.body.code).toBe('NOT_IN_ALERT_AUDIENCE');
    expect(notAudience.body.detail).toMatch(/transport/);
    // An acknowledgement from outside the audience recorded by the old code does not stop the escalation either.
    const outbox = t.app.get(Outbox);
    await t.db.transaction(() =>
      outbox.append(
        'violation.acknowledged',
        {
          violationId: alertId,
          rule: transportOnly.rule as string,
          agency: 'market',
          note: null,
          at: new Date().toISOString(),
        },
        { subjectId: trip.vehicleId },
      ),
    );
    expect(await t.db.query('SELECT 1 FROM violation_acknowledgements WHERE violation_id = $1', [alertId])).toEqual([]);

    await new Promise((r) => setTimeout(r, 2100));
    await t.queue.enqueue(JobName.AlertEscalation, {});
    await t.settle(async () => (await escalations(alertId)).length === 1);
    expect((await escalations(alertId))[0]).toMatchObject({ level: 1, to: ['emergency'] });
    // Emergency management, now in the audience, reads the escalated alert as that event shows it, and acknowledges it.
    await t.settle(async () => (await get(keys.emergency, `/v1/violations/${alertId}`)).status === 200);
    const asEscalated = (await get(keys.emergency, `/v1/violations/${alertId}`)).body as Json;
    expect(Object.keys(asEscalated).sort()).toEqual(['id', 'rule', 'severity', 'vehicleId', 'waybillId']);
    const ack = await post(t, keys.emergency, `/v1/violations/${alertId}/acknowledge`, { note: '应急值班室已处置' });
    expect(ack.status).toBe(200);
    await t.settle(
      async () =>
        (
          await t.db.query(
            `SELECT 1 FROM exchange_events WHERE type = 'violation.acknowledged' AND payload->>'agency' = 'emergency'`,
          )
        ).length === 1,
    );
    await new Promise((r) => setTimeout(r, 2100));
    await t.queue.enqueue(JobName.AlertEscalation, {});
    await t.settle();
    await new Promise((r) => setTimeout(r, 300)); // (BullMQ: settle cannot see the queue go idle)
    expect(await escalations(alertId)).toHaveLength(1);
    // The deviation's own audience (police) acknowledges it as before.
    expect((await post(t, keys.police, `/v1/violations/${deviation.id as string}/acknowledge`, {})).status).toBe(200);
    await putPolicy(before.document, '演练结束', before.version + 1);
  });

  it('gives a policy stored before reads existed the plan’s reads of positions and tracks, as a new version', async () => {
    const current = await policy();
    const old = structuredClone(current.document);
    for (const agency of Object.values(old.agencies)) delete agency.reads;
    await putPolicy(old, '旧版策略（无 reads）', current.version);
    expect((await get(keys.police, '/v1/vehicles/positions')).body.code).toBe('READ_NOT_GRANTED');
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await new AgencyReads1795953600000().up(runner);
    } finally {
      await runner.release();
    }
    const migrated = await policy();
    expect(migrated).toMatchObject({ version: current.version + 2, changedBy: 'system' });
    expect(migrated.document.agencies.police!.reads).toEqual([{ resources: ['positions', 'tracks'], fields: ['*'] }]);
    expect(migrated.document.agencies.market!.reads).toEqual([]);
    expect((await get(keys.police, '/v1/vehicles/positions')).status).toBe(200);
    expect((await get(keys.market, '/v1/vehicles/positions')).status).toBe(403);
  });
});
