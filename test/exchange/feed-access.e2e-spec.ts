import { JobName } from '@lib/platform';
import { readSse } from '../support/exchange.js';
import { makeLicence } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { LOADING_CHECK, post, submit, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/**
 * The pull feed and the live stream give the same events in the same order and resume without
 * gaps or repeats; each agency sees what its policy gives it; every read is in the hash-chained
 * access log; data requests grant time-limited access; the policy is data, validated and versioned.
 */
describe('exchange: feed, stream, access log, data requests, policy', () => {
  let t: TestApp;
  let police: string;
  let transport: string;
  let market: string;
  let emergency: string;
  let w: TripWorld;
  let waybillId = '';

  const get = async (key: string, path: string, headers: Record<string, string> = {}) => {
    const req = t
      .http()
      .get(path)
      .set(...bearer(key));
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req;
  };
  const feed = async (key: string, query = ''): Promise<{ events: Json[]; next: string; more: boolean }> => {
    const res = await get(key, `/v1/exchange/feed${query}`);
    expect(res.status).toBe(200);
    return res.body as { events: Json[]; next: string; more: boolean };
  };

  const step = (res: { status: number; body: unknown }): void => {
    if (res.status !== 200) throw new Error(`step refused: ${res.status} ${JSON.stringify(res.body)}`);
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { EXCHANGE_RELAY_INTERVAL_MS: '50' } });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    market = await t.mintKey({ principal: 'agency', agency: 'market' });
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    // A trip received 2% short: waybill events, ledger movements and a discrepancy.
    w = await tripWorld(t, { transportKey: transport });
    const s = await submit(t, w);
    if (s.status !== 200) throw new Error(`submission refused: ${JSON.stringify(s.body)}`);
    waybillId = s.id;
    step(await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, LOADING_CHECK));
    step(await post(t, w.carrier.key, `/v1/waybills/${s.id}/depart`));
    step(await post(t, w.carrier.key, `/v1/waybills/${s.id}/arrive`));
    step(
      await post(t, w.consignee.key, `/v1/waybills/${s.id}/receive`, {
        lines: [{ line: 1, quantity: { value: 9.8, unit: 't' } }],
      }),
    );
    await t.settle(async () => (await feed(t.adminKey, '?types=waybill.discrepancy')).events.length === 1);
  });
  afterAll(() => t.close());

  it('gives the same events in the same order through the feed and the stream, and resumes from a cursor or Last-Event-ID without gaps or repeats', async () => {
    const all = (await feed(police, '?after=0&limit=1000')).events;
    expect(all.map((e) => e.type)).toEqual([
      'waybill.submitted',
      'waybill.loaded',
      'waybill.departed',
      'waybill.arrived',
      'waybill.received',
      'waybill.discrepancy',
    ]);
    const streamed = await readSse(t.baseUrl, police, { query: '?after=0', count: all.length, quietMs: 600 });
    expect(streamed.map((e) => e.id)).toEqual(all.map((e) => e.cursor));
    expect(streamed.map((e) => e.event)).toEqual(all.map((e) => e.type));
    expect(streamed.map((e) => e.data)).toEqual(all);

    // Walking the feed two at a time gives the same list.
    const walked: Json[] = [];
    let cursor = '0';
    for (
      let page = await feed(police, `?after=${cursor}&limit=2`);
      page.events.length;
      page = await feed(police, `?after=${cursor}&limit=2`)
    ) {
      walked.push(...page.events);
      cursor = page.next;
    }
    expect(walked.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect((await feed(police, `?after=${cursor}`)).next).toBe(cursor);

    const k = 2;
    const after = all[k]!.cursor as string;
    expect((await feed(police, `?after=${after}`)).events.map((e) => e.id)).toEqual(all.slice(k + 1).map((e) => e.id));
    const resumed = await readSse(t.baseUrl, police, { lastEventId: after, count: all.length - k - 1, quietMs: 600 });
    expect(resumed.map((e) => e.data.id)).toEqual(all.slice(k + 1).map((e) => e.id));

    // Live: a stream opened now receives the next event, and only it. (Its start is fixed once
    // its headers arrive: the event is written after that, not after a guess at how long it takes.)
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const live = readSse(t.baseUrl, police, { count: 1, quietMs: 600, onOpen: opened });
    await open;
    expect((await post(t, w.consignee.key, `/v1/waybills/${waybillId}/close`)).status).toBe(200);
    const [closed] = await live;
    expect(closed!.event).toBe('waybill.closed');
    expect((await feed(police, `?after=${all[all.length - 1]!.cursor as string}`)).events.map((e) => e.id)).toEqual([
      closed!.data.id,
    ]);
  });

  it('shows each agency what its policy gives it, personal fields masked unless named', async () => {
    const driver = (await get(t.adminKey, `/v1/personnel/${w.driverId}`)).body as Json;
    const byPolice = (await feed(police, '?types=waybill.submitted')).events[0]!.data as Json;
    expect(byPolice.driver).toMatchObject({ idNumber: driver.idNumber, phone: driver.phone, masked: false });
    const byTransport = (await feed(transport, '?types=waybill.submitted')).events[0]!.data as Json;
    expect(byTransport.driver).toMatchObject({ phone: driver.phone, masked: true });
    expect((byTransport.driver as Json).idNumber).not.toBe(driver.idNumber);
    expect((byTransport.driver as Json).idNumber).toMatch(/^\d{3}\*+[\dX]{4}$/);

    const marketTypes = (await feed(market, '?limit=1000')).events.map((e) => e.type);
    expect(marketTypes).toEqual(['waybill.discrepancy']);
    const emergencyTypes = new Set((await feed(emergency, '?limit=1000')).events.map((e) => e.type));
    // Checkpoints of the chains (integrity.checkpoint) go out on their own schedule, not from the trip.
    emergencyTypes.delete('integrity.checkpoint');
    expect([...emergencyTypes].sort()).toEqual(['ledger.movement.recorded', 'waybill.discrepancy']);

    const bad = await get(police, '/v1/exchange/feed?types=waybill.*,nope.thing&after=x');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('after');
    const unknown = await get(police, '/v1/exchange/feed?types=waybill.*,nope.thing');
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'types[1]', rule: 'UNKNOWN_EVENT_TYPE' })]);
    const enterprise = await get(w.consignor.key, '/v1/exchange/feed');
    expect(enterprise.status).toBe(403);

    const schemas = (await get(market, '/v1/exchange/schemas')).body as { events: Record<string, Json> };
    for (const type of [
      'violation.opened',
      'violation.escalated',
      'waybill.discrepancy',
      'ledger.discrepancy',
      'licence.expiring',
    ])
      expect(schemas.events[type]).toMatchObject({ version: 1, schema: expect.objectContaining({ type: 'object' }) });
  });

  it('publishes a stock count that moved the book (ledger.discrepancy) and licences about to expire (licence.expiring, once)', async () => {
    const adjust = await post(t, w.consignor.key, '/v1/movements', {
      operation: 'adjust',
      facilityId: w.consignor.facilityId,
      chemicalId: w.chemicalId,
      lotId: w.lotId,
      direction: 'decrease',
      reason: '月度盘点短少',
      quantity: { value: 12.5, unit: 'kg' },
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(adjust.status).toBe(201);
    const soon = new Date(Date.now() + 10 * 86400_000).toISOString().slice(0, 10);
    const licence = await makeLicence(t, w.consignee.enterpriseId, { validFrom: '2024-01-01', validTo: soon });
    await t.queue.enqueue(JobName.LicenceExpiry, {});
    await t.settle(async () => (await feed(market, '?types=licence.expiring')).events.length === 1);
    await t.queue.enqueue(JobName.LicenceExpiry, {});
    await t.settle();
    const expiring = (await feed(market, '?types=licence.expiring')).events;
    expect(expiring.map((e) => e.data)).toEqual([
      expect.objectContaining({ licenceId: licence.id, enterpriseId: w.consignee.enterpriseId, validTo: soon }),
    ]);
    expect((expiring[0]!.data as Json).daysLeft as number).toBeGreaterThanOrEqual(9);
    await t.settle(async () => (await feed(emergency, '?types=ledger.discrepancy')).events.length === 1);
    const [count] = (await feed(emergency, '?types=ledger.discrepancy')).events;
    expect(count!.data).toMatchObject({ facilityId: w.consignor.facilityId, lotId: w.lotId, differenceKg: -12.5 });
    expect((await feed(market, '?types=ledger.discrepancy')).events).toHaveLength(1);
    expect((await feed(police, '?types=ledger.discrepancy,licence.expiring')).events).toEqual([]);
  });

  it('grants data outside the policy only on an approved request, for a limited time, logged as such', async () => {
    const period = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date().toISOString() };
    const missing = await post(t, police, '/v1/exchange/data-requests', {
      kind: 'vehicle-track',
      subjectId: w.vehicleId,
      reason: '案件侦查',
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: Json) => `${e.path as string} ${e.rule as string}`)).toEqual([
      'from REQUIRED',
      'to REQUIRED',
    ]);
    expect(
      (
        await post(t, w.consignor.key, '/v1/exchange/data-requests', {
          kind: 'person',
          subjectId: w.driverId,
          reason: 'x',
        })
      ).status,
    ).toBe(403);

    const asked = await post(t, police, '/v1/exchange/data-requests', {
      kind: 'vehicle-track',
      subjectId: w.vehicleId,
      ...period,
      reason: '锡公(刑)立字〔2026〕123号案件侦查',
    });
    expect(asked.status).toBe(201);
    expect(asked.body.status).toBe('pending');
    const id = asked.body.id as string;
    expect((await get(police, `/v1/exchange/data-requests/${id}/data`)).status).toBe(409);
    expect((await post(t, police, `/v1/exchange/data-requests/${id}/approve`, {})).status).toBe(403);
    expect((await get(market, `/v1/exchange/data-requests/${id}`)).status).toBe(404);
    const approved = await post(t, t.adminKey, `/v1/exchange/data-requests/${id}/approve`, {
      validHours: 1,
      note: '同意，限本案使用',
    });
    expect(approved.status).toBe(200);
    expect(Date.parse(approved.body.expiresAt as string) - Date.now()).toBeGreaterThan(3500_000);
    expect((await post(t, t.adminKey, `/v1/exchange/data-requests/${id}/refuse`, {})).status).toBe(409);

    const data = await get(police, `/v1/exchange/data-requests/${id}/data`, {
      'X-Purpose': encodeURIComponent('调取轨迹'),
    });
    expect(data.status).toBe(200);
    expect(data.body.data).toMatchObject({ type: 'Feature', properties: { vehicleId: w.vehicleId } });
    const log = (await get(t.adminKey, `/v1/exchange/access-log?channel=grant&subject=vehicle:${w.vehicleId}`)).body
      .items as Json[];
    expect(log).toEqual([
      expect.objectContaining({ agency: 'police', grantId: id, purpose: '调取轨迹', action: 'vehicle-track' }),
    ]);

    await t.db.query(`UPDATE data_requests SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const late = await get(police, `/v1/exchange/data-requests/${id}/data`);
    expect(late.status).toBe(403);
    expect(late.body.code).toBe('GRANT_EXPIRED');

    const person = await post(t, market, '/v1/exchange/data-requests', {
      kind: 'person',
      subjectId: w.driverId,
      reason: '执照核查',
    });
    expect(
      (await post(t, t.adminKey, `/v1/exchange/data-requests/${person.body.id as string}/refuse`, { note: '超出职责' }))
        .body.status,
    ).toBe('refused');
    const refused = await get(market, `/v1/exchange/data-requests/${person.body.id as string}/data`);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('REQUEST_REFUSED');
  });

  it('keeps the sharing policy as validated, versioned data that only admin changes', async () => {
    const current = (await get(police, '/v1/exchange/policy')).body as Json & {
      document: Json & { agencies: Record<string, Json> };
    };
    const doc = structuredClone(current.document);
    (doc.agencies.police!.events as Json[])[0]!.types = ['violation.nope'];
    delete doc.agencies.ecology;
    (doc.escalation as Json).afterSeconds = 0;
    const bad = await t
      .http()
      .put('/v1/exchange/policy')
      .set(...bearer(t.adminKey))
      .send({ document: doc, reason: 'broken' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: Json) => `${e.path as string} ${e.rule as string}`).sort()).toEqual([
      'document.agencies.ecology REQUIRED',
      'document.agencies.police.events[0].types[0] UNKNOWN_EVENT_TYPE',
      'document.escalation.afterSeconds OUT_OF_RANGE',
    ]);
    const byAgency = await t
      .http()
      .put('/v1/exchange/policy')
      .set(...bearer(police))
      .send({ document: current.document, reason: 'police edits its own policy' });
    expect(byAgency.status).toBe(403);
    const ok = await t
      .http()
      .put('/v1/exchange/policy')
      .set(...bearer(t.adminKey))
      .send({ document: current.document, reason: '复核，无变化', basedOn: current.version });
    expect(ok.status).toBe(200);
    const stale = await t
      .http()
      .put('/v1/exchange/policy')
      .set(...bearer(t.adminKey))
      .send({ document: current.document, reason: 'late', basedOn: current.version });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('POLICY_CHANGED');
    const versions = (await get(t.adminKey, '/v1/exchange/policy/versions')).body as Json[];
    expect(versions.map((v) => [v.version, v.changedBy, v.reason])).toEqual([
      [(current.version as number) + 1, 'admin', '复核，无变化'],
      [current.version, 'system', 'default policy'],
    ]);
  });

  it('logs every delivery and read with the agency and purpose, hash-chained; a rewritten record breaks the chain', async () => {
    const read = await get(police, `/v1/personnel/${w.driverId}`, {
      'X-Purpose': encodeURIComponent('核查驾驶员身份'),
    });
    expect(read.status).toBe(200);

    const aboutDriver = (await get(t.adminKey, `/v1/exchange/access-log?subject=person:${w.driverId}&limit=500`)).body
      .items as Json[];
    const channels = new Set(aboutDriver.map((r) => `${r.agency as string} ${r.channel as string}`));
    for (const c of ['police feed', 'police stream', 'transport feed', 'police api']) expect(channels).toContain(c);
    expect(aboutDriver.find((r) => r.channel === 'api' && r.agency === 'police')).toMatchObject({
      action: 'person.read',
      purpose: '核查驾驶员身份',
      principal: 'agency police',
    });
    const feedRead = aboutDriver.find((r) => r.channel === 'feed' && r.agency === 'police')!;
    expect((feedRead.detail as Json).eventIds).toEqual(expect.arrayContaining([expect.any(String)]));

    // An agency reads only its own records.
    const own = (await get(transport, '/v1/exchange/access-log?limit=500')).body.items as Json[];
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => r.agency === 'transport')).toBe(true);
    expect((await get(police, '/v1/exchange/access-log/verify')).status).toBe(403);

    const verified = (await get(t.adminKey, '/v1/exchange/access-log/verify')).body as Json;
    expect(verified).toMatchObject({ ok: true, firstBreak: null });
    expect(verified.checked as number).toBeGreaterThan(5);

    // Append-only: the database refuses the rewrite; someone who disables the trigger breaks the chain.
    await expect(t.db.query(`UPDATE access_log SET purpose = '例行检查' WHERE seq = 3`)).rejects.toThrow(/append-only/);
    await t.db.transaction(async () => {
      await t.db.query('ALTER TABLE access_log DISABLE TRIGGER access_log_append_only');
      await t.db.query(`UPDATE access_log SET purpose = '例行检查' WHERE seq = 3`);
      await t.db.query('ALTER TABLE access_log ENABLE TRIGGER access_log_append_only');
    });
    expect((await get(t.adminKey, '/v1/exchange/access-log/verify')).body).toMatchObject({
      ok: false,
      firstBreak: { seq: '3', problem: 'hash' },
    });
  });
});
