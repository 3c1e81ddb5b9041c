import { Jt808Gateway } from '@lib/telematics';
import { SimulatedTerminal } from '../../apps/gateway/src/simulator.js';
import { makeEnterprise, makeVehicle } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

type Command = {
  id: string;
  state: string;
  kind: string;
  origin: string;
  requestedBy: string;
  serial: number | null;
  answeredAt: string | null;
  answer: {
    messageId: string;
    result: string;
    location?: { lon: number; lat: number } | null;
    parameters?: Record<string, unknown>;
  } | null;
};

const TIMEOUT_S = 10;

/**
 * Talking to the terminal (issue 16 item 6), end to end over real TCP: commands are sent through
 * the API by the agencies allowed to, reach simulated terminals through the gateway (or wait for
 * them to sign in), and the terminals' answers are recorded on the commands.
 */
describe('JT/T 808 terminal commands', () => {
  let t: TestApp;
  let port: number;
  let police: string;
  let transport: string;
  let carrierKey: string;
  let carrierId: string;
  const terminals: SimulatedTerminal[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: { FIX_HOLD_MS: '100', JT808_COMMAND_TIMEOUT_S: String(TIMEOUT_S), JT808_LOADED_REPORT_INTERVAL_S: '7' },
    });
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    carrierId = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    carrierKey = await t.mintKey({ principal: 'enterprise', enterpriseId: carrierId });
  });
  afterAll(async () => {
    for (const term of terminals) term.close();
    await t.close();
  });

  const vehicle = async (): Promise<{ id: string; terminalId: string; plate: string }> => {
    const v = await makeVehicle(t, carrierId);
    return { id: v.id as string, terminalId: v.terminalId as string, plate: v.plate as string };
  };
  const terminal = async (
    v: { terminalId: string; plate: string },
    options: { misbehaviour?: ConstructorParameters<typeof SimulatedTerminal>[3]; intervalS?: number } = {},
  ): Promise<SimulatedTerminal> => {
    const term = new SimulatedTerminal(
      v.terminalId,
      v.plate,
      2013,
      options.misbehaviour ?? {},
      options.intervalS ?? 30,
    );
    terminals.push(term);
    await term.open('127.0.0.1', port);
    expect(await term.signIn()).toBe(true);
    return term;
  };
  const send = (key: string, vehicleId: string, body: Record<string, unknown>) =>
    t
      .http()
      .post(`/v1/vehicles/${vehicleId}/terminal-commands`)
      .set(...bearer(key))
      .send(body);
  const read = async (key: string, id: string): Promise<Command> => {
    const res = await t
      .http()
      .get(`/v1/terminal-commands/${id}`)
      .set(...bearer(key));
    expect(res.status).toBe(200);
    return res.body as Command;
  };
  /** Waits (generously) for the command to leave the states it is in now, and answers it. */
  const settled = async (key: string, id: string, states = ['queued', 'sent']): Promise<Command> => {
    let c = await read(key, id);
    await t.settle(async () => !states.includes((c = await read(key, id)).state), 60_000);
    return c;
  };

  it('delivers a text message sent by police to the terminal and shows its answer', async () => {
    const v = await vehicle();
    const term = await terminal(v);
    const res = await send(police, v.id, {
      kind: 'text',
      text: { content: '苏B危运车辆：前方隧道禁行，请立即停车等候指令。', emergency: true },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'text', state: 'queued', requestedBy: 'agency:police', origin: 'api' });

    const done = await settled(police, res.body.id);
    expect(done).toMatchObject({
      state: 'answered',
      answer: { messageId: '0x0001', result: 'ok' },
    });
    expect(done.serial).toEqual(expect.any(Number));
    expect(term.texts).toEqual([
      expect.objectContaining({
        text: '苏B危运车辆：前方隧道禁行，请立即停车等候指令。',
        emergency: true,
        display: true,
        tts: true,
      }),
    ]);
    const list = await t
      .http()
      .get(`/v1/vehicles/${v.id}/terminal-commands`)
      .set(...bearer(police));
    expect(list.body.items.map((c: Command) => c.id)).toEqual([res.body.id]);
  });

  it("changes the terminal's report interval with a parameter setting from transport", async () => {
    const v = await vehicle();
    const term = await terminal(v, { intervalS: 1 });
    let lon = 120.3;
    term.drive(() => ({ lon: (lon += 0.0002), lat: 31.5, speedKmh: 40, heading: 90 }));

    const set = await send(transport, v.id, { kind: 'set_parameters', parameters: { defaultReportIntervalS: 3 } });
    expect(set.status).toBe(201);
    const done = await settled(transport, set.body.id);
    expect(done).toMatchObject({ state: 'answered', answer: { messageId: '0x0001', result: 'ok' } });
    expect(term.reportIntervalS).toBe(3);

    // The terminal now reports every 3 s: the platform's stored fixes after the answer are 3 s apart or more.
    const from = Math.floor(Date.parse(done.answeredAt!) / 1000) * 1000;
    const sentThen = term.sent;
    await t.settle(async () => term.sent >= sentThen + 3, 90_000);
    await t.drainFixes();
    const track = await t
      .http()
      .get(`/v1/vehicles/${v.id}/track?from=${new Date(from).toISOString()}&to=${new Date().toISOString()}`)
      .set(...bearer(police));
    const ts = (track.body.properties.points as Array<{ ts: string }>).map((p) => Date.parse(p.ts));
    expect(ts.length).toBeGreaterThanOrEqual(3);
    const gaps = ts.slice(1).map((x, i) => x - ts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3000);

    // The terminal says so itself (0x8104 → 0x0104), and tells where it is (0x8201 → 0x0201).
    const query = await send(transport, v.id, { kind: 'query_parameters' });
    expect(await settled(transport, query.body.id)).toMatchObject({
      state: 'answered',
      answer: { messageId: '0x0104', result: 'ok', parameters: expect.objectContaining({ defaultReportIntervalS: 3 }) },
    });
    const where = await send(transport, v.id, { kind: 'position_query' });
    const located = await settled(transport, where.body.id);
    expect(located).toMatchObject({ state: 'answered', answer: { messageId: '0x0201', result: 'ok' } });
    expect(located.answer!.location).toMatchObject({ lat: 31.5, located: true });
    expect(located.answer!.location!.lon).toBeGreaterThan(120.3);
  }, 180_000);

  it('keeps a command for an offline terminal and delivers it when the terminal signs in', async () => {
    const v = await vehicle();
    const res = await send(police, v.id, { kind: 'text', text: { content: '请回电话 12345' } });
    expect(res.status).toBe(201);
    // Nothing holds the terminal: the command waits, queued.
    expect((await read(police, res.body.id)).state).toBe('queued');

    const term = await terminal(v);
    expect(await settled(police, res.body.id)).toMatchObject({ state: 'answered', answer: { result: 'ok' } });
    expect(term.texts.map((m) => m!.text)).toEqual(['请回电话 12345']);
  });

  it('times out a command the terminal never answers', async () => {
    const v = await vehicle();
    const term = await terminal(v, { misbehaviour: { silent: true } });
    const res = await send(transport, v.id, { kind: 'position_query' });
    const sent = await settled(transport, res.body.id, ['queued']);
    expect(sent.state).toBe('sent');
    const done = await settled(transport, res.body.id);
    expect(done).toMatchObject({ state: 'timed_out', answer: null });
    expect(term.texts).toEqual([]);
  }, 120_000);

  it("pushes the loaded report interval to a loaded tanker's terminal when it signs in", async () => {
    const v = await vehicle();
    const now = Date.now();
    const assigned = await t
      .http()
      .put(`/v1/vehicles/${v.id}/assignment`)
      .set(...bearer(transport))
      .send({
        routeId: null,
        loaded: true,
        chemicalIds: [],
        validFrom: new Date(now - 60_000).toISOString(),
        validTo: new Date(now + 3_600_000).toISOString(),
      });
    expect(assigned.status).toBe(200);
    const term = await terminal(v, { intervalS: 30 });
    let pushed: Command | undefined;
    await t.settle(async () => {
      const list = await t
        .http()
        .get(`/v1/vehicles/${v.id}/terminal-commands`)
        .set(...bearer(transport));
      pushed = (list.body.items as Command[]).find((c) => c.origin === 'loaded_report_interval');
      return pushed?.state === 'answered';
    }, 60_000);
    expect(pushed).toMatchObject({ kind: 'set_parameters', requestedBy: 'platform' });
    expect(term.reportIntervalS).toBe(7);
  });

  describe('who may command which terminal', () => {
    let own: { id: string };
    let other: { id: string };
    beforeAll(async () => {
      own = await vehicle();
      const otherCarrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
      other = { id: (await makeVehicle(t, otherCarrier)).id as string };
    });

    it("refuses a carrier any command to another carrier's vehicle, as if it did not exist", async () => {
      const res = await send(carrierKey, other.id, { kind: 'position_query' });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('NOT_FOUND');
      const list = await t
        .http()
        .get(`/v1/vehicles/${other.id}/terminal-commands`)
        .set(...bearer(carrierKey));
      expect(list.status).toBe(404);
      const count = await t.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM terminal_commands WHERE vehicle_id = $1',
        [other.id],
      );
      expect(count[0]!.n).toBe('0');
    });

    it('lets a carrier ask where its own vehicle is, but not speak or set parameters with the platform’s voice', async () => {
      expect((await send(carrierKey, own.id, { kind: 'position_query' })).status).toBe(201);
      for (const body of [
        { kind: 'text', text: { content: '快点开' } },
        { kind: 'set_parameters', parameters: { defaultReportIntervalS: 600 } },
      ]) {
        const res = await send(carrierKey, own.id, body);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('COMMAND_NOT_ALLOWED');
      }
    });

    it('refuses police parameter settings, other agencies everything, and only admin moves a terminal to another server', async () => {
      const refused = await send(police, own.id, { kind: 'set_parameters', parameters: { defaultReportIntervalS: 5 } });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('COMMAND_NOT_ALLOWED');
      const emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
      expect((await send(emergency, own.id, { kind: 'text', text: { content: '注意' } })).status).toBe(403);
      const move = await send(transport, own.id, {
        kind: 'set_parameters',
        parameters: { mainServerAddress: 'elsewhere.example:6808' },
      });
      expect(move.status).toBe(403);
      expect(
        (
          await send(t.adminKey, own.id, {
            kind: 'set_parameters',
            parameters: { mainServerAddress: 'jt.example:6808' },
          })
        ).status,
      ).toBe(201);
    });

    it('names the field and the rule of a command that cannot be sent', async () => {
      const emoji = await send(police, own.id, { kind: 'text', text: { content: '注意🚚' } });
      expect(emoji.status).toBe(422);
      expect(emoji.body).toMatchObject({
        code: 'TEXT_NOT_GBK',
        errors: [{ path: 'text.content', rule: 'TEXT_NOT_GBK' }],
      });
      const empty = await send(transport, own.id, { kind: 'set_parameters', parameters: {} });
      expect(empty.status).toBe(422);
      expect(empty.body.errors).toEqual([expect.objectContaining({ path: 'parameters', rule: 'required' })]);
      const bad = await send(transport, own.id, { kind: 'set_parameters', parameters: { defaultReportIntervalS: 0 } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'parameters.defaultReportIntervalS' })]);
    });
  });
});
