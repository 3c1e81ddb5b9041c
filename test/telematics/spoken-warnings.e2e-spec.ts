import { Jt808Gateway } from '@lib/telematics';
import { SimulatedTerminal } from '../../apps/gateway/src/simulator.js';
import { makeEnterprise, makeVehicle } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { A, approvedRoute, M_PER_DEG_LON } from '../support/waybill.js';

type Json = Record<string, unknown>;
const M_PER_DEG_LAT = 111_320;
const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * Spoken warnings (issue 16 item 6), end to end over real TCP: a loaded tanker leaves its approved
 * route; the ROUTE_DEVIATION that opens is said to the driver by the terminal (0x8300, read aloud)
 * as transport's policy lists, once, and the terminal's answer is on record. Transport may turn a
 * rule's warning off (police may not); a text the terminal cannot say is refused.
 */
describe('spoken warnings on violations', () => {
  let t: TestApp;
  let port: number;
  let transport: string;
  let police: string;
  let carrierId: string;
  let routeId: string;
  const terminals: SimulatedTerminal[] = [];

  beforeAll(async () => {
    t = await createTestApp({ env: { FIX_HOLD_MS: '100' } });
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    carrierId = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    routeId = await approvedRoute(t, transport);
  });
  afterAll(async () => {
    for (const term of terminals) term.close();
    await t.close();
  });

  /** A loaded tanker on the route A→B, its terminal signed in; fixes start two minutes ago. */
  async function loadedTanker(): Promise<{ vehicleId: string; plate: string; term: SimulatedTerminal; base: number }> {
    const v = await makeVehicle(t, carrierId);
    const base = wholeSeconds(Date.now() - 120_000);
    const set = await t
      .http()
      .put(`/v1/vehicles/${v.id as string}/assignment`)
      .set(...bearer(transport))
      .send({
        routeId,
        loaded: true,
        chemicalIds: [],
        validFrom: new Date(base - 60_000).toISOString(),
        validTo: new Date(base + 3_600_000).toISOString(),
      });
    expect(set.status).toBe(200);
    const term = new SimulatedTerminal(v.terminalId as string, v.plate as string);
    terminals.push(term);
    await term.open('127.0.0.1', port);
    if (!(await term.signIn())) throw new Error('the terminal was refused');
    return { vehicleId: v.id as string, plate: v.plate as string, term, base };
  }

  /** Two fixes on the route, then north away from it at 54 km/h (150 m every 10 s), all answered. */
  async function leaveRoute(term: SimulatedTerminal, base: number): Promise<void> {
    const acked = term.acked;
    const n = 9;
    for (let i = 0; i < n; i++) {
      const north = Math.max(0, i - 1) * 150;
      term.report({
        lon: A[0] + (i * 20) / M_PER_DEG_LON,
        lat: A[1] + north / M_PER_DEG_LAT,
        speedKmh: 54,
        heading: i < 2 ? 90 : 0,
        at: new Date(base + i * 10_000),
      });
    }
    await t.settle(async () => term.acked >= acked + n, 60_000);
    await t.drainFixes();
  }

  const deviations = async (vehicleId: string): Promise<Json[]> =>
    (
      await t
        .http()
        .get(`/v1/violations?vehicleId=${vehicleId}&rule=ROUTE_DEVIATION`)
        .set(...bearer(transport))
    ).body.items as Json[];
  const warningsOf = async (vehicleId: string): Promise<Json[]> =>
    (
      (
        await t
          .http()
          .get(`/v1/vehicles/${vehicleId}/terminal-commands`)
          .set(...bearer(transport))
      ).body.items as Json[]
    ).filter((c) => c.origin === 'spoken_warning');

  it('lists route deviation and zone intrusion as spoken from the start', async () => {
    const res = await t
      .http()
      .get('/v1/spoken-warnings')
      .set(...bearer(police));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({ rule: 'ROUTE_DEVIATION', enabled: true, text: expect.stringContaining('{plate}') }),
      expect.objectContaining({ rule: 'ZONE_INTRUSION', enabled: true }),
    ]);
  });

  it('says a route deviation to the driver once, read aloud, and records the answer', async () => {
    const { vehicleId, plate, term, base } = await loadedTanker();
    await leaveRoute(term, base);
    await t.settle(async () => (await deviations(vehicleId)).length === 1, 60_000);
    let warnings: Json[] = [];
    await t.settle(async () => (warnings = await warningsOf(vehicleId)).some((c) => c.state === 'answered'), 60_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: 'text', requestedBy: 'platform', answer: { result: 'ok' } });
    expect(term.texts).toEqual([
      expect.objectContaining({
        text: `${plate}：您已偏离核定路线，请立即返回核定路线行驶。`,
        tts: true,
        display: true,
      }),
    ]);
    // The same fixes again (a resend) open nothing and say nothing twice.
    await leaveRoute(term, base);
    await t.settle();
    expect(await warningsOf(vehicleId)).toHaveLength(1);
  });

  it('lets transport turn a warning off, not police, and refuses a text terminals cannot say', async () => {
    const byPolice = await t
      .http()
      .put('/v1/spoken-warnings/ROUTE_DEVIATION')
      .set(...bearer(police))
      .send({ enabled: false, text: '请返回路线' });
    expect(byPolice.status).toBe(403);
    const emoji = await t
      .http()
      .put('/v1/spoken-warnings/ROUTE_DEVIATION')
      .set(...bearer(transport))
      .send({ enabled: true, text: '请返回路线🚚' });
    expect(emoji.status).toBe(422);
    expect(emoji.body.errors).toEqual([expect.objectContaining({ path: 'text', rule: 'TEXT_NOT_GBK' })]);
    const unknown = await t
      .http()
      .put('/v1/spoken-warnings/NOT_A_RULE')
      .set(...bearer(transport))
      .send({ enabled: true, text: '请注意' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'rule', rule: 'isIn' })]);

    const off = await t
      .http()
      .put('/v1/spoken-warnings/ROUTE_DEVIATION')
      .set(...bearer(transport))
      .send({ enabled: false, text: '{plate}：您已偏离核定路线。', reason: '试点结束' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, updatedBy: 'agency:transport', reason: '试点结束' });
    // The evaluator's cache of the rules lasts 5 s in each process: wait it out by the clock of the rule.
    await t.settle(async () => Date.now() - Date.parse(off.body.updatedAt as string) > 5_500, 30_000);

    const { vehicleId, term, base } = await loadedTanker();
    await leaveRoute(term, base);
    await t.settle(async () => (await deviations(vehicleId)).length === 1, 60_000);
    await t.settle();
    expect(await warningsOf(vehicleId)).toEqual([]);
    expect(term.texts).toEqual([]);
  });
});
