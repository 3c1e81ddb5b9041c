import { MSG, REGISTER_RESULT, RESULT, writeLocation } from '@lib/jt808';
import { Jt808Gateway } from '@lib/telematics';
import { makeEnterprise, makeVehicle } from '../support/factories.js';
import { post } from '../support/waybill.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { bindTerminal, refusals, TestTerminal } from './jt808-terminal.js';

// oxlint-disable-next-line typescript/no-explicit-any -- JSON answers are read loosely, as supertest gives them
type Json = Record<string, any>;

/**
 * Terminal binding over real TCP (issue 16): the transport bureau binds a terminal to a vehicle;
 * only a registration that matches the binding gets a code; a second device with the bound
 * number is refused, counted and reported to transport; the real terminal's new connection takes
 * its session over; a reset lets it register again and ends the old code.
 */
describe('JT/T 808 terminal binding', () => {
  let t: TestApp;
  let port: number;
  let transport: string;
  let police: string;
  let carrierKey: string;
  let otherCarrierKey: string;
  let carrierId: string;
  const start = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
  const fix = (i: number): Buffer =>
    writeLocation({ lat: 31.5, lon: 120.3 + i * 0.0003, speedKmh: 40, heading: 90, at: new Date(start + i * 1000) });

  beforeAll(async () => {
    // Every registration here comes from 127.0.0.1: the per-address rate is jt808-hygiene's to test.
    t = await createTestApp({
      env: { FIX_HOLD_MS: '100', JT808_SESSION_CHECK_MS: '200', JT808_REGISTER_PER_MIN: '1000' },
    });
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    carrierId = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    carrierKey = await t.mintKey({ principal: 'enterprise', enterpriseId: carrierId });
    const other = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    otherCarrierKey = await t.mintKey({ principal: 'enterprise', enterpriseId: other });
  });
  afterAll(() => t.close());

  const get = (key: string, path: string) =>
    t
      .http()
      .get(path)
      .set(...bearer(key));
  /** A tanker with no terminal, bound by transport to a fresh terminal number. */
  const boundTanker = async (over: Json = {}): Promise<{ id: string; plate: string; terminalId: string }> => {
    const v = await makeVehicle(t, carrierId, { terminalId: undefined });
    const terminalId = `0139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await bindTerminal(t, transport, terminalId, v.id as string, over);
    return { id: v.id as string, plate: v.plate as string, terminalId };
  };
  const device = (plate: string, over: Json = {}) => ({
    maker: 'HZCM',
    model: 'T-808',
    plate,
    plateColour: 2,
    ...over,
  });
  const fixesOf = async (vehicleId: string): Promise<number> =>
    Number(
      (await t.db.query<{ n: string }>('SELECT count(*) AS n FROM fixes WHERE vehicle_id = $1', [vehicleId]))[0]!.n,
    );

  it('binds through transport only; the vehicle record follows the binding; carriers read only their own', async () => {
    const v = await makeVehicle(t, carrierId, { terminalId: undefined });
    const body = {
      terminalId: '13900001111',
      vehicleId: v.id,
      makerId: 'HZCM',
      model: 'T-808',
      simNumber: '13900001111',
    };
    expect((await post(t, carrierKey, '/v1/terminal-bindings', body)).status).toBe(403);
    expect((await post(t, police, '/v1/terminal-bindings', body)).status).toBe(403);
    const bound = await post(t, transport, '/v1/terminal-bindings', {
      ...body,
      installedAt: '2026-11-30T08:00:00+08:00',
    });
    expect(bound.status).toBe(201);
    expect(bound.body).toMatchObject({
      terminalId: '013900001111',
      vehicleId: v.id,
      makerId: 'HZCM',
      plateColour: 2,
      registeredAt: null,
      history: [expect.objectContaining({ kind: 'bound', by: 'agency transport' })],
    });
    expect(JSON.stringify(bound.body)).not.toMatch(/hash/i);
    expect((await get(transport, `/v1/vehicles/${v.id}`)).body.terminalId).toBe('013900001111');

    // The same terminal on another vehicle, or another terminal on this one: unbind first.
    const w = await makeVehicle(t, carrierId, { terminalId: undefined });
    const taken = await post(t, transport, '/v1/terminal-bindings', { ...body, vehicleId: w.id });
    expect(taken).toMatchObject({ status: 409, body: { code: 'TERMINAL_BOUND' } });
    const second = await post(t, transport, '/v1/terminal-bindings', { ...body, terminalId: '13900002222' });
    expect(second).toMatchObject({ status: 409, body: { code: 'VEHICLE_HAS_TERMINAL' } });

    expect((await get(carrierKey, `/v1/terminal-bindings?vehicleId=${v.id}`)).body.items).toHaveLength(1);
    expect((await get(carrierKey, '/v1/terminal-bindings/013900001111')).status).toBe(200);
    expect((await get(otherCarrierKey, `/v1/terminal-bindings?vehicleId=${v.id}`)).body.items).toEqual([]);
    expect((await get(otherCarrierKey, '/v1/terminal-bindings/013900001111')).status).toBe(404);

    const unbound = await post(t, transport, '/v1/terminal-bindings/013900001111/unbind', { reason: '终端拆除' });
    expect(unbound.status).toBe(200);
    expect(unbound.body.unboundAt).not.toBeNull();
    expect((await get(transport, `/v1/vehicles/${v.id}`)).body.terminalId).toBeNull();
    expect((await post(t, transport, '/v1/terminal-bindings/013900001111/unbind', { reason: 'again' })).status).toBe(
      404,
    );
    const history = (await get(transport, `/v1/terminal-bindings?vehicleId=${v.id}&includeEnded=true`)).body.items;
    expect(history[0].history.map((e: Json) => [e.kind, e.reason])).toEqual([
      ['bound', null],
      ['unbound', '终端拆除'],
    ]);
  });

  it('makes a confirmed vehicle.terminal filing a binding without a maker, which no device can register until transport completes it', async () => {
    const v = await makeVehicle(t, carrierId, { terminalId: undefined });
    const filed = await t
      .http()
      .patch(`/v1/vehicles/${v.id}`)
      .set(...bearer(carrierKey))
      .send({ terminalId: '013900003333' });
    expect(filed.status).toBe(202);
    expect((await get(transport, '/v1/terminal-bindings/013900003333')).status).toBe(404);
    const filing = (await get(transport, `/v1/filings?status=pending&subjectId=${v.id}&kind=vehicle.terminal`)).body
      .items[0];
    expect((await post(t, transport, `/v1/filings/${filing.id}/confirm`, { reason: '安装验收' })).status).toBe(200);
    const binding = (await get(transport, '/v1/terminal-bindings/013900003333')).body;
    expect(binding).toMatchObject({ vehicleId: v.id, makerId: null });

    // Whoever registers first, with the painted plate and any maker, gets no code: the maker is the bureau's to say.
    const first = await new TestTerminal('013900003333', 2013, device(v.plate as string, { maker: 'YUWEI' })).open(
      port,
    );
    expect(await first.register()).toEqual([REGISTER_RESULT.noTerminal, null]);
    first.close();
    await bindTerminal(t, transport, '013900003333', v.id as string, {
      makerId: 'YUWEI',
      reason: '安装验收：补全厂商',
    });
    const term = await new TestTerminal('013900003333', 2013, device(v.plate as string, { maker: 'YUWEI' })).open(port);
    expect((await term.register())[0]).toBe(REGISTER_RESULT.ok);
    term.close();
    expect((await get(transport, '/v1/terminal-bindings/013900003333')).body).toMatchObject({
      makerId: 'YUWEI',
      registeredAt: expect.any(String),
      history: expect.arrayContaining([expect.objectContaining({ kind: 'registered', by: 'terminal' })]),
    });
  });

  it.each([
    ['a number bound to nothing', { phone: '013911110000' }, REGISTER_RESULT.noTerminal],
    ['another maker', { maker: 'EVIL' }, REGISTER_RESULT.noTerminal],
    ['another plate', { plate: '苏E99999' }, REGISTER_RESULT.noVehicle],
    ['a blue plate', { plateColour: 1 }, REGISTER_RESULT.noVehicle],
  ])('answers a registration with %s with its standard result and no code', async (_, change: Json, expected) => {
    const v = await boundTanker();
    const term = await new TestTerminal(change.phone ?? v.terminalId, 2013, device(v.plate, change)).open(port);
    const [result, code] = await term.register();
    expect([result, code]).toEqual([expected, null]);
    term.close();
  });

  it('refuses a second device with the bound number: no code, no sign-in, no fix; counted and reported to transport', async () => {
    const v = await boundTanker();
    const real = await new TestTerminal(v.terminalId, 2013, device(v.plate)).open(port);
    const [ok, code] = await real.register();
    expect(ok).toBe(REGISTER_RESULT.ok);
    expect(code).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await real.authenticate(code!)).toBe(RESULT.ok);
    const conflictsBefore = await refusals(t, 'terminal_conflict');
    // The real terminal registering again on its own connection (some do at every boot) is refused,
    // and is no conflict.
    expect(await real.register()).toEqual([REGISTER_RESULT.terminalRegistered, null]);
    expect(await refusals(t, 'terminal_conflict')).toBe(conflictsBefore);

    // Another maker and another plate, from another address, with the same terminal number.
    const rogue = await new TestTerminal(v.terminalId, 2013, device('苏E99999', { maker: 'EVIL' })).open(
      port,
      '127.0.0.9',
    );
    expect(await rogue.register()).toEqual([REGISTER_RESULT.terminalRegistered, null]);
    // The same device registering like the real one is refused too: the code is handed out once.
    const mimic = await new TestTerminal(v.terminalId, 2019, device(v.plate)).open(port, '127.0.0.9');
    expect(await mimic.register()).toEqual([REGISTER_RESULT.terminalRegistered, null]);
    mimic.close();
    // A code is not derived from the number: guessing one fails, and fixes stay refused.
    expect(await rogue.authenticate('AAAAAAAAAAAAAAAA')).toBe(RESULT.failure);
    const refusedFix = await rogue.ask(MSG.location, fix(1));
    expect(refusedFix.body[4]).toBe(RESULT.failure);
    rogue.close();
    // The real terminal kept its session and stores its fix.
    expect((await real.ask(MSG.location, fix(2))).body[4]).toBe(RESULT.ok);
    real.close();
    await t.drainFixes();
    expect(await fixesOf(v.id)).toBe(1);

    expect(await refusals(t, 'terminal_conflict')).toBeGreaterThanOrEqual(conflictsBefore + 2);
    // Reported to transport through the outbox (once for the minute), not to police.
    let events: Json[] = [];
    await t.settle(async () => {
      events = (await get(transport, '/v1/exchange/feed?types=terminal.conflict&limit=100')).body.events;
      return events.some((e) => e.data?.terminalId === v.terminalId);
    });
    const conflict = events.filter((e) => e.data.terminalId === v.terminalId);
    // Two attempts, one event per terminal and minute (two if a minute began between them).
    expect(conflict.length).toBeGreaterThanOrEqual(1);
    expect(conflict.length).toBeLessThanOrEqual(2);
    expect(conflict[0].data).toMatchObject({
      vehicleId: v.id,
      plate: v.plate,
      remoteAddress: expect.stringContaining('127.0.0.9'),
      claimed: { makerId: 'EVIL', plate: '苏E99999', plateColour: 2 },
    });
    expect((await get(police, '/v1/exchange/feed?types=terminal.conflict')).body.events ?? []).toEqual([]);
  });

  it('lets the real terminal take its session over from a dropped link: the old connection is closed', async () => {
    const v = await boundTanker();
    const first = await new TestTerminal(v.terminalId, 2013, device(v.plate)).open(port);
    const [, code] = await first.register();
    expect(await first.authenticate(code!)).toBe(RESULT.ok);
    const takenBefore = await refusals(t, 'taken_over');
    const second = await new TestTerminal(v.terminalId, 2013, device(v.plate)).open(port, '127.0.0.3');
    expect(await second.authenticate(code!)).toBe(RESULT.ok);
    await first.whenClosed();
    expect((await second.ask(MSG.location, fix(3))).body[4]).toBe(RESULT.ok);
    expect(await refusals(t, 'taken_over')).toBe(takenBefore + 1);
    const [row] = await t.db.query<{ connection_id: string; remote_address: string }>(
      'SELECT connection_id, remote_address FROM terminal_sessions WHERE terminal_id = $1',
      [v.terminalId],
    );
    expect(row!.remote_address).toContain('127.0.0.3');

    // Another gateway process taking the session (its row names another instance): this one
    // notices on its next session check and closes its connection.
    await t.db.query(
      `UPDATE terminal_sessions SET instance_id = 'gateway-b:1:test', connection_id = 'elsewhere', since = now() WHERE terminal_id = $1`,
      [v.terminalId],
    );
    await second.whenClosed();
    second.close();
  });

  it('reset lets the terminal register again; the old code stops working and its session ends', async () => {
    const v = await boundTanker();
    const term = await new TestTerminal(v.terminalId, 2013, device(v.plate)).open(port);
    const [, oldCode] = await term.register();
    expect(await term.authenticate(oldCode!)).toBe(RESULT.ok);

    const reset = await post(t, transport, `/v1/terminal-bindings/${v.terminalId}/reset`, { reason: '终端刷机' });
    expect(reset.status).toBe(200);
    expect(reset.body.registeredAt).toBeNull();
    await term.whenClosed();

    const again = await new TestTerminal(v.terminalId, 2013, device(v.plate)).open(port);
    expect(await again.authenticate(oldCode!)).toBe(RESULT.failure);
    const [result, newCode] = await again.register();
    expect(result).toBe(REGISTER_RESULT.ok);
    expect(newCode).not.toBe(oldCode);
    expect(await again.authenticate(oldCode!)).toBe(RESULT.failure);
    expect(await again.authenticate(newCode!)).toBe(RESULT.ok);
    again.close();
    const kinds = (await get(transport, `/v1/terminal-bindings/${v.terminalId}`)).body.history.map((e: Json) => e.kind);
    expect(kinds).toEqual(['bound', 'registered', 'reset', 'registered']);
  });
});
