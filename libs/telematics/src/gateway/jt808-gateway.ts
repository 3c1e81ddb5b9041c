import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import {
  COMMAND_MSG,
  decodeFrame,
  type Decoded,
  DRIVER_IDENTITY_MSG,
  driverIdentityRequest,
  encodeFrame,
  FrameSplitter,
  type Header,
  type Location,
  MSG,
  platformResponse,
  readAuthentication,
  readBatch,
  readLocation,
  readRegistration,
  Reassembler,
  REGISTER_RESULT,
  registerResponse,
  resendRequest,
  RESULT,
  WAYBILL_REPORT,
} from '@lib/jt808';
import { AppConfig } from '@lib/platform';
import type { IncomingFix } from '../fixes/fix.js';
import { IngestService } from '../fixes/ingest.service.js';
import { DriverCardsService } from '../crew/driver-cards.service.js';
import { onDriverIdentity } from './driver-identity.js';
import { TerminalCommandRelay, type TerminalLink } from './terminal-commands.js';
import { type Refusal, TerminalAdmission } from './terminal-admission.js';
import type { SessionHandle } from './terminal-sessions.js';
import { WaybillReportsService } from '../waybill-reports/waybill-reports.service.js';
import { toIncomingFixes } from './reports.js';
import { answerWaybillReport } from './waybill-report.js';

const MAX_FRAME_BYTES = 4096;
const BATCH_MS = 50;
const BATCH_FIXES = 2000;
/** Frames waiting for their turn on one connection before it is paused (back-pressure). */
const MAX_QUEUED_FRAMES = 256;

export interface GatewayStats {
  connections: number;
  refused: number;
  frames: number;
  badFrames: number;
  positions: number;
  unauthenticated: number;
}

/**
 * The JT/T 808 gateway (TCP): one session per connection, frames decoded by the pure codec,
 * answered as the standard says, and locations fed into the same ingest path as the HTTP API.
 * A session is tied to its vehicle only after 0x0102 authentication with the code handed out at
 * 0x0100 registration against the terminal's binding (TerminalAdmission: random codes, one live
 * session per terminal across processes, per-address limits).
 * Each connection's frames are handled in order; a connection that sends faster than it is
 * served is paused, so one hostile client cannot stall the others.
 */
@Injectable()
export class Jt808Gateway implements BeforeApplicationShutdown {
  private readonly log = new Logger('Jt808');
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  readonly stats: GatewayStats = {
    connections: 0,
    refused: 0,
    frames: 0,
    badFrames: 0,
    positions: 0,
    unauthenticated: 0,
  };

  constructor(
    private readonly ingest: IngestService,
    readonly admission: TerminalAdmission,
    readonly config: AppConfig,
    readonly driverCards: DriverCardsService,
    readonly commands: TerminalCommandRelay,
    readonly waybillReports: WaybillReportsService,
  ) {}

  /** Starts listening; answers the port (useful with port 0). */
  async listen(port = this.config.jt808.port, host = '0.0.0.0'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.config.jt808.maxConnections;
    server.on('drop', () => {
      this.stats.refused++;
      this.admission.refused('connection_limit');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.admission.sessions.start();
    const actual = (server.address() as { port: number }).port;
    this.log.log(`JT/T 808 gateway listening on ${host}:${actual}`);
    return actual;
  }

  /** Before the queue and the database close: stop taking connections, write what is batched. */
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
    await this.admission.sessions.stop();
    await this.flush();
  }

  private accept(socket: Socket): void {
    // At most JT808_MAX_PER_ADDRESS from one address, so that one address cannot fill the gateway.
    const address = socket.remoteAddress ?? '';
    if (!this.admission.admit(address)) {
      this.stats.refused++;
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    this.stats.connections++;
    const session = new Session(this, socket, this.config.jt808.idleMs);
    socket.on('data', (chunk: Buffer) => session.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.admission.release(address);
      this.sockets.delete(socket);
      this.stats.connections--;
      session.close();
    });
  }

  /**
   * Stores a terminal's reports through the one ingest path; answers how many were refused by its
   * checks (the session answers result 2 then). Reports without a GNSS position are stored too,
   * flagged, for their alarm bits (see reports.ts).
   */
  async store(vehicleId: string, locations: Location[], late: boolean): Promise<{ refused: number }> {
    const fixes = toIncomingFixes(vehicleId, locations, late);
    if (fixes.length === 0) return { refused: 0 };
    const refused = await this.batched(fixes);
    this.stats.positions += fixes.length - refused;
    return { refused };
  }

  // Fixes from all connections are written together: one insert and one stream append per batch
  // (at most BATCH_MS apart or BATCH_FIXES long); each terminal is answered once its batch is stored.
  private batch: IncomingFix[] = [];
  private waiters: Array<{
    from: number;
    to: number;
    resolve: (refused: number) => void;
    reject: (e: unknown) => void;
  }> = [];
  private flushTimer: NodeJS.Timeout | null = null;

  private batched(fixes: IncomingFix[]): Promise<number> {
    return new Promise((resolve, reject) => {
      const from = this.batch.length;
      this.batch.push(...fixes);
      this.waiters.push({ from, to: this.batch.length, resolve, reject });
      if (this.batch.length >= BATCH_FIXES) void this.flush();
      else this.flushTimer ??= setTimeout(() => void this.flush(), BATCH_MS);
    });
  }

  private async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const [fixes, waiters] = [this.batch, this.waiters];
    this.batch = [];
    this.waiters = [];
    if (fixes.length === 0) return;
    try {
      const { refused } = await this.ingest.ingest(fixes, 'jt808');
      for (const w of waiters) w.resolve(refused.filter((r) => r.index >= w.from && r.index < w.to).length);
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}

/** One terminal connection. */
class Session implements SessionHandle {
  readonly connectionId = randomUUID();
  readonly remoteAddress: string | null;
  /** The terminal whose live session this connection holds (after authentication). */
  private terminalId: string | null = null;
  private badInRow = 0;
  private readonly splitter = new FrameSplitter(MAX_FRAME_BYTES);
  private readonly reassembler = new Reassembler(10_000);
  private vehicleId: string | null = null;
  private flow = 0;
  private queued = 0;
  private chain: Promise<void> = Promise.resolve();
  private idle: NodeJS.Timeout;
  private sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly gateway: Jt808Gateway,
    private readonly socket: Socket,
    private readonly idleMs: number,
  ) {
    this.remoteAddress = socket.remoteAddress ?? null;
    // Until it authenticates a connection has JT808_AUTH_TIMEOUT_S, whatever it sends meanwhile.
    this.idle = setTimeout(() => {
      gateway.admission.refused('auth_timeout');
      socket.destroy();
    }, gateway.config.jt808.authTimeoutMs);
    this.sweeper = setInterval(() => this.askMissing(), 5000);
  }

  receive(chunk: Buffer): void {
    if (this.vehicleId) this.idle.refresh();
    for (const frame of this.splitter.push(chunk)) {
      this.queued++;
      if (this.queued > MAX_QUEUED_FRAMES) this.socket.pause();
      this.chain = this.chain
        .then(() => this.handle(frame))
        .catch(() => this.reply(0, 0, RESULT.failure))
        .finally(() => {
          this.queued--;
          if (this.queued <= MAX_QUEUED_FRAMES / 2 && this.socket.isPaused()) this.socket.resume();
        });
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.idle);
    clearInterval(this.sweeper);
    this.goOffline();
    if (this.terminalId) void this.gateway.admission.sessions.release(this.terminalId, this).catch(() => undefined);
  }

  /** Ends this connection: another connection took the terminal's session, or transport reset or unbound it. */
  end(reason: Refusal & ('taken_over' | 'registration_ended')): void {
    this.gateway.admission.refused(reason);
    this.goOffline();
    this.vehicleId = null;
    this.terminalId = null;
    this.socket.destroy();
  }

  /** Answers a frame whose header's terminal number is not BCD: result 2, the number echoed as it came. */
  private answerUnreadable(h: Header): void {
    if (this.closed) return;
    this.flow = (this.flow + 1) & 0xffff;
    this.socket.write(
      encodeFrame(
        {
          messageId: MSG.platformResponse,
          edition: h.edition,
          phone: h.phone,
          flow: this.flow,
          protocolVersion: h.protocolVersion ?? 1,
          echoPhone: true,
        },
        platformResponse(h.flow, h.messageId, RESULT.badMessage),
      ),
    );
  }

  /** Counts a bad frame; a connection sending JT808_MAX_BAD_FRAMES in a row is closed. */
  private badFrame(): void {
    if (++this.badInRow < this.gateway.config.jt808.maxBadFramesInRow) return;
    this.gateway.admission.refused('bad_frames');
    this.goOffline();
    this.vehicleId = null;
    this.socket.destroy();
  }

  /** Commands for this vehicle are no longer sent through this connection. */
  private goOffline(): void {
    if (this.vehicleId) this.gateway.commands.offline(this.vehicleId, this.link);
  }

  /** This connection as the command relay sees it (terminal-commands.ts). */
  private readonly link: TerminalLink = {
    edition: () => this.identity?.edition ?? 2013,
    send: (messageId, body) => this.send(messageId, body),
  };

  /** Who this connection is: taken from its first frame that passed the check code, and kept. */
  private identity: Pick<Decoded['header'], 'edition' | 'phone' | 'protocolVersion'> | null = null;

  private send(messageId: number, body: Buffer): number | null {
    const id = this.identity;
    if (this.closed || !id) return null;
    this.flow = (this.flow + 1) & 0xffff;
    this.socket.write(
      encodeFrame(
        { messageId, edition: id.edition, phone: id.phone, flow: this.flow, protocolVersion: id.protocolVersion ?? 1 },
        body,
      ),
    );
    return this.flow;
  }

  private reply(flow: number, messageId: number, result: number): void {
    this.send(MSG.platformResponse, platformResponse(flow, messageId, result));
  }

  private askMissing(): void {
    for (const ask of this.reassembler.sweep())
      if (ask.missing.length)
        this.send(MSG.resendRequest, resendRequest(ask.firstFlow, ask.missing, this.identity?.edition ?? 2013));
  }

  private async handle(content: Buffer): Promise<void> {
    this.gateway.stats.frames++;
    const d = decodeFrame(content);
    if (!d.ok) {
      this.gateway.stats.badFrames++;
      if (d.error === 'BAD_TERMINAL_NUMBER' && d.header) {
        this.gateway.admission.refused('bad_terminal_number');
        this.answerUnreadable(d.header);
      }
      // A frame whose check code is wrong is answered "message wrong" (§8.2) and goes no further.
      else if (d.header && this.identity) this.reply(d.header.flow, d.header.messageId, RESULT.badMessage);
      this.badFrame();
      return;
    }
    this.badInRow = 0;
    let m: Decoded = d.message;
    if (!this.identity) this.identity = m.header;
    else if (m.header.phone !== this.identity.phone) {
      // One connection, one terminal: a frame for another terminal number is refused.
      this.reply(m.header.flow, m.header.messageId, RESULT.failure);
      return;
    }
    if (m.header.subpackaged) {
      const whole = this.reassembler.add(m);
      this.reply(m.header.flow, m.header.messageId, RESULT.ok);
      if (!whole) return;
      m = whole;
    }
    const { messageId, flow, edition, phone } = m.header;
    switch (messageId) {
      case MSG.register: {
        const reg = readRegistration(m.body, edition);
        if (!reg) {
          this.send(MSG.registerResponse, registerResponse(flow, REGISTER_RESULT.noTerminal, null));
          return;
        }
        const answer = await this.gateway.admission.register(phone, reg, this);
        if (!answer) return void this.socket.destroy();
        this.send(MSG.registerResponse, registerResponse(flow, answer.result, answer.code));
        return;
      }
      case MSG.authenticate: {
        const auth = readAuthentication(m.body, edition);
        const ok = auth && !this.closed ? await this.gateway.admission.authenticate(phone, auth.code, this) : null;
        if (this.vehicleId && this.vehicleId !== ok?.vehicleId) this.goOffline();
        if (this.terminalId && this.terminalId !== ok?.terminalId)
          await this.gateway.admission.sessions.release(this.terminalId, this);
        this.vehicleId = ok?.vehicleId ?? null;
        this.terminalId = ok?.terminalId ?? null;
        if (ok && this.closed) await this.gateway.admission.sessions.release(ok.terminalId, this);
        if (ok) {
          // Authenticated: from now on the connection lives while it is not silent for JT808_IDLE_S.
          clearTimeout(this.idle);
          this.idle = setTimeout(() => this.socket.destroy(), this.idleMs);
        }
        this.reply(flow, messageId, ok ? RESULT.ok : RESULT.failure);
        if (ok) {
          this.gateway.commands.online(ok.vehicleId, this.link);
          // Who is driving: ask for the card in the reader now (0x8702), not only at the next swipe.
          this.send(DRIVER_IDENTITY_MSG.request, driverIdentityRequest());
        }
        return;
      }
      case MSG.terminalResponse:
        // The terminal answering a command (0x8300, 0x8103, …): recorded on the command, never answered.
        if (this.vehicleId) await this.gateway.commands.answer(this.vehicleId, this.link, messageId, m.body);
        return;
      case MSG.logout:
        this.reply(flow, messageId, RESULT.ok);
        this.socket.end();
        return;
      default:
        break;
    }
    if (!this.vehicleId) {
      // Before authentication a terminal may only register or authenticate.
      this.gateway.stats.unauthenticated++;
      this.reply(flow, messageId, RESULT.failure);
      return;
    }
    if (messageId === MSG.heartbeat) return this.reply(flow, messageId, RESULT.ok);
    if (messageId === DRIVER_IDENTITY_MSG.report)
      return this.reply(
        flow,
        messageId,
        await onDriverIdentity(this.gateway.driverCards, this.vehicleId, m.body, edition),
      );
    if (messageId === COMMAND_MSG.positionAnswer || messageId === COMMAND_MSG.parametersAnswer) {
      await this.gateway.commands.answer(this.vehicleId, this.link, messageId, m.body);
      return;
    }
    if (messageId === MSG.location) {
      const loc = readLocation(m.body);
      if (!loc) return this.reply(flow, messageId, RESULT.badMessage);
      const { refused } = await this.gateway.store(this.vehicleId, [loc], false);
      return this.reply(flow, messageId, refused ? RESULT.badMessage : RESULT.ok);
    }
    if (messageId === MSG.batchLocation) {
      const batch = readBatch(m.body);
      if (!batch) return this.reply(flow, messageId, RESULT.badMessage);
      // One answer per message: result 2 when any item was refused (see reports.ts), the rest stored.
      const { refused } = await this.gateway.store(this.vehicleId, batch.locations, batch.blindArea);
      return this.reply(flow, messageId, refused ? RESULT.badMessage : RESULT.ok);
    }
    if (messageId === WAYBILL_REPORT)
      return this.reply(
        flow,
        messageId,
        await answerWaybillReport(this.gateway.waybillReports, this.vehicleId, { phone, flow }, m.body),
      );
    this.reply(flow, messageId, RESULT.unsupported);
  }
}
