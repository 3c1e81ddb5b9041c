import { connect, type Socket } from 'node:net';
import {
  decodeFrame,
  DRIVER_IDENTITY_MSG,
  encodeFrame,
  FrameSplitter,
  MSG,
  RESULT,
  writeDriverIdentity,
  writeLocation,
} from '@lib/jt808';

/** A driver card as the simulated reader holds it (从业资格证 IC 卡). */
export interface SimulatedCard {
  name: string;
  qualificationNumber: string;
  issuer: string;
  validUntil: string;
  citizenId?: string | null;
}

/**
 * A simulated JT/T 808 terminal (2013 edition by default): registers, authenticates with the code
 * it is given, then reports its position along a route. Used by `npm run simulate:jt808` and the
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
    readonly edition: 2013 | 2019 = 2013,
  ) {}

  async open(host: string, port: number): Promise<void> {
    this.socket = connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      for (const f of this.splitter.push(chunk)) {
        const d = decodeFrame(f);
        if (!d.ok) continue;
        const { messageId } = d.message.header;
        if (messageId === DRIVER_IDENTITY_MSG.request) this.reportCard().catch(() => undefined);
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
    const reg = Buffer.alloc(4 + 5 + 20 + 7 + 1);
    reg.write('SIMUL', 4, 'latin1');
    const registered = this.answer(MSG.registerResponse);
    this.send(MSG.register, Buffer.concat([reg, Buffer.from('SIM', 'latin1')]));
    const r = await registered;
    if (r[2] !== 0) return false;
    const authed = this.answer(MSG.authenticate);
    this.send(MSG.authenticate, r.subarray(3));
    return (await authed)[4] === RESULT.ok;
  }

  /** The card in the reader (null: none). */
  card: SimulatedCard | null = null;

  /**
   * Inserts a driver card (or removes it, with null) and reports it (0x0702, JT/T 808-2013 §8.47);
   * resolves with the platform's result code.
   */
  async swipeCard(card: SimulatedCard | null, at = new Date()): Promise<number> {
    this.card = card;
    return this.reportCard(at);
  }

  /** Reports the card in the reader: on a swipe, and when the platform asks (0x8702). */
  private async reportCard(at = new Date()): Promise<number> {
    const answered = this.answer(DRIVER_IDENTITY_MSG.report);
    const card = this.card;
    this.send(
      DRIVER_IDENTITY_MSG.report,
      // A card holding a citizen id is reported with it (the 2019 layout, which the platform also
      // reads behind a 2013 header, as 2019 terminals that do not set the version flag send it).
      writeDriverIdentity(
        card ? { status: 'inserted', at, card } : { status: 'removed', at },
        card?.citizenId ? 2019 : this.edition,
      ),
    );
    return (await answered)[4]!;
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
