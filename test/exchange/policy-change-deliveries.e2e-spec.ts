import { Receiver } from '../support/exchange.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { deviatingTrack, loadNow, post, submit, tripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;
type PolicyDoc = Json & { agencies: Record<string, Json & { events: Json[] }> };

/**
 * A webhook delivery not yet sent goes out as the sharing policy in force shapes it, as the pull
 * feed reads it: an admin who tightens the policy while a receiver is down (retries), or while a
 * delivery lies in the dead letters, or withdraws an event type, is obeyed by what goes out after.
 * On the real database and queue.
 */
describe('exchange: webhook deliveries follow a policy change', () => {
  let t: TestApp;
  let police: string;
  let transport: string;
  let original: PolicyDoc;

  beforeAll(async () => {
    t = await createTestApp({
      env: { EXCHANGE_RELAY_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_CAP_MS: '200' },
    });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    original = (
      await t
        .http()
        .get('/v1/exchange/policy')
        .set(...bearer(t.adminKey))
    ).body.document as PolicyDoc;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Police's endpoints made by a test are deleted after it, so that no later test's events wait on a closed receiver. */
  const endpoints: string[] = [];
  afterEach(async () => {
    for (const id of endpoints.splice(0))
      await t
        .http()
        .delete(`/v1/exchange/webhooks/${id}`)
        .set(...bearer(police));
  });
  const register = async (hook: Receiver, types: string[]): Promise<string> => {
    const ep = await post(t, police, '/v1/exchange/webhooks', { url: hook.url, types });
    expect(ep.status).toBe(201);
    endpoints.push(ep.body.id as string);
    return ep.body.id as string;
  };

  /** Admin puts a new policy version: the shipped one with police's rules edited. */
  const policeGets = async (events: Json[], reason: string): Promise<void> => {
    const doc = structuredClone(original);
    doc.agencies.police!.events = events;
    const res = await t
      .http()
      .put('/v1/exchange/policy')
      .set(...bearer(t.adminKey))
      .send({ document: doc, reason });
    expect(res.status).toBe(200);
  };
  const restorePolicy = (): Promise<void> => policeGets(original.agencies.police!.events, '恢复默认策略');

  const deliveries = (endpointId: string) =>
    t.db.query<{ type: string; status: string; attempts: number; last_error: string | null; data: Json | null }>(
      `SELECT e.type, d.status, d.attempts, d.last_error, d.data FROM webhook_deliveries d
         JOIN exchange_events e ON e.seq = d.event_seq WHERE d.endpoint_id = $1 ORDER BY d.event_seq`,
      [endpointId],
    );
  /** The receiver was tried with the endpoint's delivery of this type at least once, and refused it. */
  const tried = (endpointId: string, type: string) =>
    t.settle(async () => (await deliveries(endpointId)).some((d) => d.type === type && d.attempts >= 1));
  const person = async (id: string): Promise<Json> =>
    (
      await t
        .http()
        .get(`/v1/personnel/${id}`)
        .set(...bearer(t.adminKey))
    ).body as Json;
  /** Each test starts from the shipped policy, with a police receiver that refuses until the test lets it answer. */
  const withRefusingHook = async (run: (hook: Receiver) => Promise<void>): Promise<void> => {
    await restorePolicy();
    const hook = await new Receiver().start();
    hook.refusing = true;
    try {
      await run(hook);
    } finally {
      await hook.close();
    }
  };
  const maskedAs = (clear: string): string => `${clear.slice(0, 3)}${'*'.repeat(clear.length - 7)}${clear.slice(-4)}`;

  it('sends a retried alert with the crew masked once the policy stops giving police the crew in clear', async () => {
    await withRefusingHook(async (hook) => {
      const id = await register(hook, ['violation.opened']);
      const trip = await tripWorld(t, { transportKey: transport });
      const s = await submit(t, trip);
      expect(s.status).toBe(200);
      const { loadedAt, status: loadStatus } = await loadNow(t, trip, s.id);
      expect(loadStatus).toBe(200);
      const fixes = deviatingTrack(trip.vehicleId, loadedAt + 500);
      expect((await post(t, transport, '/v1/telemetry/positions', { positions: fixes })).status).toBe(202);
      await tried(id, 'violation.opened');
      // Shaped at relay with the crew in clear, as the policy then said.
      const driver = await person(trip.driverId);
      const [before] = (await deliveries(id)).filter((d) => d.type === 'violation.opened');
      expect((before!.data!.driver as Json).idNumber).toBe(driver.idNumber);

      await policeGets(
        (original.agencies.police!.events as Json[]).map((r) => ({ ...r, unmasked: [] })),
        '个人信息保护：公安不再接收明文身份证号和电话',
      );
      // An attempt already under way when the change committed goes out as it was read (at most one
      // per endpoint, its request being made): the receiver comes back after the next one, begun since.
      const refused = hook.refused;
      await hook.waitFor(() => hook.refused >= refused + 2);
      hook.refusing = false;
      await hook.waitFor(() => hook.ofType('violation.opened').length === 1);
      const got = hook.ofType('violation.opened')[0]!;
      expect((got.body.data as Json).driver).toEqual({
        id: trip.driverId,
        name: driver.name,
        idNumber: maskedAs(driver.idNumber as string),
        phone: maskedAs(driver.phone as string),
        masked: true,
      });
      expect(got.raw).not.toContain(driver.idNumber as string);
      expect(got.raw).not.toContain(driver.phone as string);
    });
  });

  it('replays a dead letter in the shape of the policy in force, not the one it was relayed under', async () => {
    await withRefusingHook(async (hook) => {
      const id = await register(hook, ['waybill.submitted']);
      const trip = await tripWorld(t, { transportKey: transport });
      const s = await submit(t, trip);
      expect(s.status).toBe(200);
      await tried(id, 'waybill.submitted');
      // The retry budget (25 h) passes: the first attempt moves back instead of the test waiting.
      await t.settle(async () => {
        await t.db.query(
          `UPDATE webhook_deliveries SET first_attempt_at = first_attempt_at - interval '25 hours'
            WHERE endpoint_id = $1 AND status = 'pending'`,
          [id],
        );
        return (await deliveries(id)).some((d) => d.status === 'dead');
      });
      const driver = await person(trip.driverId);
      const [dead] = await deliveries(id);
      expect(dead!.data).toMatchObject({ waybillId: s.id, driver: { idNumber: driver.idNumber } });
      expect(dead!.data!.items).toBeDefined();

      // Police now get the waybill's number, status and crew only, the crew masked.
      await policeGets(
        [
          ...(original.agencies.police!.events as Json[]).filter((r) => !(r.types as string[]).includes('waybill.*')),
          { types: ['waybill.*'], fields: ['waybillId', 'number', 'status', 'driver', 'escort'], unmasked: [] },
        ],
        '公安只接收运单号、状态和人员（脱敏）',
      );
      hook.refusing = false;
      const replay = await post(t, police, `/v1/exchange/webhooks/${id}/dead-letters/replay`, {});
      expect(replay.body).toEqual({ replayed: 1 });
      await hook.waitFor(() => hook.accepted.length === 1);
      const data = hook.accepted[0]!.body.data as Json;
      expect(Object.keys(data).sort()).toEqual(['driver', 'escort', 'number', 'status', 'waybillId']);
      expect(data).toMatchObject({
        waybillId: s.id,
        driver: { masked: true, idNumber: maskedAs(driver.idNumber as string) },
      });
      expect(hook.accepted[0]!.raw).not.toContain(driver.idNumber as string);
    });
  });

  it('shapes a delivery made before deliveries were shaped (no data) under the policy in force before sending it', async () => {
    await policeGets(
      [
        ...(original.agencies.police!.events as Json[]).filter((r) => !(r.types as string[]).includes('waybill.*')),
        { types: ['waybill.*'], fields: ['waybillId', 'number', 'driver'], unmasked: ['driver.phone'] },
      ],
      '公安只接收运单号和驾驶员',
    );
    const hook = await new Receiver().start();
    hook.refusing = true;
    try {
      const id = await register(hook, ['waybill.submitted']);
      const trip = await tripWorld(t, { transportKey: transport });
      const s = await submit(t, trip);
      expect(s.status).toBe(200);
      await tried(id, 'waybill.submitted');
      // As the alert-facts migration leaves a delivery made before it and not yet sent.
      await t.db.query('UPDATE webhook_deliveries SET data = NULL WHERE endpoint_id = $1', [id]);
      hook.refusing = false;
      await hook.waitFor(() => hook.accepted.length === 1);
      const driver = await person(trip.driverId);
      const data = hook.accepted[0]!.body.data as Json;
      expect(data).toEqual({
        waybillId: s.id,
        number: expect.any(String),
        driver: {
          id: trip.driverId,
          name: driver.name,
          idNumber: maskedAs(driver.idNumber as string),
          phone: driver.phone,
          masked: true,
        },
      });
      // Shaped once, and kept: the delivery now holds what was sent.
      const [row] = await deliveries(id);
      expect(row).toMatchObject({ status: 'delivered', data });
    } finally {
      await hook.close();
    }
  });

  it('withdraws a pending delivery of an event type the policy no longer gives the agency, and never sends it', async () => {
    await withRefusingHook(async (hook) => {
      const id = await register(hook, ['waybill.submitted']);
      const withdrawnTrip = await tripWorld(t, { transportKey: transport });
      const w = await submit(t, withdrawnTrip);
      expect(w.status).toBe(200);
      await tried(id, 'waybill.submitted');

      await policeGets(
        (original.agencies.police!.events as Json[]).filter((r) => !(r.types as string[]).includes('waybill.*')),
        '运单事件不再推送公安',
      );
      const [withdrawn] = await deliveries(id);
      expect(withdrawn).toMatchObject({ status: 'withdrawn' });
      expect(withdrawn!.last_error).toMatch(/^WITHDRAWN_BY_POLICY: .*police.*waybill\.submitted/);
      const view = async () =>
        (
          await t
            .http()
            .get(`/v1/exchange/webhooks/${id}`)
            .set(...bearer(police))
        ).body as Json;
      expect(await view()).toMatchObject({ pending: 0, dead: 0 });
      // Replay does not bring it back: it is not a dead letter.
      expect((await post(t, police, `/v1/exchange/webhooks/${id}/dead-letters/replay`, {})).body).toEqual({
        replayed: 0,
      });

      // The receiver comes back and police get waybill events again: the next waybill arrives, the withdrawn one never
      // (deliveries go out in order, so it would have come first).
      hook.refusing = false;
      await restorePolicy();
      const next = await submit(t, await tripWorld(t, { transportKey: transport }));
      expect(next.status).toBe(200);
      await hook.waitFor(() => hook.accepted.length >= 1);
      await t.settle(async () => (await view()).pending === 0);
      expect(hook.accepted.map((r) => (r.body.data as Json).waybillId)).toEqual([next.id]);
      expect((await deliveries(id)).map((d) => d.status)).toEqual(['withdrawn', 'delivered']);
    });
  });
});
