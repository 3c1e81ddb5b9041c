import { connect, type Socket } from 'node:net';
import { escape, MSG, RESULT, writeLocation, xor } from '@lib/jt808';
import { Jt808Gateway } from '@lib/telematics';
import { makeEnterprise, makeVehicle } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { bindTerminal, refusals, TestTerminal } from './jt808-terminal.js';

/** A raw connection that never authenticates; says when the gateway closed it. */
async function silent(port: number, localAddress = '127.0.0.1'): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, closed: () => closed };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Connection hygiene of the JT/T 808 gateway over real TCP (issue 16, item 4): the authentication
 * deadline, the per-address share, the registration rate, non-BCD numbers and bad-frame floods.
 */
describe('JT/T 808 connection hygiene: the authentication deadline', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ env: { JT808_AUTH_TIMEOUT_S: '1', JT808_IDLE_S: '300' } });
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
  });
  afterAll(() => t.close());

  it('closes an unauthenticated connection at its deadline even while it keeps sending junk', async () => {
    const before = await refusals(t, 'auth_timeout');
    const c = await silent(port);
    // Junk bytes every 50 ms (no frame flag): with a timer refreshed by bytes this never closes.
    const junk = setInterval(() => c.socket.write(Buffer.from('hello, gateway')), 50);
    try {
      await until(c.closed, 'the junk-sending connection closed');
    } finally {
      clearInterval(junk);
    }
    expect(await refusals(t, 'auth_timeout')).toBe(before + 1);
  });
});

describe('JT/T 808 connection hygiene: limits and bad frames', () => {
  let t: TestApp;
  let port: number;
  let terminal: { id: string; plate: string; terminalId: string };
  beforeAll(async () => {
    t = await createTestApp({
      // The authentication deadline far away: the silent connections below must outlive a slow machine.
      env: {
        JT808_MAX_PER_ADDRESS: '5',
        JT808_MAX_BAD_FRAMES: '5',
        JT808_REGISTER_PER_MIN: '3',
        JT808_AUTH_TIMEOUT_S: '600',
        FIX_HOLD_MS: '100',
      },
    });
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
    const transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    const carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    const v = await makeVehicle(t, carrier, { terminalId: undefined });
    terminal = { id: v.id as string, plate: v.plate as string, terminalId: '013955550001' };
    await bindTerminal(t, transport, terminal.terminalId, terminal.id);
  });
  afterAll(() => t.close());

  it('holds at most JT808_MAX_PER_ADDRESS connections from one address while a terminal from another signs in', async () => {
    const before = await refusals(t, 'address_limit');
    const flood = await Promise.all(Array.from({ length: 8 }, () => silent(port, '127.0.0.1')));
    await until(() => flood.filter((c) => c.closed()).length === 3, 'three of eight refused');
    expect(await refusals(t, 'address_limit')).toBe(before + 3);

    const term = await new TestTerminal(terminal.terminalId, 2013, {
      maker: 'HZCM',
      model: 'T-808',
      plate: terminal.plate,
      plateColour: 2,
    }).open(port, '127.0.0.2');
    const [result, code] = await term.register();
    expect(result).toBe(0);
    expect(await term.authenticate(code!)).toBe(RESULT.ok);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const stored = await term.ask(MSG.location, writeLocation({ lat: 31.5, lon: 120.3, speedKmh: 30, heading: 0, at }));
    expect(stored.body[4]).toBe(RESULT.ok);
    term.close();
    // The five held from 127.0.0.1 are still open: refusing others did not touch them.
    expect(flood.filter((c) => !c.closed())).toHaveLength(5);
    for (const c of flood) c.socket.destroy();
  });

  it('answers a sound header whose terminal number is not BCD with result 2, echoing the number', async () => {
    const before = await refusals(t, 'bad_terminal_number');
    const term = await new TestTerminal('013955559999').open(port, '127.0.0.4');
    const head = Buffer.concat([
      Buffer.from([0x00, 0x02, 0x00, 0x00]),
      Buffer.from('0139abcd5678', 'hex'),
      Buffer.from([0x00, 0x07]),
    ]);
    term.raw(Buffer.concat([Buffer.of(0x7e), escape(Buffer.concat([head, Buffer.of(xor(head))])), Buffer.of(0x7e)]));
    await until(() => term.undecoded.length > 0, 'the answer');
    const answer = term.undecoded[0]!;
    expect(answer).toMatchObject({
      error: 'BAD_TERMINAL_NUMBER',
      phone: '0139abcd5678',
      messageId: MSG.platformResponse,
    });
    // The 0x8001 body: the frame's flow (7), its message id (0x0002), result 2.
    const body = answer.body.subarray(answer.body.length - 6, answer.body.length - 1);
    expect([...body]).toEqual([0x00, 0x07, 0x00, MSG.heartbeat, RESULT.badMessage]);
    expect(await refusals(t, 'bad_terminal_number')).toBe(before + 1);
    term.close();
  });

  it('closes a connection after JT808_MAX_BAD_FRAMES bad frames in a row, not after as many spread out', async () => {
    const badFrame = (term: TestTerminal): Buffer => {
      const f = term.frame(MSG.heartbeat, Buffer.alloc(0));
      f[f.length - 2] ^= 0x01; // the check code
      return f;
    };
    const spread = await new TestTerminal('013955550002').open(port, '127.0.0.5');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) spread.raw(badFrame(spread));
      // A sound frame between the bursts (answered: failure, before authentication) resets the
      // count; the bad heartbeats are answered "message wrong" and do not match this answer.
      const sound = writeLocation({
        lat: 31.5,
        lon: 120.3,
        speedKmh: 0,
        heading: 0,
        at: new Date(Date.now() - 60_000),
      });
      expect((await spread.ask(MSG.location, sound)).body[4]).toBe(RESULT.failure);
    }
    expect(spread.closed).toBe(false);
    spread.close();

    const before = await refusals(t, 'bad_frames');
    const flood = await new TestTerminal('013955550003').open(port, '127.0.0.5');
    for (let i = 0; i < 5; i++) flood.raw(badFrame(flood));
    await flood.whenClosed();
    expect(await refusals(t, 'bad_frames')).toBe(before + 1);
  });

  it('rate-limits registrations per address: the one over JT808_REGISTER_PER_MIN closes the connection', async () => {
    const before = await refusals(t, 'registration_rate');
    const term = await new TestTerminal('013900000404').open(port, '127.0.0.6');
    for (let i = 0; i < 3; i++) expect((await term.register())[0]).toBe(4);
    await expect(term.register()).rejects.toThrow(/closed/);
    expect(await refusals(t, 'registration_rate')).toBe(before + 1);
    // Another address is not held back.
    const other = await new TestTerminal('013900000404').open(port, '127.0.0.7');
    expect((await other.register())[0]).toBe(4);
    other.close();
  });
});
