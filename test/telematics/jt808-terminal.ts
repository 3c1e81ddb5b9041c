import { connect, type Socket } from 'node:net';
import { type Decoded, decodeFrame, encodeFrame, FrameSplitter, MSG, writeRegistration } from '@lib/jt808';
import type { TestApp } from '../support/test-app.js';

/**
 * A terminal over real TCP for the gateway's e2e tests: sends frames (from a chosen local address:
 * Linux loopback answers for all of 127.0.0.0/8), collects the platform's answers, knows when
 * the platform closed it.
 */
export class TestTerminal {
  private readonly splitter = new FrameSplitter();
  readonly received: Decoded[] = [];
  /** Frames that did not decode (e.g. an answer echoing a terminal number that is not BCD). */
  readonly undecoded: Array<{ error: string; phone?: string; messageId?: number; body: Buffer }> = [];
  private socket!: Socket;
  private flow = 0;
  closed = false;

  constructor(
    readonly phone: string,
    readonly edition: 2013 | 2019 = 2013,
    readonly device: { maker: string; model: string; plate: string; plateColour: number } = {
      maker: 'HZCM',
      model: 'T-808',
      plate: '苏B12345',
      plateColour: 2,
    },
  ) {}

  async open(port: number, localAddress = '127.0.0.1'): Promise<this> {
    this.socket = connect({ port, host: '127.0.0.1', localAddress });
    this.socket.on('data', (chunk: Buffer) => {
      for (const f of this.splitter.push(chunk)) {
        const d = decodeFrame(f);
        if (d.ok) this.received.push(d.message);
        else
          this.undecoded.push({
            error: d.error,
            phone: d.header?.phone,
            messageId: d.header?.messageId,
            body: Buffer.from(f),
          });
      }
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => (this.closed = true));
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    return this;
  }

  raw(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  frame(messageId: number, body: Buffer): Buffer {
    return encodeFrame(
      { messageId, edition: this.edition, phone: this.phone, flow: ++this.flow, protocolVersion: 1 },
      body,
    );
  }

  /** Sends a message and waits for its answer (0x8001 naming it, or the given answer id). */
  async ask(messageId: number, body: Buffer, answer: number = MSG.platformResponse): Promise<Decoded> {
    const seen = this.received.length;
    this.raw(this.frame(messageId, body));
    return this.next(answer, seen, answer === MSG.platformResponse ? messageId : null);
  }

  async next(answer: number, after: number, answering: number | null = null): Promise<Decoded> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const hit = this.received
        .slice(after)
        .find((m) => m.header.messageId === answer && (answering === null || m.body.readUInt16BE(2) === answering));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no 0x${answer.toString(16)} answer`);
      if (this.closed) throw new Error(`closed before the 0x${answer.toString(16)} answer`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** 0x0100 → [result, code]. */
  async register(): Promise<[number, string | null]> {
    const reg = await this.ask(
      MSG.register,
      writeRegistration({ ...this.device, terminalId: 'A1' }, this.edition),
      MSG.registerResponse,
    );
    return [reg.body[2]!, reg.body[2] === 0 ? reg.body.subarray(3).toString('latin1') : null];
  }

  /** 0x0102 → the 0x8001 result. */
  async authenticate(code: string): Promise<number> {
    const body =
      this.edition === 2013
        ? Buffer.from(code, 'latin1')
        : Buffer.concat([
            Buffer.of(code.length),
            Buffer.from(code, 'latin1'),
            Buffer.from('861234567890123'),
            Buffer.alloc(20),
          ]);
    return (await this.ask(MSG.authenticate, body)).body[4]!;
  }

  async whenClosed(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`terminal ${this.phone}: still open after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Binds a terminal to a vehicle as the transport bureau does (POST /v1/terminal-bindings). */
export async function bindTerminal(
  t: TestApp,
  key: string,
  terminalId: string,
  vehicleId: string,
  over: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const res = await t
    .http()
    .post('/v1/terminal-bindings')
    .set('Authorization', `Bearer ${key}`)
    .send({
      terminalId,
      vehicleId,
      makerId: 'HZCM',
      model: 'T-808',
      simNumber: '13912345678',
      plateColour: 2,
      ...over,
    });
  if (res.status !== 201) throw new Error(`binding failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

/** The value of one jt808_refused_total series in /metrics. */
export async function refusals(t: TestApp, reason: string): Promise<number> {
  const text = (await t.http().get('/metrics')).text;
  const m = new RegExp(`^jt808_refused_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}
