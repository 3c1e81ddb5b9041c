import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { REGISTER_RESULT, type Registration } from '@lib/jt808';
import { AppConfig, Database, MetricsService, Outbox, uuidFromName } from '@lib/platform';
import { canonicalTerminalId, type RegistrationOutcome, TerminalBindingService } from '@lib/registry';
import { AddressLimits, RegistrationRate } from './connection-hygiene.js';
import { type SessionHandle, TerminalSessions } from './terminal-sessions.js';

/** Why the gateway refused or closed something (the `reason` label of jt808_refused_total). */
export type Refusal =
  | 'connection_limit'
  | 'address_limit'
  | 'auth_timeout'
  | 'registration_rate'
  | `registration_${Exclude<RegistrationOutcome, 'ok'>}`
  | 'terminal_conflict'
  | 'authentication_failed'
  | 'bad_terminal_number'
  | 'bad_frames'
  | 'taken_over'
  | 'registration_ended';

const RESULT_OF: Record<RegistrationOutcome, number> = {
  ok: REGISTER_RESULT.ok,
  vehicle_registered: REGISTER_RESULT.vehicleRegistered,
  no_vehicle: REGISTER_RESULT.noVehicle,
  terminal_registered: REGISTER_RESULT.terminalRegistered,
  no_terminal: REGISTER_RESULT.noTerminal,
};

/**
 * Who may speak for a vehicle through the JT/T 808 gateway: registration against the terminal's
 * binding (registry), authentication with its code, one live session per terminal, and the
 * connection limits. Kept out of the Session class so that the session stays about frames.
 */
@Injectable()
export class TerminalAdmission {
  private readonly log = new Logger('Jt808Admission');
  private readonly refusals: Counter<'reason'>;
  private readonly addresses: AddressLimits;
  private readonly registrations: RegistrationRate;

  constructor(
    private readonly bindings: TerminalBindingService,
    readonly sessions: TerminalSessions,
    private readonly db: Database,
    private readonly outbox: Outbox,
    config: AppConfig,
    metrics: MetricsService,
  ) {
    this.addresses = new AddressLimits(config.jt808.maxPerAddress);
    this.registrations = new RegistrationRate(config.jt808.registrationsPerMinute);
    this.refusals = new Counter({
      name: 'jt808_refused_total',
      help: 'JT/T 808 connections, registrations, authentications and frames refused (or connections closed), by reason',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
  }

  refused(reason: Refusal): void {
    this.refusals.inc({ reason });
  }

  /** A new connection from `address`: false when that address holds its share already. */
  admit(address: string): boolean {
    if (this.addresses.admit(address)) return true;
    this.refused('address_limit');
    return false;
  }

  release(address: string): void {
    this.addresses.release(address);
  }

  /**
   * 0x0100: the 0x8100 result and, when accepted, the new code. Null: the address registers too
   * often (the connection is closed unanswered).
   */
  async register(
    phone: string,
    reg: Registration,
    handle: SessionHandle,
  ): Promise<{ result: number; code: string | null } | null> {
    if (!this.registrations.take(handle.remoteAddress ?? '', Date.now())) {
      this.refused('registration_rate');
      return null;
    }
    const answer = await this.bindings.register(
      phone,
      { makerId: reg.maker, model: reg.model, plate: reg.plate, plateColour: reg.plateColour },
      { remoteAddress: handle.remoteAddress },
    );
    if (answer.outcome === 'ok') return { result: REGISTER_RESULT.ok, code: answer.code };
    this.refused(`registration_${answer.outcome}`);
    if (answer.outcome === 'terminal_registered' && answer.vehicleId)
      await this.conflict(phone, reg, { vehicleId: answer.vehicleId, plate: answer.plate }, handle);
    return { result: RESULT_OF[answer.outcome], code: null };
  }

  /**
   * A second device registering with the number of a terminal that holds a live session: counted,
   * and published to transport (at most once per terminal and minute, so a device retrying does
   * not flood the agency's feed).
   */
  private async conflict(
    phone: string,
    reg: Registration,
    answer: { vehicleId: string; plate: string | null },
    handle: SessionHandle,
  ): Promise<void> {
    const terminalId = canonicalTerminalId(phone);
    const live = terminalId ? await this.sessions.live(terminalId) : null;
    // The connection holding the session registering again (some terminals send 0x0100 at every
    // boot or reconnect) is refused, not a second device.
    if (!live || live.connectionId === handle.connectionId) return;
    this.refused('terminal_conflict');
    const now = new Date();
    await this.db.transaction(() =>
      this.outbox.append(
        'terminal.conflict',
        {
          terminalId: live.terminalId,
          vehicleId: answer.vehicleId,
          plate: answer.plate ?? undefined,
          at: now.toISOString(),
          remoteAddress: handle.remoteAddress,
          liveSince: live.since.toISOString(),
          claimed: { makerId: reg.maker, model: reg.model, plate: reg.plate, plateColour: reg.plateColour },
        },
        {
          id: uuidFromName(`terminal.conflict:${live.terminalId}:${Math.floor(now.getTime() / 60_000)}`),
          subjectId: answer.vehicleId,
          occurredAt: now,
        },
      ),
    );
    this.log.warn(`terminal ${live.terminalId}: a second device from ${handle.remoteAddress} tried to register`);
  }

  /** 0x0102: the vehicle the code opens (the session is then this connection's), or null. */
  async authenticate(
    phone: string,
    code: string,
    handle: SessionHandle,
  ): Promise<{ vehicleId: string; terminalId: string } | null> {
    const ok = await this.bindings.authenticate(phone, code);
    if (!ok) {
      this.refused('authentication_failed');
      return null;
    }
    const terminalId = canonicalTerminalId(phone)!;
    await this.sessions.claim(terminalId, ok.vehicleId, ok.registration, handle);
    return { vehicleId: ok.vehicleId, terminalId };
  }
}
