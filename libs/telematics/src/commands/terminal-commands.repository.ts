import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import type { CommandAnswer, CommandState, TerminalCommand } from './terminal-command.js';

interface Row {
  id: string;
  vehicle_id: string;
  kind: TerminalCommand['kind'];
  request: TerminalCommand['request'];
  origin: TerminalCommand['origin'];
  requested_by: string;
  requested_by_key_id: string | null;
  state: CommandState;
  created_at: Date;
  expires_at: Date;
  sent_at: Date | null;
  serial: number | null;
  answer_due_at: Date | null;
  answered_at: Date | null;
  answer: CommandAnswer | null;
}

const toCommand = (r: Row): TerminalCommand => ({
  id: r.id,
  vehicleId: r.vehicle_id,
  kind: r.kind,
  request: r.request,
  origin: r.origin,
  requestedBy: r.requested_by,
  requestedByKeyId: r.requested_by_key_id,
  state: r.state,
  createdAt: new Date(r.created_at),
  expiresAt: new Date(r.expires_at),
  sentAt: r.sent_at && new Date(r.sent_at),
  serial: r.serial,
  answerDueAt: r.answer_due_at && new Date(r.answer_due_at),
  answeredAt: r.answered_at && new Date(r.answered_at),
  answer: r.answer,
});

/**
 * Terminal commands. Every state change is a conditional UPDATE on the state it leaves, so two
 * gateways (or a gateway and a sweep) never both move one command. UPDATE … RETURNING runs inside
 * a CTE: TypeORM answers a bare one with [rows, count].
 */
@Injectable()
export class TerminalCommandsRepository {
  constructor(private readonly db: Database) {}

  /** Stores a queued command; `once`: an id already stored (a replay's derived id) is left as it is. */
  async insert(c: TerminalCommand, once = false): Promise<void> {
    await this.db.query(
      `INSERT INTO terminal_commands (id, vehicle_id, kind, request, origin, requested_by, requested_by_key_id, state, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)${once ? ' ON CONFLICT (id) DO NOTHING' : ''}`,
      [
        c.id,
        c.vehicleId,
        c.kind,
        JSON.stringify(c.request),
        c.origin,
        c.requestedBy,
        c.requestedByKeyId,
        c.state,
        c.createdAt,
        c.expiresAt,
      ],
    );
  }

  async findById(id: string): Promise<TerminalCommand | null> {
    const [row] = await this.db.query<Row>('SELECT * FROM terminal_commands WHERE id = $1', [id]);
    return row ? toCommand(row) : null;
  }

  /** A vehicle's commands, newest first (ids are time-ordered), after a cursor. */
  async listForVehicle(vehicleId: string, before: string | null, limit: number): Promise<TerminalCommand[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM terminal_commands WHERE vehicle_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [vehicleId, before, limit],
    );
    return rows.map(toCommand);
  }

  /** Queued, unexpired commands of these vehicles, oldest first. */
  async queuedFor(vehicleIds: string[], now: Date): Promise<TerminalCommand[]> {
    if (vehicleIds.length === 0) return [];
    const rows = await this.db.query<Row>(
      `SELECT * FROM terminal_commands WHERE state = 'queued' AND vehicle_id = ANY($1) AND expires_at > $2
        ORDER BY created_at, id LIMIT 1000`,
      [vehicleIds, now],
    );
    return rows.map(toCommand);
  }

  /** queued → sent; false when another gateway took it or it expired meanwhile. */
  async claim(id: string, now: Date, answerDueAt: Date): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `WITH c AS (UPDATE terminal_commands SET state = 'sent', sent_at = $2, answer_due_at = $3
                   WHERE id = $1 AND state = 'queued' AND expires_at > $2 RETURNING id)
       SELECT id FROM c`,
      [id, now, answerDueAt],
    );
    return rows.length > 0;
  }

  /** sent → queued: the connection closed before the frame went out. */
  async requeue(id: string): Promise<void> {
    await this.db.query(
      `UPDATE terminal_commands SET state = 'queued', sent_at = NULL, answer_due_at = NULL, serial = NULL
        WHERE id = $1 AND state = 'sent'`,
      [id],
    );
  }

  async recordSerial(id: string, serial: number): Promise<void> {
    await this.db.query('UPDATE terminal_commands SET serial = $2 WHERE id = $1', [id, serial]);
  }

  /** sent (or, for a command that cannot be sent, queued) → answered / failed; false when it had left that state. */
  async settle(
    id: string,
    from: 'sent' | 'queued',
    to: 'answered' | 'failed',
    answer: CommandAnswer,
    at: Date,
  ): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `WITH c AS (UPDATE terminal_commands SET state = $3, answer = $4, answered_at = $5
                   WHERE id = $1 AND state = $2 RETURNING id)
       SELECT id FROM c`,
      [id, from, to, JSON.stringify(answer), at],
    );
    return rows.length > 0;
  }

  /** Sent commands past their answer time → timed_out; queued ones past their expiry → expired. */
  async sweep(now: Date): Promise<{ timedOut: number; expired: number }> {
    const timedOut = await this.db.query<{ id: string }>(
      `WITH c AS (UPDATE terminal_commands SET state = 'timed_out' WHERE state = 'sent' AND answer_due_at <= $1 RETURNING id)
       SELECT id FROM c`,
      [now],
    );
    const expired = await this.db.query<{ id: string }>(
      `WITH c AS (UPDATE terminal_commands SET state = 'expired' WHERE state = 'queued' AND expires_at <= $1 RETURNING id)
       SELECT id FROM c`,
      [now],
    );
    return { timedOut: timedOut.length, expired: expired.length };
  }
}
