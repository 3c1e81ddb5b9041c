import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { uuid7 } from '../ids/uuid7.js';
import { EVENTS, type EventType } from './events.js';

export interface OutboxEvent {
  id: string;
  type: EventType;
  payload: Record<string, unknown>;
}

/**
 * Writes events in the transaction of the change they describe, so that no event exists without
 * its change and no change without its event. It refuses to write outside a transaction.
 */
@Injectable()
export class Outbox {
  constructor(private readonly db: Database) {}

  /**
   * Appends an event. Give `id` when the change may be written again by a replay (a deterministic
   * id): the second write is then a no-op, so the event exists exactly once.
   */
  async append(
    type: EventType,
    payload: Record<string, unknown>,
    options: { id?: string; subjectId?: string; occurredAt?: Date } = {},
  ): Promise<OutboxEvent> {
    if (!this.db.inTransaction) throw new Error(`outbox: ${type} must be written inside the transaction of its change`);
    const def = EVENTS[type];
    const id = options.id ?? uuid7();
    await this.db.query(
      `INSERT INTO outbox (id, stream, type, version, subject_id, payload, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING`,
      [
        id,
        def.stream,
        type,
        def.version,
        options.subjectId ?? null,
        JSON.stringify(payload),
        options.occurredAt ?? new Date(),
      ],
    );
    return { id, type, payload };
  }
}
