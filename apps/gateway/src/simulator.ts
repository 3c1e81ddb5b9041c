import { connect, type Socket } from 'node:net';
import { decodeFrame, encodeFrame, FrameSplitter, MSG, RESULT, writeLocation, writeRegistration } from '@lib/jt808';

/** The maker id simulated terminals register with (bind them with it: POST /v1/terminal-bindings). */
export const SIMULATOR_MAKER = 'SIMUL';

/**
 * A simulated JT/T 808 terminal (2013 edition by default): registers with its maker and its
 * vehicle's plate (as bound by transport), authenticates with the code it is given, then reports
 * its position along a route. Used by `npm run simulate:jt808` and the
 * gateway benchmark; it counts answers so that losses can be measured.
 */
export class SimulatedTerminal {
  private socket!: Socket;
  private readonly splitter = new FrameSplitter();
  private flow = 0;
  private waiting = new Map<number, (body: Buffer) => void>();
  acked = 0;
  refused = 0;
  sent = 0;
  private readonly sentAt = new Map<number, number>();
  readonly latencies: number[] = [];

  constructor(
    readonly phone: string,
    /** The bound vehicle's plate, sent in GBK at registration. */
    readonly plate: string,
    readonly edition: 2013 | 2019 = 2013,
  ) {}

  /** `localAddress`: where the connection comes from (each terminal its own SIM's address). */
  async open(host: string, port: number, localAddress?: string): Promise<void> {
    this.socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      for (const f of this.splitter.push(chunk)) {
        const d = decodeFrame(f);
        if (!d.ok) continue;
        const { messageId } = d.message.header;
        if (messageId === MSG.registerResponse) this.waiting.get(MSG.registerResponse)?.(d.message.body);
        if (messageId === MSG.platformResponse) {
          const flow = d.message.body.readUInt16BE(0);
          const answered = d.message.body.readUInt16BE(2);
          if (answered === MSG.location) {
            if (d.message.body[4] === RESULT.ok) this.acked++;
            else this.refused++;
            const at = this.sentAt.get(flow);
            if (at !== undefined) {
              this.latencies.push(Date.now() - at);
              this.sentAt.delete(flow);
            }
          }
          this.waiting.get(answered)?.(d.message.body);
        }
      }
    });
    this.socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
  }

  private send(messageId: number, body: Buffer): number {
    this.flow = (this.flow + 1) & 0xffff;
    this.socket.write(
      encodeFrame({ messageId, edition: this.edition, phone: this.phone, flow: this.flow, protocolVersion: 1 }, body),
    );
    return this.flow;
  }

  private answer(messageId: number, timeoutMs = 10_000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to 0x${messageId.toString(16)}`)), timeoutMs);
      this.waiting.set(messageId, (body) => {
        clearTimeout(timer);
        this.waiting.delete(messageId);
        resolve(body);
      });
    });
  }

  /** Registers and authenticates; false when the platform refuses either. */
  async signIn(): Promise<boolean> {
    const reg = writeRegistration(
      { maker: SIMULATOR_MAKER, model: 'SIM-808', terminalId: 'SIM0001', plateColour: 2, plate: this.plate },
      this.edition,
    );
    const registered = this.answer(MSG.registerResponse);
    this.send(MSG.register, reg);
    const r = await registered;
    if (r[2] !== 0) return false;
    const authed = this.answer(MSG.authenticate);
    this.send(MSG.authenticate, r.subarray(3));
    return (await authed)[4] === RESULT.ok;
  }

  report(p: { lon: number; lat: number; speedKmh: number; heading: number; at: Date; alarm?: number }): void {
    const flow = this.send(MSG.location, writeLocation(p));
    this.sentAt.set(flow, Date.now());
    this.sent++;
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A local address for the i-th simulated terminal when the gateway is on loopback: Linux answers
 * for all of 127.0.0.0/8, so each terminal comes from its own address, as real terminals do
 * (the gateway holds JT808_MAX_PER_ADDRESS connections and a few registrations a minute per address).
 */
export function loopbackAddress(host: string, i: number): string | undefined {
  if (!host.startsWith('127.') && host !== 'localhost') return undefined;
  return `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}
