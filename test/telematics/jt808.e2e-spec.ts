import { connect, type Socket } from 'node:net';
import {
  type Decoded,
  decodeFrame,
  encodeFrame,
  FrameSplitter,
  MSG,
  REGISTER_RESULT,
  RESULT,
  writeLocation,
  writeRegistration,
} from '@lib/jt808';
import { Jt808Gateway } from '@lib/telematics';
import { makeEnterprise, makeVehicle } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { bindTerminal } from './jt808-terminal.js';

/** A terminal over real TCP: sends frames, collects the platform's answers. */
class Terminal {
  private readonly splitter = new FrameSplitter();
  readonly received: Decoded[] = [];
  private socket!: Socket;
  private flow = 0;
  private awaiting: number | null = null;

  constructor(
    readonly phone: string,
    readonly edition: 2013 | 2019,
  ) {}

  async open(port: number): Promise<this> {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.socket.on('data', (chunk: Buffer) => {
      for (const f of this.splitter.push(chunk)) {
        const d = decodeFrame(f);
        if (d.ok) this.received.push(d.message);
      }
    });
    await new Promise((r) => this.socket.once('connect', r));
    return this;
  }

  raw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  frame(messageId: number, body: Buffer, subpackage?: { count: number; index: number }): Buffer {
    return encodeFrame(
      { messageId, edition: this.edition, phone: this.phone, flow: ++this.flow, protocolVersion: 1, subpackage },
      body,
    );
  }

  /** Sends a message and waits for the answer of the given id that comes after it. */
  async ask(messageId: number, body: Buffer, answer: number = MSG.platformResponse): Promise<Decoded> {
    const seen = this.received.length;
    this.awaiting = messageId;
    this.raw(this.frame(messageId, body));
    try {
      return await this.next(answer, seen);
    } finally {
      this.awaiting = null;
    }
  }

  async next(answer: number, after: number): Promise<Decoded> {
    // A location is answered once its batch is stored: on a busy machine that is not quick. The
    // limit is there to name the missing answer before the test's own time runs out.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const hit = this.received
        .slice(after)
        .find(
          (m) =>
            m.header.messageId === answer &&
            (answer !== MSG.platformResponse || this.awaiting === null || m.body.readUInt16BE(2) === this.awaiting),
        );
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no 0x${answer.toString(16)} answer`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** 0x0100 as the bound terminal sends it: its maker, its vehicle's yellow plate in GBK. */
  registration(plate = '苏B12345'): Buffer {
    return writeRegistration({ maker: 'HZCM', model: 'T-808', terminalId: 'A1', plateColour: 2, plate }, this.edition);
  }

  authentication(code: string): Buffer {
    if (this.edition === 2013) return Buffer.from(code, 'latin1');
    return Buffer.concat([
      Buffer.of(code.length),
      Buffer.from(code, 'latin1'),
      Buffer.from('861234567890123', 'latin1'),
      Buffer.alloc(20),
    ]);
  }

  onClose(fn: () => void): void {
    this.socket.once('close', fn);
  }

  close(): void {
    this.socket.destroy();
  }
}

const result = (m: Decoded): { flow: number; messageId: number; result: number } => ({
  flow: m.body.readUInt16BE(0),
  messageId: m.body.readUInt16BE(2),
  result: m.body[4]!,
});

/**
 * The gateway end to end over real TCP: a 2013 and a 2019 terminal register (checked against the
 * registry), authenticate, report single and batch positions and a sub-packaged batch; they get
 * the standard answers; their positions land in the vehicles' tracks through the one ingest path.
 */
describe('JT/T 808 gateway', () => {
  let t: TestApp;
  let port: number;
  let police: string;
  const vehicles: Array<{ id: string; terminalId: string; plate: string }> = [];
  /** Codes handed out at registration: a terminal registers once, then authenticates on each connection. */
  const codes = new Map<string, string>();
  const start = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000; // BCD time has whole seconds
  const loc = (i: number, north = 0): Buffer =>
    writeLocation({
      lat: 31.5 + north / 110_540,
      lon: 120.3 + (i * 25) / 95_000,
      speedKmh: 45,
      heading: 90,
      at: new Date(start + i * 2000),
    });
  const batch = (from: number, n: number, blind = false): Buffer => {
    const items = Array.from({ length: n }, (_, k) => loc(from + k));
    const head = Buffer.alloc(3);
    head.writeUInt16BE(n, 0);
    head[2] = blind ? 1 : 0;
    return Buffer.concat([head, ...items.flatMap((b) => [Buffer.from([0, b.length]), b])]);
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { FIX_HOLD_MS: '100' } });
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    const transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    const carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    for (let i = 0; i < 2; i++) {
      const v = await makeVehicle(t, carrier);
      vehicles.push({ id: v.id as string, terminalId: v.terminalId as string, plate: v.plate as string });
      // The transport bureau binds each terminal (maker, model, SIM) to its vehicle.
      await bindTerminal(t, transport, v.terminalId as string, v.id as string);
    }
  });
  afterAll(() => t.close());

  const track = async (vehicleId: string) =>
    (
      await t
        .http()
        .get(
          `/v1/vehicles/${vehicleId}/track?from=${new Date(start - 60_000).toISOString()}&to=${new Date().toISOString()}`,
        )
        .set(...bearer(police))
    ).body as { properties: { points: Array<{ ts: string }> } };

  it('registers, authenticates and takes positions from a 2013 terminal', async () => {
    const term = await new Terminal(vehicles[0]!.terminalId, 2013).open(port);
    // Before authentication only registration and authentication are allowed.
    const early = await term.ask(MSG.location, loc(0));
    expect(result(early)).toMatchObject({ messageId: MSG.location, result: RESULT.failure });

    const reg = await term.ask(MSG.register, term.registration(vehicles[0]!.plate), MSG.registerResponse);
    expect(reg.header).toMatchObject({ edition: 2013, phone: vehicles[0]!.terminalId });
    expect(reg.body[2]).toBe(REGISTER_RESULT.ok);
    const code = reg.body.subarray(3).toString('latin1');
    expect(code).toHaveLength(16);
    codes.set(vehicles[0]!.terminalId, code);

    expect(result(await term.ask(MSG.authenticate, term.authentication('wrong-code-12345')))).toMatchObject({
      result: RESULT.failure,
    });
    expect(result(await term.ask(MSG.authenticate, term.authentication(code)))).toMatchObject({
      messageId: MSG.authenticate,
      result: RESULT.ok,
    });
    expect(result(await term.ask(MSG.heartbeat, Buffer.alloc(0))).result).toBe(RESULT.ok);
    const single = await term.ask(MSG.location, loc(0));
    expect(result(single)).toMatchObject({
      messageId: MSG.location,
      result: RESULT.ok,
      flow: single.body.readUInt16BE(0),
    });
    expect(result(await term.ask(MSG.batchLocation, batch(1, 5))).result).toBe(RESULT.ok);

    // A frame whose check code is wrong is answered "message wrong" and never stored.
    const bad = term.frame(MSG.location, loc(100));
    bad[bad.length - 2] ^= 0x55;
    const seen = term.received.length;
    term.raw(bad);
    expect(result(await term.next(MSG.platformResponse, seen))).toMatchObject({
      messageId: MSG.location,
      result: RESULT.badMessage,
    });
    term.close();

    await t.drainFixes();
    const points = (await track(vehicles[0]!.id)).properties.points;
    expect(points.map((p) => p.ts)).toEqual(
      Array.from({ length: 6 }, (_, i) => new Date(start + i * 2000).toISOString()),
    );
  });

  it('takes a 2019 terminal with IMEI authentication and a sub-packaged batch', async () => {
    const phone = vehicles[1]!.terminalId.padStart(20, '0');
    const term = await new Terminal(phone, 2019).open(port);
    const reg = await term.ask(MSG.register, term.registration(vehicles[1]!.plate), MSG.registerResponse);
    expect(reg.header).toMatchObject({ edition: 2019, protocolVersion: 1, phone });
    const code = reg.body.subarray(3).toString('latin1');
    codes.set(vehicles[1]!.terminalId, code);
    expect(result(await term.ask(MSG.authenticate, term.authentication(code))).result).toBe(RESULT.ok);

    const whole = batch(0, 8);
    const half = Math.ceil(whole.length / 2);
    const seen = term.received.length;
    term.raw(
      Buffer.concat([
        term.frame(MSG.batchLocation, whole.subarray(0, half), { count: 2, index: 1 }),
        term.frame(MSG.batchLocation, whole.subarray(half), { count: 2, index: 2 }),
      ]),
    );
    await term.next(MSG.platformResponse, seen + 1);
    const answers = term.received
      .slice(seen)
      .filter((m) => m.header.messageId === MSG.platformResponse)
      .map(result);
    expect(answers.every((a) => a.messageId === MSG.batchLocation && a.result === RESULT.ok)).toBe(true);
    term.close();

    await t.drainFixes();
    expect((await track(vehicles[1]!.id)).properties.points).toHaveLength(8);
    const latest = (
      await t
        .http()
        .get('/v1/vehicles/positions')
        .set(...bearer(police))
    ).body as Array<{ vehicleId: string; ts: string }>;
    expect(latest.find((p) => p.vehicleId === vehicles[1]!.id)!.ts).toBe(new Date(start + 7 * 2000).toISOString());
  });

  it('maps the terminal emergency alarm (bit 0) to a TERMINAL_ALARM violation', async () => {
    const term = await new Terminal(vehicles[0]!.terminalId, 2013).open(port);
    await term.ask(MSG.authenticate, term.authentication(codes.get(vehicles[0]!.terminalId)!));
    const alarm = writeLocation({
      alarm: 0x01,
      lat: 31.5,
      lon: 120.31,
      speedKmh: 0,
      heading: 0,
      at: new Date(start + 60_000),
    });
    expect(result(await term.ask(MSG.location, alarm)).result).toBe(RESULT.ok);
    term.close();
    await t.drainFixes();
    const open = await t
      .http()
      .get(`/v1/violations?vehicleId=${vehicles[0]!.id}&rule=TERMINAL_ALARM`)
      .set(...bearer(police));
    expect(open.body.items).toEqual([expect.objectContaining({ rule: 'TERMINAL_ALARM', severity: 'critical' })]);
  });

  it('survives random and mutated frames: no crash, no stored position, no leaked session; the flood closes the connection, not the terminal', async () => {
    const gateway = t.app.get(Jt808Gateway);
    const before = { ...gateway.stats };
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const hostile = await new Terminal(vehicles[1]!.terminalId, 2013).open(port);
    await hostile.ask(MSG.authenticate, hostile.authentication(codes.get(vehicles[1]!.terminalId)!));
    const closed = new Promise<void>((r) => hostile.onClose(r));
    for (let i = 0; i < 500; i++) {
      if (i % 2)
        hostile.raw(Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))));
      else {
        const f = hostile.frame(MSG.location, loc(200 + i));
        const unescaped = Buffer.from(f);
        const at = 1 + Math.floor(rand() * (unescaped.length - 2));
        if (unescaped[at] !== 0x7e && unescaped[at] !== 0x7d) unescaped[at] = (unescaped[at]! + 1) % 256 || 1;
        hostile.raw(unescaped);
      }
    }
    // JT808_MAX_BAD_FRAMES in a row close the connection; the terminal's next one is served.
    await closed;
    const again = await new Terminal(vehicles[1]!.terminalId, 2013).open(port);
    expect(
      result(await again.ask(MSG.authenticate, again.authentication(codes.get(vehicles[1]!.terminalId)!))).result,
    ).toBe(RESULT.ok);
    expect(result(await again.ask(MSG.heartbeat, Buffer.alloc(0))).result).toBe(RESULT.ok);
    again.close();
    const deadline = Date.now() + 30_000;
    while (gateway.stats.connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await t.drainFixes();
    expect(gateway.stats.badFrames).toBeGreaterThan(before.badFrames);
    expect(gateway.stats.positions).toBe(before.positions);
    expect(gateway.stats.connections).toBe(0);
  });

  it('marks blind-area re-sends late, and answers a logout by closing', async () => {
    const term = await new Terminal(vehicles[0]!.terminalId, 2013).open(port);
    await term.ask(MSG.authenticate, term.authentication(codes.get(vehicles[0]!.terminalId)!));
    // Two points from before the ones already stored, re-sent from the terminal's memory.
    const blind = batch(-40, 2, true);
    expect(result(await term.ask(MSG.batchLocation, blind)).result).toBe(RESULT.ok);
    const closed = new Promise<void>((r) => term.onClose(r));
    expect(result(await term.ask(MSG.logout, Buffer.alloc(0)))).toMatchObject({
      messageId: MSG.logout,
      result: RESULT.ok,
    });
    await closed;
    await t.drainFixes();
    const late = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM fixes WHERE vehicle_id = $1 AND ts < $2 AND flags & 1 = 1`,
      [vehicles[0]!.id, new Date(start)],
    );
    expect(late[0]!.n).toBe('2');
  });

  it('refuses an unknown terminal with the standard result code', async () => {
    const term = await new Terminal('013900000001', 2013).open(port);
    const reg = await term.ask(MSG.register, term.registration(), MSG.registerResponse);
    expect(reg.body[2]).toBe(REGISTER_RESULT.noTerminal);
    expect(reg.body).toHaveLength(3);
    term.close();
  });
});
