import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@lib/platform';
import { TerminalBindingService } from '@lib/registry';
import { type LiveSession, TerminalSessionsRepository } from './terminal-sessions.repository.js';

/** What the session table needs of a connection: its id, and a way to end it. */
export interface SessionHandle {
  readonly connectionId: string;
  readonly remoteAddress: string | null;
  /** Ends the connection (taken over, or its registration reset or unbound). */
  end(reason: 'taken_over' | 'registration_ended'): void;
}

/**
 * One live session per terminal, across every gateway process. An authentication with the valid
 * code takes the session over: the row in `terminal_sessions` names the new holder, a holder in
 * this process is closed at once, and a holder in another process sees on its next renewal (every
 * JT808_SESSION_CHECK_MS) that the row is no longer its own and closes. A renewal also closes
 * sessions whose registration was reset or unbound by transport. Rows a process stops renewing
 * (it crashed) stop counting as live after three intervals.
 */
@Injectable()
export class TerminalSessions {
  private readonly log = new Logger('Jt808Sessions');
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly local = new Map<string, { handle: SessionHandle; registration: string }>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly sessions: TerminalSessionsRepository,
    private readonly bindings: TerminalBindingService,
    private readonly config: AppConfig,
  ) {}

  private get freshMs(): number {
    return this.config.jt808.sessionCheckMs * 3;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.config.jt808.sessionCheckMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
  }

  /** Makes this connection the terminal's session; ends any other holder in this process. */
  async claim(terminalId: string, vehicleId: string, registration: string, handle: SessionHandle): Promise<void> {
    await this.sessions.claim({
      terminalId,
      vehicleId,
      instanceId: this.instanceId,
      connectionId: handle.connectionId,
      remoteAddress: handle.remoteAddress,
    });
    const before = this.local.get(terminalId);
    this.local.set(terminalId, { handle, registration });
    if (before && before.handle.connectionId !== handle.connectionId) before.handle.end('taken_over');
  }

  async release(terminalId: string, handle: SessionHandle): Promise<void> {
    if (this.local.get(terminalId)?.handle.connectionId === handle.connectionId) this.local.delete(terminalId);
    await this.sessions.release(terminalId, handle.connectionId);
  }

  live(terminalId: string): Promise<LiveSession | null> {
    return this.sessions.live(terminalId, this.freshMs);
  }

  /** Renews this process's sessions and ends those it no longer holds. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce()
      .catch((err: unknown) => this.log.warn(`session check failed: ${String(err)}`))
      .finally(() => (this.checking = null));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    // Taken before the queries: a session claimed meanwhile is judged at the next check.
    const snapshot = [...this.local];
    if (snapshot.length === 0) return;
    const held = await this.sessions.renew(this.instanceId);
    const registrations = await this.bindings.registrationsOf(snapshot.map(([t]) => t));
    for (const [terminalId, s] of snapshot) {
      if (this.local.get(terminalId) !== s) continue;
      const reason =
        held.get(terminalId) !== s.handle.connectionId
          ? 'taken_over'
          : registrations.get(terminalId) !== s.registration
            ? 'registration_ended'
            : null;
      if (!reason) continue;
      this.local.delete(terminalId);
      if (reason === 'registration_ended') await this.sessions.release(terminalId, s.handle.connectionId);
      s.handle.end(reason);
    }
  }
}
