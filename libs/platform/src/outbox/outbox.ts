import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { uuid7 } from '../ids/uuid7.js';
import { EventSchemas } from './event-check.js';
import { EVENTS, type EventPayload, type EventType } from './events.js';

export interface OutboxEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  payload: EventPayload<T>;
}

/**
 * Writes events in the transaction of the change they describe, so that no event exists without
 * its change and no change without its event. It refuses to write outside a transaction. Outside
 * production it also refuses a payload that does not match its event's published schema, so every
 * event a test or a developer's run writes is checked at this one door.
 */
@Injectable()
export class Outbox {
  private readonly schemas: EventSchemas | null;

  constructor(
    private readonly db: Database,
    config: AppConfig,
  ) {
    this.schemas = config.checksEventPayloads ? EventSchemas.get() : null;
  }

  /**
   * Appends an event. Give `id` when the change may be written again by a replay (a deterministic
   * id): the second write is then a no-op, so the event exists exactly once.
   */
  async append<T extends EventType>(
    type: T,
    payload: EventPayload<T>,
    options: { id?: string; subjectId?: string; occurredAt?: Date } = {},
  ): Promise<OutboxEvent<T>> {
    if (!this.db.inTransaction) throw new Error(`outbox: ${type} must be written inside the transaction of its change`);
    const json = JSON.stringify(payload);
    // The payload as stored (undefined fields dropped, dates as strings) is what agencies read.
    this.schemas?.check(type, JSON.parse(json));
    const def = EVENTS[type];
    const id = options.id ?? uuid7();
    await this.db.query(
      `INSERT INTO outbox (id, stream, type, version, subject_id, payload, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING`,
      [id, def.stream, type, def.version, options.subjectId ?? null, json, options.occurredAt ?? new Date()],
    );
    return { id, type, payload };
  }
}
