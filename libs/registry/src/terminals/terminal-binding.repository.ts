import { Injectable } from '@nestjs/common';
import { Database, uuid7 } from '@lib/platform';

export interface TerminalBinding {
  id: string;
  terminalId: string;
  vehicleId: string;
  makerId: string | null;
  model: string | null;
  simNumber: string | null;
  plateColour: number;
  installedAt: Date | null;
  boundAt: Date;
  boundBy: string;
  authCodeHash: string | null;
  registeredAt: Date | null;
  unboundAt: Date | null;
}

export type BindingEventKind = 'bound' | 'unbound' | 'reset' | 'registered';

export interface BindingEvent {
  id: string;
  bindingId: string;
  kind: BindingEventKind;
  at: Date;
  by: string;
  byKeyId: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
}

interface Row {
  id: string;
  terminal_id: string;
  vehicle_id: string;
  maker_id: string | null;
  model: string | null;
  sim_number: string | null;
  plate_colour: number;
  installed_at: Date | string | null;
  bound_at: Date | string;
  bound_by: string;
  auth_code_hash: string | null;
  registered_at: Date | string | null;
  unbound_at: Date | string | null;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

const toBinding = (r: Row): TerminalBinding => ({
  id: r.id,
  terminalId: r.terminal_id,
  vehicleId: r.vehicle_id,
  makerId: r.maker_id,
  model: r.model,
  simNumber: r.sim_number,
  plateColour: Number(r.plate_colour),
  installedAt: date(r.installed_at),
  boundAt: date(r.bound_at)!,
  boundBy: r.bound_by,
  authCodeHash: r.auth_code_hash,
  registeredAt: date(r.registered_at),
  unboundAt: date(r.unbound_at),
});

/** Terminal bindings and their history (SQL by hand: small tables, partial unique indexes). */
@Injectable()
export class TerminalBindingRepository {
  constructor(private readonly db: Database) {}

  async byId(id: string): Promise<TerminalBinding | null> {
    const rows = await this.db.query<Row>('SELECT * FROM terminal_bindings WHERE id = $1', [id]);
    return rows[0] ? toBinding(rows[0]) : null;
  }

  /** The terminal's active binding; locked for the caller's transaction when `lock`. */
  async active(terminalId: string, lock = false): Promise<TerminalBinding | null> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM terminal_bindings WHERE terminal_id = $1 AND unbound_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
      [terminalId],
    );
    return rows[0] ? toBinding(rows[0]) : null;
  }

  async activeOfVehicle(vehicleId: string, lock = false): Promise<TerminalBinding | null> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM terminal_bindings WHERE vehicle_id = $1 AND unbound_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
      [vehicleId],
    );
    return rows[0] ? toBinding(rows[0]) : null;
  }

  /** The plate colour (JT/T 808 code) each vehicle's active binding records; vehicles without one are absent. */
  async plateColours(vehicleIds: string[]): Promise<Map<string, number>> {
    if (vehicleIds.length === 0) return new Map();
    const rows = await this.db.query<{ vehicle_id: string; plate_colour: number }>(
      'SELECT vehicle_id, plate_colour FROM terminal_bindings WHERE vehicle_id = ANY($1::uuid[]) AND unbound_at IS NULL',
      [vehicleIds],
    );
    return new Map(rows.map((r) => [r.vehicle_id, Number(r.plate_colour)]));
  }

  /** Registration state of these terminals' active bindings (terminal → binding id and registration instant). */
  async registrations(terminalIds: string[]): Promise<Map<string, { bindingId: string; registeredAt: Date | null }>> {
    if (terminalIds.length === 0) return new Map();
    const rows = await this.db.query<{ terminal_id: string; id: string; registered_at: Date | string | null }>(
      'SELECT terminal_id, id, registered_at FROM terminal_bindings WHERE terminal_id = ANY($1) AND unbound_at IS NULL',
      [terminalIds],
    );
    return new Map(rows.map((r) => [r.terminal_id, { bindingId: r.id, registeredAt: date(r.registered_at) }]));
  }

  async insert(b: Omit<TerminalBinding, 'authCodeHash' | 'registeredAt' | 'unboundAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO terminal_bindings (id, terminal_id, vehicle_id, maker_id, model, sim_number, plate_colour, installed_at, bound_at, bound_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        b.id,
        b.terminalId,
        b.vehicleId,
        b.makerId,
        b.model,
        b.simNumber,
        b.plateColour,
        b.installedAt,
        b.boundAt,
        b.boundBy,
      ],
    );
  }

  async end(id: string, at: Date): Promise<void> {
    await this.db.query('UPDATE terminal_bindings SET unbound_at = $2 WHERE id = $1', [id, at]);
  }

  /** Records a registration (hash and instant; the maker and model when the binding had none), or clears it (reset). */
  async setRegistration(
    id: string,
    registration: { hash: string; at: Date; makerId: string; model: string } | null,
  ): Promise<void> {
    if (!registration)
      await this.db.query('UPDATE terminal_bindings SET auth_code_hash = NULL, registered_at = NULL WHERE id = $1', [
        id,
      ]);
    else
      await this.db.query(
        `UPDATE terminal_bindings SET auth_code_hash = $2, registered_at = $3, maker_id = COALESCE(maker_id, $4),
           model = COALESCE(model, $5) WHERE id = $1`,
        [id, registration.hash, registration.at, registration.makerId, registration.model],
      );
  }

  async addEvent(e: Omit<BindingEvent, 'id'>): Promise<void> {
    await this.db.query(
      `INSERT INTO terminal_binding_events (id, binding_id, kind, at, by, by_key_id, reason, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [uuid7(), e.bindingId, e.kind, e.at, e.by, e.byKeyId, e.reason, JSON.stringify(e.detail)],
    );
  }

  /** Bindings (newest first by id), optionally of one carrier's vehicles only. */
  async list(f: {
    vehicleId?: string;
    terminalId?: string;
    carrierId?: string | null;
    includeEnded: boolean;
    after: string | null;
    limit: number;
  }): Promise<TerminalBinding[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.vehicleId) add('b.vehicle_id = ?', f.vehicleId);
    if (f.terminalId) add('b.terminal_id = ?', f.terminalId);
    if (f.carrierId) add('v.carrier_id = ?', f.carrierId);
    if (!f.includeEnded) where.push('b.unbound_at IS NULL');
    if (f.after) add('b.id < ?', f.after);
    params.push(f.limit);
    const rows = await this.db.query<Row>(
      `SELECT b.* FROM terminal_bindings b JOIN vehicles v ON v.id = b.vehicle_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY b.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toBinding);
  }

  async events(bindingIds: string[]): Promise<BindingEvent[]> {
    if (bindingIds.length === 0) return [];
    const rows = await this.db.query<{
      id: string;
      binding_id: string;
      kind: BindingEventKind;
      at: Date | string;
      by: string;
      by_key_id: string | null;
      reason: string | null;
      detail: Record<string, unknown> | string;
    }>('SELECT * FROM terminal_binding_events WHERE binding_id = ANY($1) ORDER BY at, id', [bindingIds]);
    return rows.map((r) => ({
      id: r.id,
      bindingId: r.binding_id,
      kind: r.kind,
      at: new Date(r.at),
      by: r.by,
      byKeyId: r.by_key_id,
      reason: r.reason,
      detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
    }));
  }
}
