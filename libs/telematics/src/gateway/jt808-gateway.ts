import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import {
  decodeFrame,
  type Decoded,
  encodeFrame,
  FrameSplitter,
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
import { canonicalTerminalId, RegistryLookup } from '@lib/registry';
import type { IncomingFix } from '../fixes/fix.js';
import { IngestService } from '../fixes/ingest.service.js';
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
 * 0x0100 registration (an HMAC of terminal and vehicle, so any gateway process can check it).
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
    private readonly registry: RegistryLookup,
    private readonly config: AppConfig,
    readonly waybillReports: WaybillReportsService,
  ) {}

  /** Starts listening; answers the port (useful with port 0). */
  async listen(port = this.config.jt808.port, host = '0.0.0.0'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.config.jt808.maxConnections;
    server.on('drop', () => this.stats.refused++);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
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
    await this.flush();
  }

  authCode(phone: string, vehicleId: string): string {
    return createHmac('sha256', this.config.jt808.authSecret)
      .update(`${phone}|${vehicleId}`)
      .digest('base64url')
      .slice(0, 16);
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    this.stats.connections++;
    const session = new Session(this, socket, this.config.jt808.idleMs);
    socket.on('data', (chunk: Buffer) => session.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.stats.connections--;
      session.close();
    });
  }

  /** What a session needs from the platform. */
  async vehicleOf(phone: string): Promise<{ id: string } | null> {
    const terminal = canonicalTerminalId(phone);
    return terminal ? this.registry.vehicleByTerminal(terminal) : null;
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
class Session {
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
    this.idle = setTimeout(() => socket.destroy(), idleMs);
    this.sweeper = setInterval(() => this.askMissing(), 5000);
  }

  receive(chunk: Buffer): void {
    this.idle.refresh();
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
  }

  /** Who this connection is: taken from its first frame that passed the check code, and kept. */
  private identity: Pick<Decoded['header'], 'edition' | 'phone' | 'protocolVersion'> | null = null;

  private send(messageId: number, body: Buffer): void {
    const id = this.identity;
    if (this.closed || !id) return;
    this.flow = (this.flow + 1) & 0xffff;
    this.socket.write(
      encodeFrame(
        { messageId, edition: id.edition, phone: id.phone, flow: this.flow, protocolVersion: id.protocolVersion ?? 1 },
        body,
      ),
    );
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
      // A frame whose check code is wrong is answered "message wrong" (§8.2) and goes no further.
      if (d.header && this.identity) this.reply(d.header.flow, d.header.messageId, RESULT.badMessage);
      return;
    }
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
        const vehicle = reg ? await this.gateway.vehicleOf(phone) : null;
        if (!vehicle) {
          this.send(MSG.registerResponse, registerResponse(flow, REGISTER_RESULT.noTerminal, null));
          return;
        }
        this.send(
          MSG.registerResponse,
          registerResponse(flow, REGISTER_RESULT.ok, this.gateway.authCode(phone, vehicle.id)),
        );
        return;
      }
      case MSG.authenticate: {
        const auth = readAuthentication(m.body, edition);
        const vehicle = auth ? await this.gateway.vehicleOf(phone) : null;
        const expected = vehicle ? Buffer.from(this.gateway.authCode(phone, vehicle.id)) : null;
        const given = Buffer.from(auth?.code ?? '');
        const ok = expected !== null && given.length === expected.length && timingSafeEqual(given, expected);
        this.vehicleId = ok ? vehicle!.id : null;
        this.reply(flow, messageId, ok ? RESULT.ok : RESULT.failure);
        return;
      }
      case MSG.terminalResponse:
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
