import { verifySignature } from '@lib/exchange';
import { JobName } from '@lib/platform';
import { Receiver } from '../support/exchange.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { deviatingTrack, LOADING_CHECK, loadNow, post, submit, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/**
 * Webhooks end to end, on the real database and queue: a violation reaches police, signed (how
 * fast is for a benchmark to measure, not for a test on a shared machine); an agency system that
 * is down gets every event, in order, once, when it is back; a delivery that runs out of retries
 * is dead-lettered and replayed; the same violation reaches police and market supervision masked
 * as each one's policy says; an alert nobody acknowledges is escalated.
 */
describe('exchange: webhook delivery', () => {
  let t: TestApp;
  let police: string;
  let market: string;
  let transport: string;
  const policeHook = new Receiver();
  const marketHook = new Receiver();
  let policeSecret = '';
  let marketSecret = '';
  let trip: TripWorld;
  let violationId = '';

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        EXCHANGE_RELAY_INTERVAL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '50',
        WEBHOOK_RETRY_CAP_MS: '200',
      },
    });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    market = await t.mintKey({ principal: 'agency', agency: 'market' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    await policeHook.start();
    await marketHook.start();
  });
  afterAll(async () => {
    await t.close();
    await policeHook.close();
    await marketHook.close();
  });

  const get = async (key: string, path: string) =>
    t
      .http()
      .get(path)
      .set(...bearer(key));

  it('refuses a webhook for events the policy does not give the agency, and bad URLs, naming the field', async () => {
    const res = await post(t, market, '/v1/exchange/webhooks', { url: marketHook.url, types: ['violation.*'] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'types[0]', rule: 'NOT_SHARED_WITH_AGENCY' })]);
    const bad = await post(t, police, '/v1/exchange/webhooks', { url: 'ftp://x', types: ['violation.nope'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('url');
    const unknown = await post(t, police, '/v1/exchange/webhooks', { url: policeHook.url, types: ['violation.nope'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatchObject({ path: 'types[0]', rule: 'UNKNOWN_EVENT_TYPE' });
  });

  it('delivers violation.opened to police, signed, with the crew in clear; market sees the same event masked', async () => {
    // Admin widens market supervision's policy for a joint operation: route deviations, crew masked.
    const current = (await get(t.adminKey, '/v1/exchange/policy')).body as Json;
    const doc = structuredClone(current.document) as Json & { agencies: Record<string, Json> };
    doc.agencies.market = {
      events: [...(doc.agencies.market!.events as Json[]), { types: ['violation.*'], fields: ['*'], unmasked: [] }],
      alerts: { rules: ['ROUTE_DEVIATION'], minSeverity: 'low' },
    };
    const changed = await t
      .http()
      .put('/v1/exchange/policy')
      .set(...bearer(t.adminKey))
      .send({ document: doc, reason: '联合执法：市场监管局接收路线偏离告警', basedOn: current.version });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe((current.version as number) + 1);

    const p = await post(t, police, '/v1/exchange/webhooks', {
      url: policeHook.url,
      types: ['violation.*', 'waybill.*'],
    });
    expect(p.status).toBe(201);
    policeSecret = p.body.secret as string;
    expect(policeSecret).toMatch(/^whsec_/);
    expect((await get(police, `/v1/exchange/webhooks/${p.body.id as string}`)).body.secret).toBeUndefined();
    const m = await post(t, market, '/v1/exchange/webhooks', { url: marketHook.url, types: ['violation.opened'] });
    expect(m.status).toBe(201);
    marketSecret = m.body.secret as string;

    trip = await tripWorld(t, { transportKey: transport });
    const s = await submit(t, trip);
    expect(s.status).toBe(200);
    const { loadedAt, status: loadStatus } = await loadNow(t, trip, s.id);
    expect(loadStatus).toBe(200);
    await policeHook.waitFor(() => policeHook.ofType('waybill.loaded').length === 1);

    // (The track starts at loading and runs about a minute ahead of the clock, as in the tracking tests.)
    const fixes = deviatingTrack(trip.vehicleId, loadedAt + 500);
    const res = await post(t, transport, '/v1/telemetry/positions', { positions: fixes });
    expect(res.status).toBe(202);
    await policeHook.waitFor(() => policeHook.ofType('violation.opened').length === 1);
    const got = policeHook.ofType('violation.opened')[0]!;

    expect(verifySignature(policeSecret, got.raw, String(got.headers['x-hazchem-signature']))).toBe(true);
    expect(verifySignature(marketSecret, got.raw, String(got.headers['x-hazchem-signature']))).toBe(false);
    expect(
      verifySignature(policeSecret, got.raw.replace('ROUTE', 'ROUTF'), String(got.headers['x-hazchem-signature'])),
    ).toBe(false);
    expect(got.headers['idempotency-key']).toBe(got.body.id);
    const data = got.body.data as Json;
    expect(data).toMatchObject({ rule: 'ROUTE_DEVIATION', vehicleId: trip.vehicleId, waybillId: s.id });
    expect((data.waybill as Json).items).toEqual([
      expect.objectContaining({ chemicalId: trip.chemicalId, quantityKg: 10_000 }),
    ]);
    violationId = data.violationId as string;

    const driver = (await get(t.adminKey, `/v1/personnel/${trip.driverId}`)).body as Json;
    expect(driver.masked).toBe(false);
    expect(data.driver).toEqual({
      id: trip.driverId,
      name: driver.name,
      idNumber: driver.idNumber,
      phone: driver.phone,
      masked: false,
    });

    await marketHook.waitFor(() => marketHook.ofType('violation.opened').length === 1);
    const seen = marketHook.ofType('violation.opened')[0]!;
    expect(seen.body.id).toBe(got.body.id);
    expect(verifySignature(marketSecret, seen.raw, String(seen.headers['x-hazchem-signature']))).toBe(true);
    const masked = (seen.body.data as Json).driver as Json;
    expect(masked.masked).toBe(true);
    expect(masked.idNumber).not.toBe(driver.idNumber);
    expect(masked.idNumber).toBe(
      `${(driver.idNumber as string).slice(0, 3)}***********${(driver.idNumber as string).slice(-4)}`,
    );
    expect(JSON.stringify(seen.body)).not.toContain(driver.idNumber as string);
    // Market supervision was not given waybill events: none arrived.
    expect(marketHook.accepted.every((r) => (r.body.type as string).startsWith('violation.'))).toBe(true);
    // Each delivery is in the access log with the agency it went to.
    const log = (await get(t.adminKey, `/v1/exchange/access-log?channel=webhook&subject=violation:${violationId}`)).body
      .items as Json[];
    expect(log.map((r) => r.agency).sort()).toEqual(['market', 'police']);
    expect(log.every((r) => (r.detail as Json).eventId === got.body.id)).toBe(true);
    expect((log[0]!.subjects as string[]).sort()).toEqual(
      expect.arrayContaining([`person:${trip.driverId}`, `vehicle:${trip.vehicleId}`, `waybill:${s.id}`]),
    );
  });

  it('delivers every event to a receiver that was down, in order, none twice', async () => {
    const before = policeHook.accepted.length;
    policeHook.refusing = true;
    const w = await tripWorld(t, { transportKey: transport });
    const s = await submit(t, w);
    expect(s.status).toBe(200);
    expect((await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, LOADING_CHECK)).status).toBe(200);
    expect((await post(t, w.carrier.key, `/v1/waybills/${s.id}/depart`)).status).toBe(200);
    expect((await post(t, w.carrier.key, `/v1/waybills/${s.id}/arrive`)).status).toBe(200);
    expect(
      (
        await post(t, w.consignee.key, `/v1/waybills/${s.id}/receive`, {
          lines: [{ line: 1, quantity: { value: 10, unit: 't' } }],
        })
      ).status,
    ).toBe(200);
    expect((await post(t, w.consignee.key, `/v1/waybills/${s.id}/close`)).status).toBe(200);
    await policeHook.waitFor(() => policeHook.refused >= 3);
    await new Promise((r) => setTimeout(r, 800));
    policeHook.refusing = false;

    const mine = (): Json[] =>
      policeHook.accepted
        .slice(before)
        .map((r) => r.body)
        .filter((b) => (b.data as Json).waybillId === s.id);
    await policeHook.waitFor(() => mine().length >= 6, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(mine().map((b) => b.type)).toEqual([
      'waybill.submitted',
      'waybill.loaded',
      'waybill.departed',
      'waybill.arrived',
      'waybill.received',
      'waybill.closed',
    ]);
    const all = policeHook.accepted.slice(before).map((r) => r.body);
    const ids = all.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cursors = all.map((b) => Number(b.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    const sequences = all.filter((b) => b.stream === 'waybill').map((b) => b.sequence as number);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(policeHook.refused).toBeGreaterThanOrEqual(3);
  });

  it('dead-letters a delivery after its retry budget, and replay delivers it', async () => {
    const down = await new Receiver().start();
    down.refusing = true;
    try {
      const ep = await post(t, transport, '/v1/exchange/webhooks', { url: down.url, types: ['waybill.submitted'] });
      expect(ep.status).toBe(201);
      const id = ep.body.id as string;
      const w = await tripWorld(t, { transportKey: transport });
      const s = await submit(t, w);
      expect(s.status).toBe(200);
      await down.waitFor(() => down.refused >= 3);
      // The budget (WEBHOOK_RETRY_FOR_S, 25 h) passes: the delivery's first attempt moves 25 h back
      // instead of the test waiting, and the next retry finds the budget spent. Again at each look:
      // a retry under way writes back the first-attempt time it read before. (A budget of seconds
      // instead made every other delivery in this file race it on a busy machine.)
      const deadLetters = async (): Promise<Json[]> =>
        (await get(transport, `/v1/exchange/webhooks/${id}/dead-letters`)).body as Json[];
      await t.settle(async () => {
        await t.db.query(
          `UPDATE webhook_deliveries SET first_attempt_at = first_attempt_at - interval '25 hours'
            WHERE endpoint_id = $1 AND status = 'pending'`,
          [id],
        );
        return (await deadLetters()).length === 1;
      });
      const [dead] = await deadLetters();
      expect(dead).toMatchObject({ type: 'waybill.submitted', lastStatus: 500, lastError: 'HTTP 500' });
      expect(dead!.attempts as number).toBeGreaterThanOrEqual(3);
      expect(
        Date.parse(dead!.lastAttemptAt as string) - Date.parse(dead!.firstAttemptAt as string),
      ).toBeGreaterThanOrEqual(25 * 3600_000);
      expect((await get(transport, `/v1/exchange/webhooks/${id}`)).body).toMatchObject({ pending: 0, dead: 1 });
      expect((await get(police, `/v1/exchange/webhooks/${id}/dead-letters`)).status).toBe(404);

      down.refusing = false;
      const replay = await post(t, transport, `/v1/exchange/webhooks/${id}/dead-letters/replay`, {});
      expect(replay.body).toEqual({ replayed: 1 });
      await down.waitFor(() => down.accepted.length === 1);
      expect(down.accepted[0]!.body).toMatchObject({ id: dead!.eventId, type: 'waybill.submitted' });
      expect((await get(transport, `/v1/exchange/webhooks/${id}/dead-letters`)).body).toEqual([]);
    } finally {
      await down.close();
    }
  });

  it('escalates an alert nobody acknowledged, level by level, and stops once an agency acknowledges it', async () => {
    const current = (await get(t.adminKey, '/v1/exchange/policy')).body as Json;
    const doc = structuredClone(current.document) as Json & { escalation: Json };
    doc.escalation = { ...doc.escalation, afterSeconds: 300 };
    expect(
      (
        await t
          .http()
          .put('/v1/exchange/policy')
          .set(...bearer(t.adminKey))
          .send({ document: doc, reason: '演练：5 分钟升级' })
      ).status,
    ).toBe(200);
    /**
     * Five minutes pass for every alert and escalation so far (their times move back 301 s),
     * instead of the test waiting for them: what "at once" means below then does not depend on
     * how fast the machine is (anything under five minutes).
     */
    const fiveMinutesPass = async (): Promise<void> => {
      // (What is not published yet cannot age: the relay takes every violation event first.)
      await t.settle(
        async () =>
          (await t.db.query(`SELECT 1 FROM outbox WHERE stream = 'violation' AND relayed_at IS NULL`)).length === 0,
      );
      await t.db.query(
        `UPDATE exchange_events SET published_at = published_at - interval '301 seconds' WHERE stream = 'violation'`,
      );
      await t.db.query(`UPDATE alert_escalations SET escalated_at = escalated_at - interval '301 seconds'`);
    };
    // Escalations as the job writes them (with its outbox row, in one transaction): once the job
    // has run they are there, whether or not the relay has published them yet.
    const escalations = async (): Promise<Json[]> =>
      (
        await t.db.query<{ payload: Json }>(
          `SELECT payload FROM outbox WHERE type = 'violation.escalated' AND payload->>'violationId' = $1 ORDER BY position`,
          [violationId],
        )
      ).map((r) => r.payload);
    await fiveMinutesPass();
    await t.queue.enqueue(JobName.AlertEscalation, {});
    await t.settle(async () => (await escalations()).length === 1);
    const [first] = await escalations();
    expect(first).toMatchObject({ level: 1, to: ['emergency'], rule: 'ROUTE_DEVIATION' });
    expect((first!.alerted as string[]).sort()).toEqual(['market', 'police', 'transport']);
    // Running again at once does not escalate again: the next level waits its own time.
    await t.queue.enqueue(JobName.AlertEscalation, {});
    await t.settle();
    expect(await escalations()).toHaveLength(1);

    const ack = await post(t, police, `/v1/violations/${violationId}/acknowledge`, { note: '已派警' });
    expect(ack.status).toBe(200);
    await t.settle(
      async () =>
        (
          await t.db.query(
            `SELECT 1 FROM exchange_events WHERE type = 'violation.acknowledged' AND payload->>'violationId' = $1`,
            [violationId],
          )
        ).length === 1,
    );
    await fiveMinutesPass();
    await t.queue.enqueue(JobName.AlertEscalation, {});
    await t.settle();
    expect(await escalations()).toHaveLength(1);
    // The trip's other alert (one for transport alone) nobody acknowledged: level 2 came after level 1.
    const others = await t.db.query<{ level: number; to: string[] }>(
      `SELECT (payload->>'level')::int AS level, ARRAY(SELECT jsonb_array_elements_text(payload->'to')) AS to
         FROM outbox WHERE type = 'violation.escalated' AND payload->>'violationId' <> $1 ORDER BY position`,
      [violationId],
    );
    expect(others).toEqual([
      { level: 1, to: ['emergency'] },
      { level: 2, to: ['emergency', 'police', 'transport'] },
    ]);
    // Police received the escalation of its own alert.
    await policeHook.waitFor(() =>
      policeHook.ofType('violation.escalated').some((r) => (r.body.data as Json).violationId === violationId),
    );
  });
});
