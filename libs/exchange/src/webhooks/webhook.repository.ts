import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import type { PublishedEvent } from '../relay/exchange-event.js';
import { toPublished } from '../relay/exchange.repository.js';

/** A registered webhook endpoint. */
export interface Endpoint {
  id: string;
  agency: string;
  url: string;
  types: string[];
  secret: string;
  createdBy: string;
  createdAt: Date;
  deletedAt: Date | null;
}

/**
 * One event's delivery to one endpoint, with the payload as the sharing policy in force shaped it
 * for the endpoint's agency (at relay, and again at each policy change and replay until it is sent).
 * `withdrawn`: a policy change stopped giving the agency this event before it was sent (the reason
 * in lastError); it is never sent.
 */
export interface Delivery {
  endpointId: string;
  eventSeq: string;
  status: 'pending' | 'delivered' | 'dead' | 'withdrawn';
  attempts: number;
  firstAttemptAt: Date | null;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  replays: number;
  /** null on deliveries made before the relay shaped them: shaped under the policy in force before they are sent. */
  data: Record<string, unknown> | null;
}

/** A delivery not yet sent with what shaping it needs: its endpoint's agency and its event. */
export interface UnsentDelivery {
  endpointId: string;
  eventSeq: string;
  agency: string;
  type: string;
  payload: Record<string, unknown>;
}

interface EndpointRow {
  id: string;
  agency: string;
  url: string;
  types: string[];
  secret: string;
  created_by: string;
  created_at: Date | string;
  deleted_at: Date | string | null;
}

interface DeliveryRow {
  endpoint_id: string;
  event_seq: string;
  status: Delivery['status'];
  attempts: number;
  first_attempt_at: Date | string | null;
  next_attempt_at: Date | string;
  last_attempt_at: Date | string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | string | null;
  replays: number;
  data: Record<string, unknown> | null;
}

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

const toEndpoint = (r: EndpointRow): Endpoint => ({
  id: r.id,
  agency: r.agency,
  url: r.url,
  types: r.types,
  secret: r.secret,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  deletedAt: date(r.deleted_at),
});

const toDelivery = (r: DeliveryRow): Delivery => ({
  endpointId: r.endpoint_id,
  eventSeq: String(r.event_seq),
  status: r.status,
  attempts: Number(r.attempts),
  firstAttemptAt: date(r.first_attempt_at),
  nextAttemptAt: new Date(r.next_attempt_at),
  lastAttemptAt: date(r.last_attempt_at),
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: date(r.delivered_at),
  replays: Number(r.replays),
  data: r.data,
});

/** Webhook endpoints and deliveries: the SQL only. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly db: Database) {}

  activeEndpoints(): Promise<Array<{ id: string; agency: string; types: string[] }>> {
    return this.db.query('SELECT id, agency, types FROM webhook_endpoints WHERE deleted_at IS NULL');
  }

  async insertEndpoint(e: Pick<Endpoint, 'id' | 'agency' | 'url' | 'types' | 'secret' | 'createdBy'>): Promise<void> {
    await this.db.query(
      'INSERT INTO webhook_endpoints (id, agency, url, types, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
      [e.id, e.agency, e.url, e.types, e.secret, e.createdBy],
    );
  }

  /** Locks the agency's endpoint list for the transaction and counts its live endpoints. */
  async lockAndCountEndpoints(agency: string): Promise<number> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtext('webhook-endpoints:' || $1))`, [agency]);
    const rows = await this.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM webhook_endpoints WHERE agency = $1 AND deleted_at IS NULL',
      [agency],
    );
    return Number(rows[0]!.n);
  }

  async endpoint(id: string): Promise<Endpoint | null> {
    const rows = await this.db.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE id = $1', [id]);
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  async listEndpoints(agency: string | null): Promise<Array<Endpoint & { pending: number; dead: number }>> {
    const rows = await this.db.query<EndpointRow & { pending: string; dead: string }>(
      `SELECT e.*,
              (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending')::text AS pending,
              (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'dead')::text AS dead
         FROM webhook_endpoints e
        WHERE e.deleted_at IS NULL AND ($1::text IS NULL OR e.agency = $1)
        ORDER BY e.created_at`,
      [agency],
    );
    return rows.map((r) => ({ ...toEndpoint(r), pending: Number(r.pending), dead: Number(r.dead) }));
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.db.query('UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL', [id]);
  }

  async insertDeliveries(
    rows: Array<Pick<Delivery, 'endpointId' | 'eventSeq'> & { data: Record<string, unknown> }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO webhook_deliveries (endpoint_id, event_seq, status, data)
       SELECT endpoint_id, event_seq, 'pending', data
         FROM unnest($1::uuid[], $2::bigint[], $3::jsonb[]) AS t(endpoint_id, event_seq, data)
       ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.endpointId), rows.map((r) => r.eventSeq), rows.map((r) => JSON.stringify(r.data))],
    );
  }

  /** Takes (or extends) the endpoint's sending lease; false when another sender holds it. */
  async lease(endpointId: string, owner: string, ms: number): Promise<boolean> {
    const rows = await this.db.query(
      // (A CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], not the rows.)
      `WITH taken AS (
         UPDATE webhook_endpoints SET lease_until = now() + make_interval(secs => $3::double precision / 1000), lease_owner = $2
          WHERE id = $1 AND deleted_at IS NULL AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $2)
          RETURNING id)
       SELECT id FROM taken`,
      [endpointId, owner, ms],
    );
    return rows.length > 0;
  }

  async release(endpointId: string, owner: string): Promise<void> {
    await this.db.query(
      'UPDATE webhook_endpoints SET lease_until = NULL, lease_owner = NULL WHERE id = $1 AND lease_owner = $2',
      [endpointId, owner],
    );
  }

  /** The endpoint's oldest pending delivery with its event (deliveries go out in sequence order). */
  async head(endpointId: string): Promise<{ delivery: Delivery; event: PublishedEvent } | null> {
    const rows = await this.db.query<DeliveryRow & { event: never }>(
      `SELECT d.endpoint_id, d.event_seq::text AS event_seq, d.status, d.attempts, d.first_attempt_at, d.next_attempt_at,
              d.last_attempt_at, d.last_status, d.last_error, d.delivered_at, d.replays, d.data, row_to_json(e) AS event
         FROM webhook_deliveries d JOIN exchange_events e ON e.seq = d.event_seq
        WHERE d.endpoint_id = $1 AND d.status = 'pending'
        ORDER BY d.event_seq LIMIT 1`,
      [endpointId],
    );
    const r = rows[0];
    if (!r) return null;
    const { event, ...delivery } = r;
    return { delivery: toDelivery(delivery), event: toPublished(event) };
  }

  async delivered(endpointId: string, seq: string, status: number): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = $3, last_error = NULL,
              first_attempt_at = coalesce(first_attempt_at, now()), last_attempt_at = now(), delivered_at = now()
        WHERE endpoint_id = $1 AND event_seq = $2`,
      [endpointId, seq, status],
    );
  }

  async failed(
    endpointId: string,
    seq: string,
    f: { status: number | null; error: string; nextAttemptAt: Date; dead: boolean; firstAttemptAt: Date },
  ): Promise<void> {
    // (Pending only: a policy change may have withdrawn it while this attempt was under way.)
    await this.db.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $3, last_error = $4, next_attempt_at = $5,
              status = CASE WHEN $6 THEN 'dead' ELSE 'pending' END, first_attempt_at = $7, last_attempt_at = now()
        WHERE endpoint_id = $1 AND event_seq = $2 AND status = 'pending'`,
      [endpointId, seq, f.status, f.error.slice(0, 500), f.nextAttemptAt, f.dead, f.firstAttemptAt],
    );
  }

  async deadLetters(endpointId: string, limit: number): Promise<Array<Delivery & { eventId: string; type: string }>> {
    const rows = await this.db.query<DeliveryRow & { event_id: string; type: string }>(
      `SELECT d.*, d.event_seq::text AS event_seq, e.id AS event_id, e.type
         FROM webhook_deliveries d JOIN exchange_events e ON e.seq = d.event_seq
        WHERE d.endpoint_id = $1 AND d.status = 'dead' ORDER BY d.event_seq LIMIT $2`,
      [endpointId, limit],
    );
    return rows.map((r) => ({ ...toDelivery(r), eventId: r.event_id, type: r.type }));
  }

  /**
   * Deliveries not yet sent (pending, held or dead), in (endpoint, sequence) order after `after`:
   * all of them, one endpoint's, or some of its sequence numbers; `unshaped` only those without data.
   */
  async unsent(q: {
    endpointId: string | null;
    seqs: string[] | null;
    statuses: Array<'pending' | 'dead'>;
    unshaped: boolean;
    after: { endpointId: string; eventSeq: string } | null;
    limit: number;
  }): Promise<UnsentDelivery[]> {
    const rows = await this.db.query<{
      endpoint_id: string;
      event_seq: string;
      agency: string;
      type: string;
      payload: Record<string, unknown>;
    }>(
      `SELECT d.endpoint_id, d.event_seq::text AS event_seq, w.agency, e.type, e.payload
         FROM webhook_deliveries d
         JOIN webhook_endpoints w ON w.id = d.endpoint_id
         JOIN exchange_events e ON e.seq = d.event_seq
        WHERE d.status = ANY($1::text[])
          AND ($2::uuid IS NULL OR d.endpoint_id = $2)
          AND ($3::bigint[] IS NULL OR d.event_seq = ANY($3::bigint[]))
          AND (NOT $4 OR d.data IS NULL)
          AND ($5::uuid IS NULL OR (d.endpoint_id, d.event_seq) > ($5::uuid, $6::bigint))
        ORDER BY d.endpoint_id, d.event_seq LIMIT $7`,
      [q.statuses, q.endpointId, q.seqs, q.unshaped, q.after?.endpointId ?? null, q.after?.eventSeq ?? null, q.limit],
    );
    return rows.map((r) => ({
      endpointId: r.endpoint_id,
      eventSeq: String(r.event_seq),
      agency: r.agency,
      type: r.type,
      payload: r.payload,
    }));
  }

  /** Stores the payloads of deliveries not yet sent (shaped anew). */
  async reshape(
    rows: Array<Pick<Delivery, 'endpointId' | 'eventSeq'> & { data: Record<string, unknown> }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `UPDATE webhook_deliveries d SET data = t.data
         FROM unnest($1::uuid[], $2::bigint[], $3::jsonb[]) AS t(endpoint_id, event_seq, data)
        WHERE d.endpoint_id = t.endpoint_id AND d.event_seq = t.event_seq AND d.status IN ('pending', 'dead')`,
      [rows.map((r) => r.endpointId), rows.map((r) => r.eventSeq), rows.map((r) => JSON.stringify(r.data))],
    );
  }

  /** Withdraws deliveries not yet sent, with the reason: they are never sent (nor replayed). */
  async withdraw(rows: Array<Pick<Delivery, 'endpointId' | 'eventSeq'>>, reason: string): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `UPDATE webhook_deliveries d SET status = 'withdrawn', last_error = $3
         FROM unnest($1::uuid[], $2::bigint[]) AS t(endpoint_id, event_seq)
        WHERE d.endpoint_id = t.endpoint_id AND d.event_seq = t.event_seq AND d.status IN ('pending', 'dead')`,
      [rows.map((r) => r.endpointId), rows.map((r) => r.eventSeq), reason.slice(0, 500)],
    );
  }

  /** A live key of the agency takes the endpoint over; its waiting deliveries are due at once. */
  async adopt(endpointId: string, keyId: string): Promise<void> {
    await this.db.query('UPDATE webhook_endpoints SET created_by = $2 WHERE id = $1', [endpointId, keyId]);
    await this.db.query(
      `UPDATE webhook_deliveries SET next_attempt_at = now() WHERE endpoint_id = $1 AND status = 'pending'`,
      [endpointId],
    );
  }

  /** Puts dead deliveries (all, or the given sequence numbers) back at the head of the endpoint's queue. */
  async replay(endpointId: string, seqs: string[] | null): Promise<number> {
    const rows = await this.db.query(
      `WITH back AS (
         UPDATE webhook_deliveries SET status = 'pending', attempts = 0, first_attempt_at = NULL, next_attempt_at = now(),
                replays = replays + 1
          WHERE endpoint_id = $1 AND status = 'dead' AND ($2::bigint[] IS NULL OR event_seq = ANY($2::bigint[]))
          RETURNING event_seq)
       SELECT event_seq FROM back`,
      [endpointId, seqs],
    );
    return rows.length;
  }

  /** Endpoints with a due delivery and no live sender (the sweep's work). */
  async dueEndpoints(limit: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT e.id FROM webhook_endpoints e
        WHERE e.deleted_at IS NULL AND (e.lease_until IS NULL OR e.lease_until < now())
          AND EXISTS (SELECT 1 FROM webhook_deliveries d
                       WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= now())
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }
}
