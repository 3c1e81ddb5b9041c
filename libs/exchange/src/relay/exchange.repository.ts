import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import type { PublishedEvent } from './exchange-event.js';

/** Arbitrary constant: the relay's advisory lock (one relay turn at a time across all processes). */
const RELAY_LOCK = 7_102_808;

/** An outbox row waiting for the relay: its payload is the event as its writer completed it. */
export interface OutboxEntry {
  position: string;
  id: string;
  stream: string;
  type: string;
  version: number;
  subjectId: string | null;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

interface OutboxRow {
  position: string;
  id: string;
  stream: string;
  type: string;
  version: number;
  subject_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date | string;
}

interface EventRow {
  seq: string;
  id: string;
  stream: string;
  stream_seq: string;
  type: string;
  version: number;
  subject_id: string | null;
  payload: Record<string, unknown>;
  audience: string[];
  occurred_at: Date;
  published_at: Date;
}

export const toPublished = (r: EventRow): PublishedEvent => ({
  seq: String(r.seq),
  id: r.id,
  stream: r.stream,
  streamSeq: String(r.stream_seq),
  type: r.type,
  version: r.version,
  subjectId: r.subject_id,
  payload: r.payload,
  audience: r.audience,
  occurredAt: new Date(r.occurred_at).toISOString(),
  publishedAt: new Date(r.published_at).toISOString(),
});

/** The published stream's SQL: taking outbox rows, numbering them, and reading them back in order. */
@Injectable()
export class ExchangeRepository {
  constructor(private readonly db: Database) {}

  /** Inside a transaction: true when this turn holds the relay lock. */
  async tryRelayLock(): Promise<boolean> {
    const rows = await this.db.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [RELAY_LOCK]);
    return rows[0]!.ok;
  }

  /**
   * Inside a transaction: waits for the relay lock (a relay turn under way finishes first, and none
   * starts until this transaction ends), so deliveries are shaped under one policy version at a time.
   */
  async waitForRelayLock(): Promise<void> {
    await this.db.query('SELECT pg_advisory_xact_lock($1)', [RELAY_LOCK]);
  }

  async pendingOutbox(limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db.query<OutboxRow>(
      // (ORDER BY names the table's column: the text alias would sort 10 before 9.)
      `SELECT position::text AS position, id, stream, type, version, subject_id, payload, occurred_at
         FROM outbox WHERE relayed_at IS NULL ORDER BY outbox.position LIMIT $1 FOR UPDATE`,
      [limit],
    );
    return rows.map((r) => ({
      position: r.position,
      id: r.id,
      stream: r.stream,
      type: r.type,
      version: r.version,
      subjectId: r.subject_id,
      payload: r.payload,
      occurredAt: new Date(r.occurred_at),
    }));
  }

  async heads(): Promise<Map<string, bigint>> {
    const rows = await this.db.query<{ stream: string; seq: string }>(
      'SELECT stream, seq::text AS seq FROM exchange_stream_heads FOR UPDATE',
    );
    return new Map(rows.map((r) => [r.stream, BigInt(r.seq)]));
  }

  async saveHeads(heads: Map<string, bigint>): Promise<void> {
    await this.db.query(
      `INSERT INTO exchange_stream_heads (stream, seq) SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (stream) DO UPDATE SET seq = EXCLUDED.seq`,
      [[...heads.keys()], [...heads.values()].map(String)],
    );
  }

  async insertEvents(events: Array<Omit<PublishedEvent, 'publishedAt'>>): Promise<void> {
    await this.db.query(
      `INSERT INTO exchange_events (seq, id, stream, stream_seq, type, version, subject_id, payload, audience, occurred_at)
       SELECT seq, id, stream, stream_seq, type, version, subject_id, payload,
              ARRAY(SELECT jsonb_array_elements_text(audience::jsonb)), occurred_at
         FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::text[], $8::jsonb[],
                     $9::text[], $10::timestamptz[])
           AS t(seq, id, stream, stream_seq, type, version, subject_id, payload, audience, occurred_at)`,
      [
        events.map((e) => e.seq),
        events.map((e) => e.id),
        events.map((e) => e.stream),
        events.map((e) => e.streamSeq),
        events.map((e) => e.type),
        events.map((e) => e.version),
        events.map((e) => e.subjectId),
        events.map((e) => JSON.stringify(e.payload)),
        events.map((e) => JSON.stringify(e.audience)),
        events.map((e) => e.occurredAt),
      ],
    );
  }

  /** The global position of the last published event. */
  async lastCursor(): Promise<string> {
    const rows = await this.db.query<{ seq: string }>(
      `SELECT seq::text AS seq FROM exchange_stream_heads WHERE stream = '*'`,
    );
    return rows[0]?.seq ?? '0';
  }

  async markRelayed(positions: string[]): Promise<void> {
    await this.db.query('UPDATE outbox SET relayed_at = now() WHERE position = ANY($1::bigint[])', [positions]);
  }

  /** Events after a cursor, in order; for an agency only those addressed to it; types as LIKE patterns. */
  async after(q: {
    after: string;
    agency: string | null;
    types: string[] | null;
    limit: number;
  }): Promise<PublishedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT * FROM exchange_events
        WHERE seq > $1
          AND ($2::text IS NULL OR audience @> ARRAY[$2::text])
          AND ($3::text[] IS NULL OR type LIKE ANY($3::text[]))
        ORDER BY seq LIMIT $4`,
      [q.after, q.agency, q.types, q.limit],
    );
    return rows.map(toPublished);
  }

  async bySeq(seqs: string[]): Promise<PublishedEvent[]> {
    const rows = await this.db.query<EventRow>(
      'SELECT * FROM exchange_events WHERE seq = ANY($1::bigint[]) ORDER BY seq',
      [seqs],
    );
    return rows.map(toPublished);
  }

  /**
   * Opened alerts past their deadline, below the last escalation level, not acknowledged by an
   * agency of their audience (the opened alert's or an escalation's): an acknowledgement from
   * outside it, had one been recorded, does not stop the escalation.
   */
  async unacknowledgedAlerts(q: {
    afterSeconds: number;
    levels: number;
    limit: number;
  }): Promise<Array<{ event: PublishedEvent; level: number }>> {
    const rows = await this.db.query<EventRow & { level: number }>(
      `SELECT e.*, coalesce(x.level, 0) AS level
         FROM exchange_events e
         LEFT JOIN LATERAL (
           SELECT max(level) AS level, max(escalated_at) AS last_at FROM alert_escalations
            WHERE violation_id = (e.payload->>'violationId')::uuid) x ON true
        WHERE e.stream = 'violation' AND e.type = 'violation.opened'
          AND cardinality(e.audience) > 0
          AND e.published_at > now() - interval '7 days'
          AND coalesce(x.level, 0) < $2
          AND coalesce(x.last_at, e.published_at) <= now() - make_interval(secs => $1)
          AND NOT EXISTS (
            SELECT 1 FROM exchange_events a
             WHERE a.stream = 'violation' AND a.type = 'violation.acknowledged'
               AND a.payload->>'violationId' = e.payload->>'violationId'
               AND (a.payload->>'agency' = ANY(e.audience) OR EXISTS (
                 SELECT 1 FROM exchange_events x
                  WHERE x.stream = 'violation' AND x.type = 'violation.escalated'
                    AND x.payload->>'violationId' = e.payload->>'violationId'
                    AND a.payload->>'agency' = ANY(x.audience))))
        ORDER BY e.seq LIMIT $3`,
      [q.afterSeconds, q.levels, q.limit],
    );
    return rows.map((r) => ({ event: toPublished(r), level: Number(r.level) }));
  }

  async recordEscalation(violationId: string, level: number, eventId: string): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO alert_escalations (violation_id, level, event_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING level`,
      [violationId, level, eventId],
    );
    return rows.length > 0;
  }
}
