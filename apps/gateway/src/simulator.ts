import { connect, type Socket } from 'node:net';
import {
  COMMAND_MSG,
  type Decoded,
  decodeFrame,
  DRIVER_IDENTITY_MSG,
  encodeFrame,
  FrameSplitter,
  MSG,
  parameterItems,
  readSetParameters,
  readTextMessage,
  RESULT,
  terminalResponse,
  TERMINAL_PARAMETERS,
  writeDriverIdentity,
  writeLocation,
  writeParametersAnswer,
  writePositionAnswer,
  writeRegistration,
} from '@lib/jt808';

/** The maker id simulated terminals register with (bind them with it: POST /v1/terminal-bindings). */
export const SIMULATOR_MAKER = 'SIMUL';

/** A driver card as the simulated reader holds it (从业资格证 IC 卡). */
export interface SimulatedCard {
  name: string;
  qualificationNumber: string;
  issuer: string;
  validUntil: string;
  citizenId?: string | null;
}

export interface Fix {
  lon: number;
  lat: number;
  speedKmh: number;
  heading: number;
}

/** How a simulated terminal misbehaves, to show what the platform does about it. */
export interface Misbehaviour {
  /** Its clock runs this far ahead (e.g. a year): every report is dated in the future. */
  clockAheadMs?: number;
  /** Every n-th report carries the emergency alarm (bit 0) with GNSS status bit 1 clear (not located). */
  unlocatedAlarmEvery?: number;
  /** It answers no command (the platform times them out). */
  silent?: boolean;
}

/**
 * A simulated JT/T 808 terminal (2013 edition by default): registers with its maker and its
 * vehicle's plate (as bound by transport), authenticates with the code it is given, then reports
 * its position along a route. It answers the platform's commands as a
 * terminal does: text messages (0x8300 → 0x0001, kept in `texts`), position queries (0x8201 →
 * 0x0201), parameter settings (0x8103 → 0x0001; 0x0029 really changes how often it reports) and
 * queries (0x8104 → 0x0104); it swipes driver cards (0x0702, also when asked by 0x8702). Used by `npm run simulate:jt808`, the gateway benchmark and the e2e
 * tests; it counts answers so that losses can be measured.
 */
export class SimulatedTerminal {
  private socket!: Socket;
  private readonly splitter = new FrameSplitter();
  private flow = 0;
  private waiting = new Map<number, (body: Buffer) => void>();
  /** Answers awaited by the serial they answer (reports that may cross: a swipe and a 0x8702 request). */
  private readonly answersByFlow = new Map<number, (body: Buffer) => void>();
  acked = 0;
  refused = 0;
  sent = 0;
  private readonly sentAt = new Map<number, number>();
  readonly latencies: number[] = [];
  /** Text messages the platform sent, as the terminal read them. */
  readonly texts: Array<ReturnType<typeof readTextMessage>> = [];
  /** The terminal's parameters by id, as 0x8104 reports them. */
  readonly parameters = new Map<number, Buffer>();
  private reports = 0;
  private last: Fix | null = null;
  private driving: { next: () => Fix; timer: NodeJS.Timeout | null } | null = null;

  constructor(
    readonly phone: string,
    /** The bound vehicle's plate, sent in GBK at registration. */
    readonly plate: string,
    readonly edition: 2013 | 2019 = 2013,
    readonly misbehaviour: Misbehaviour = {},
    reportIntervalS = 30,
  ) {
    for (const item of parameterItems({
      defaultReportIntervalS: reportIntervalS,
      sleepReportIntervalS: 300,
      emergencyReportIntervalS: 10,
      maxSpeedKmh: 100,
      overspeedDurationS: 10,
      mainServerAddress: '127.0.0.1:6808',
    })!)
      this.parameters.set(item.id, item.value);
  }

  /** 0x0029 default report interval, seconds: what `drive` reports at. */
  get reportIntervalS(): number {
    return this.parameters.get(TERMINAL_PARAMETERS.defaultReportIntervalS.id)!.readUInt32BE(0);
  }

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
        else if (messageId === MSG.platformResponse) {
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
          const byFlow = this.answersByFlow.get(flow);
          if (byFlow) {
            this.answersByFlow.delete(flow);
            byFlow(d.message.body);
          } else this.waiting.get(answered)?.(d.message.body);
        } else if (!this.misbehaviour.silent) this.command(d.message);
      }
    });
    this.socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
  }

  /** A command from the platform, answered as JT/T 808 says. */
  private command({ header, body }: Decoded): void {
    const ok = (result: number = RESULT.ok): void => {
      this.send(COMMAND_MSG.terminalResponse, terminalResponse(header.flow, header.messageId, result));
    };
    switch (header.messageId) {
      case COMMAND_MSG.textMessage: {
        const text = readTextMessage(body, this.edition);
        if (text) this.texts.push(text);
        return ok(text ? RESULT.ok : RESULT.badMessage);
      }
      case COMMAND_MSG.positionQuery: {
        const at = this.last ?? { lon: 0, lat: 0, speedKmh: 0, heading: 0 };
        this.send(COMMAND_MSG.positionAnswer, writePositionAnswer(header.flow, this.location(at, false)));
        return;
      }
      case COMMAND_MSG.setParameters: {
        const items = readSetParameters(body);
        if (!items) return ok(RESULT.badMessage);
        for (const item of items) this.parameters.set(item.id, item.value);
        ok();
        // A new report interval applies from now on, as a terminal's timer would.
        if (this.driving) this.schedule();
        return;
      }
      case COMMAND_MSG.queryParameters: {
        const items = [...this.parameters].map(([id, value]) => ({ id, value }));
        this.send(COMMAND_MSG.parametersAnswer, writeParametersAnswer(header.flow, items));
        return;
      }
      case DRIVER_IDENTITY_MSG.request:
        // A card in the reader is reported; an empty reader is only acknowledged by this simulator
        // (a real one may report "removed", which starts CREW_MISMATCH's no-card clock on a loaded tanker).
        if (this.card) this.reportCard().catch(() => undefined);
        else ok();
        return;
      default:
        // Anything else the platform asks (0x8xxx) this terminal does not support.
        if (header.messageId & 0x8000) ok(RESULT.unsupported);
    }
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
    const card = this.card;
    const flow = this.send(
      DRIVER_IDENTITY_MSG.report,
      // A card holding a citizen id is reported with it (the 2019 layout, which the platform also
      // reads behind a 2013 header, as 2019 terminals that do not set the version flag send it).
      writeDriverIdentity(
        card ? { status: 'inserted', at, card } : { status: 'removed', at },
        card?.citizenId ? 2019 : this.edition,
      ),
    );
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.answersByFlow.delete(flow);
        reject(new Error('no answer to 0x702'));
      }, 10_000);
      this.answersByFlow.set(flow, (body) => {
        clearTimeout(timer);
        resolve(body);
      });
    });
    return answer[4]!;
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

  /** A location body as this terminal writes it: its clock, and its misbehaviour. */
  private location(p: Fix & { at?: Date; alarm?: number }, count: boolean): Buffer {
    const at = new Date((p.at ?? new Date()).getTime() + (this.misbehaviour.clockAheadMs ?? 0));
    const every = this.misbehaviour.unlocatedAlarmEvery;
    if (count && every && ++this.reports % every === 0)
      // Emergency alarm, status bit 1 (located) clear: the fix fields are whatever the receiver last had.
      return writeLocation({ ...p, at, alarm: (p.alarm ?? 0) | 0x01, status: 0 });
    return writeLocation({ ...p, at });
  }

  report(p: Fix & { at: Date; alarm?: number }): void {
    this.last = p;
    const flow = this.send(MSG.location, this.location(p, true));
    this.sentAt.set(flow, Date.now());
    this.sent++;
  }

  /** Reports `next()` every report interval (0x0029) until closed; a new interval takes effect at once. */
  drive(next: () => Fix): void {
    this.driving = { next, timer: null };
    this.schedule();
  }

  private schedule(): void {
    const d = this.driving;
    if (!d) return;
    if (d.timer) clearTimeout(d.timer);
    d.timer = setTimeout(() => {
      this.report({ ...d.next(), at: new Date() });
      this.schedule();
    }, this.reportIntervalS * 1000);
  }

  close(): void {
    if (this.driving?.timer) clearTimeout(this.driving.timer);
    this.driving = null;
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
