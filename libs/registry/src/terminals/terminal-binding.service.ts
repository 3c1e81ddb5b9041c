import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Conflict,
  Database,
  describePrincipal,
  NotFound,
  type Page,
  pageById,
  type Principal,
  RulesViolated,
  uuid7,
} from '@lib/platform';
import { assertReadable, ownerFilter } from '../access.js';
import { canonicalTerminalId } from '../identifiers/terminal-id.js';
import { VehicleRepository } from '../vehicles/vehicle.repository.js';
import { checkRegistration, type RegistrationClaim, type RegistrationOutcome } from './registration-check.js';
import type { BindTerminalDto, TerminalBindingQuery, TerminalBindingView } from './terminal-binding.dto.js';
import { type BindingEvent, type TerminalBinding, TerminalBindingRepository } from './terminal-binding.repository.js';

/** Who changed a binding, as its history names them. */
export interface BindingActor {
  by: string;
  keyId: string | null;
}

export const actorOf = (p: Principal): BindingActor => ({ by: describePrincipal(p), keyId: p.keyId });

/** A registration's answer for the gateway: the code only when accepted. */
export type RegistrationAnswer =
  | { outcome: 'ok'; code: string; vehicleId: string }
  | { outcome: Exclude<RegistrationOutcome, 'ok'>; why: string; vehicleId: string | null; plate: string | null };

function toView(b: TerminalBinding, events: BindingEvent[]): TerminalBindingView {
  return {
    id: b.id,
    terminalId: b.terminalId,
    vehicleId: b.vehicleId,
    makerId: b.makerId,
    model: b.model,
    simNumber: b.simNumber,
    plateColour: b.plateColour,
    installedAt: b.installedAt?.toISOString() ?? null,
    boundAt: b.boundAt.toISOString(),
    registeredAt: b.registeredAt?.toISOString() ?? null,
    unboundAt: b.unboundAt?.toISOString() ?? null,
    history: events
      .filter((e) => e.bindingId === b.id)
      .map((e) => ({ kind: e.kind, at: e.at.toISOString(), by: e.by, reason: e.reason, detail: e.detail })),
  };
}

/**
 * Terminal binding (终端绑定): which JT/T 808 terminal speaks for which vehicle. The transport
 * bureau binds, unbinds and resets; the binding is the one source of truth and
 * `vehicles.terminal_id` its copy, written here only (a vehicle's terminal set through the vehicle
 * record, or confirmed from a carrier's filing, becomes a binding through syncFromVehicle).
 * Registration hands out a random code stored only as its HMAC; a new one needs a reset.
 */
@Injectable()
export class TerminalBindingService {
  constructor(
    private readonly db: Database,
    private readonly bindings: TerminalBindingRepository,
    private readonly vehicles: VehicleRepository,
    private readonly config: AppConfig,
  ) {}

  private terminal(value: string): string {
    const t = canonicalTerminalId(value);
    if (!t) throw new NotFound('terminal binding', value);
    return t;
  }

  async bind(dto: BindTerminalDto, principal: Principal): Promise<TerminalBindingView> {
    const terminalId = canonicalTerminalId(dto.terminalId)!;
    const id = await this.db.transaction(async () => {
      const vehicle = await this.vehicles.findForUpdate(dto.vehicleId);
      if (!vehicle) throw new NotFound('vehicle', dto.vehicleId);
      if (vehicle.kind === 'trailer')
        throw new RulesViolated([
          {
            path: 'vehicleId',
            rule: 'TRAILER_TERMINAL',
            message: 'a trailer has no terminal of its own; bind the tractor',
          },
        ]);
      const held = await this.bindings.active(terminalId, true);
      if (held && held.vehicleId !== vehicle.id)
        throw new Conflict('TERMINAL_BOUND', `terminal ${terminalId} is bound to another vehicle; unbind it first`, {
          errors: [{ path: 'terminalId', rule: 'TERMINAL_BOUND', message: 'bound to another vehicle' }],
        });
      const current = await this.bindings.activeOfVehicle(vehicle.id, true);
      if (current && current.terminalId !== terminalId)
        throw new Conflict(
          'VEHICLE_HAS_TERMINAL',
          `vehicle ${vehicle.plate} has terminal ${current.terminalId}; unbind it first`,
          {
            errors: [{ path: 'vehicleId', rule: 'VEHICLE_HAS_TERMINAL', message: `bound to ${current.terminalId}` }],
          },
        );
      const actor = actorOf(principal);
      const now = new Date();
      // Binding the same terminal again replaces its details; the terminal then registers again.
      if (current) await this.endBinding(current, actor, 'bound again with new details', now);
      const binding = {
        id: uuid7(),
        terminalId,
        vehicleId: vehicle.id,
        makerId: dto.makerId,
        model: dto.model ?? null,
        simNumber: dto.simNumber ?? null,
        plateColour: dto.plateColour ?? 2,
        installedAt: dto.installedAt ? new Date(dto.installedAt) : null,
        boundAt: now,
        boundBy: actor.by,
      };
      await this.bindings.insert(binding);
      await this.record(binding.id, 'bound', actor, dto.reason ?? null, {
        vehicleId: vehicle.id,
        makerId: binding.makerId,
        model: binding.model,
        simNumber: binding.simNumber,
        plateColour: binding.plateColour,
        installedAt: binding.installedAt?.toISOString() ?? null,
      });
      if (vehicle.terminalId !== terminalId) await this.vehicles.update(vehicle.id, { terminalId });
      return binding.id;
    });
    return this.view(id);
  }

  async unbind(terminal: string, reason: string, principal: Principal): Promise<TerminalBindingView> {
    const terminalId = this.terminal(terminal);
    const id = await this.db.transaction(async () => {
      const b = await this.bindings.active(terminalId, true);
      if (!b) throw new NotFound('terminal binding', terminalId);
      await this.endBinding(b, actorOf(principal), reason, new Date());
      await this.vehicles.update(b.vehicleId, { terminalId: null });
      return b.id;
    });
    return this.view(id);
  }

  /** Allows the terminal to register again: its code stops working (and its live session with it). */
  async reset(terminal: string, reason: string, principal: Principal): Promise<TerminalBindingView> {
    const terminalId = this.terminal(terminal);
    const id = await this.db.transaction(async () => {
      const b = await this.bindings.active(terminalId, true);
      if (!b) throw new NotFound('terminal binding', terminalId);
      await this.bindings.setRegistration(b.id, null);
      await this.record(b.id, 'reset', actorOf(principal), reason, {
        wasRegisteredAt: b.registeredAt?.toISOString() ?? null,
      });
      return b.id;
    });
    return this.view(id);
  }

  async list(q: TerminalBindingQuery, principal: Principal): Promise<Page<TerminalBindingView>> {
    const page = await pageById(q, (window) =>
      this.bindings.list({
        vehicleId: q.vehicleId,
        terminalId: q.terminalId ? (canonicalTerminalId(q.terminalId) ?? q.terminalId) : undefined,
        carrierId: ownerFilter(principal),
        includeEnded: q.includeEnded ?? false,
        ...window,
      }),
    );
    const events = await this.bindings.events(page.items.map((b) => b.id));
    return { items: page.items.map((b) => toView(b, events)), nextCursor: page.nextCursor };
  }

  async get(terminal: string, principal: Principal): Promise<TerminalBindingView> {
    const terminalId = this.terminal(terminal);
    const b = await this.bindings.active(terminalId);
    const vehicle = b ? await this.vehicles.findById(b.vehicleId) : null;
    if (!b || !vehicle) throw new NotFound('terminal binding', terminalId);
    assertReadable(principal, vehicle.carrierId, 'terminal binding', terminalId);
    return toView(b, await this.bindings.events([b.id]));
  }

  private async view(id: string): Promise<TerminalBindingView> {
    return toView((await this.bindings.byId(id))!, await this.bindings.events([id]));
  }

  /**
   * Keeps the binding in step with a vehicle's terminal written through the vehicle record (admin
   * or transport registering or changing a vehicle, or confirming a carrier's filing), inside the
   * caller's transaction, after the vehicle row was written. Such a binding names no maker: no
   * terminal can register until transport binds it with its maker (POST /v1/terminal-bindings).
   */
  async syncFromVehicle(
    vehicleId: string,
    terminalId: string | null,
    actor: BindingActor,
    reason: string | null,
  ): Promise<void> {
    const current = await this.bindings.activeOfVehicle(vehicleId, true);
    if ((current?.terminalId ?? null) === terminalId) return;
    const now = new Date();
    if (current) await this.endBinding(current, actor, reason ?? 'terminal changed on the vehicle record', now);
    if (!terminalId) return;
    const id = uuid7();
    await this.bindings.insert({
      id,
      terminalId,
      vehicleId,
      makerId: null,
      model: null,
      simNumber: null,
      plateColour: 2,
      installedAt: null,
      boundAt: now,
      boundBy: actor.by,
    });
    await this.record(id, 'bound', actor, reason ?? 'terminal set on the vehicle record', { vehicleId, makerId: null });
  }

  /**
   * A terminal's registration (JT/T 808 0x0100), checked against its binding. Accepted: a new
   * random code, whose HMAC replaces any earlier one. Refused: why, and the bound vehicle if any.
   */
  async register(
    terminal: string,
    claim: RegistrationClaim,
    meta: { remoteAddress: string | null },
  ): Promise<RegistrationAnswer> {
    const terminalId = canonicalTerminalId(terminal);
    if (!terminalId) return { outcome: 'no_terminal', why: 'not a terminal number', vehicleId: null, plate: null };
    return this.db.transaction(async () => {
      const b = await this.bindings.active(terminalId, true);
      const vehicle = b ? await this.vehicles.findById(b.vehicleId) : null;
      const { outcome, why } = checkRegistration(
        b && { makerId: b.makerId, plateColour: b.plateColour, registered: b.registeredAt !== null },
        vehicle,
        claim,
      );
      if (outcome !== 'ok') return { outcome, why, vehicleId: vehicle?.id ?? null, plate: vehicle?.plate ?? null };
      const code = randomBytes(12).toString('base64url');
      const at = new Date();
      await this.bindings.setRegistration(b!.id, {
        hash: this.hash(code),
        at,
        makerId: claim.makerId,
        model: claim.model,
      });
      await this.record(b!.id, 'registered', { by: 'terminal', keyId: null }, null, {
        makerId: claim.makerId,
        model: claim.model,
        plate: claim.plate,
        plateColour: claim.plateColour,
        remoteAddress: meta.remoteAddress,
      });
      return { outcome: 'ok', code, vehicleId: vehicle!.id };
    });
  }

  /**
   * The vehicle a terminal's code (0x0102) opens, or null. `registration` names the registration
   * the code belongs to: a session lasts while it stays the terminal's (registrationsOf).
   */
  async authenticate(terminal: string, code: string): Promise<{ vehicleId: string; registration: string } | null> {
    const terminalId = canonicalTerminalId(terminal);
    const b = terminalId ? await this.bindings.active(terminalId) : null;
    if (!b?.authCodeHash || !b.registeredAt) return null;
    const given = Buffer.from(this.hash(code), 'hex');
    const stored = Buffer.from(b.authCodeHash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
    return { vehicleId: b.vehicleId, registration: registrationToken({ id: b.id, registeredAt: b.registeredAt }) };
  }

  /** The current registration of each terminal (absent: unbound or reset), to end sessions opened under an older one. */
  async registrationsOf(terminalIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const [t, r] of await this.bindings.registrations(terminalIds))
      if (r.registeredAt) out.set(t, registrationToken({ id: r.bindingId, registeredAt: r.registeredAt }));
    return out;
  }

  private hash(code: string): string {
    return createHmac('sha256', this.config.jt808.authSecret).update(code, 'latin1').digest('hex');
  }

  private async endBinding(b: TerminalBinding, actor: BindingActor, reason: string | null, at: Date): Promise<void> {
    await this.bindings.end(b.id, at);
    await this.record(b.id, 'unbound', actor, reason, { vehicleId: b.vehicleId });
  }

  private record(
    bindingId: string,
    kind: BindingEvent['kind'],
    actor: BindingActor,
    reason: string | null,
    detail: Record<string, unknown>,
  ): Promise<void> {
    return this.bindings.addEvent({
      bindingId,
      kind,
      at: new Date(),
      by: actor.by,
      byKeyId: actor.keyId,
      reason,
      detail,
    });
  }
}

const registrationToken = (b: { id: string; registeredAt: Date }): string => `${b.id}@${b.registeredAt.toISOString()}`;
