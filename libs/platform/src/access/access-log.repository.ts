import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { AccessRecord } from './access-log.js';

export interface StoredAccess extends AccessRecord {
  prevHash: string;
  hash: string;
}

interface Row {
  seq: string;
  at: Date;
  key_id: string | null;
  principal: string;
  agency: string | null;
  channel: AccessRecord['channel'];
  action: string;
  subjects: string[];
  detail: Record<string, unknown>;
  purpose: string | null;
  grant_id: string | null;
  prev_hash: string;
  hash: string;
}

const toStored = (r: Row): StoredAccess => ({
  seq: String(r.seq),
  at: new Date(r.at).toISOString(),
  keyId: r.key_id,
  principal: r.principal,
  agency: r.agency,
  channel: r.channel,
  action: r.action,
  subjects: r.subjects,
  detail: r.detail,
  purpose: r.purpose,
  grantId: r.grant_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** The access log's SQL: one chain head row (locked while appending), rows appended in sequence. */
@Injectable()
export class AccessLogRepository {
  constructor(private readonly db: Database) {}

  async lockHead(): Promise<{ seq: string; hash: string }> {
    const rows = await this.db.query<{ seq: string; hash: string }>(
      'SELECT seq::text AS seq, hash FROM access_log_head WHERE id = 1 FOR UPDATE',
    );
    return rows[0]!;
  }

  /** The head as stored, without locking it. */
  async head(): Promise<{ seq: string; hash: string }> {
    const rows = await this.db.query<{ seq: string; hash: string }>(
      'SELECT seq::text AS seq, hash FROM access_log_head WHERE id = 1',
    );
    return rows[0]!;
  }

  /** The hash stored at a sequence number (null when no record has it). */
  async hashAt(seq: string): Promise<string | null> {
    const [row] = await this.db.query<{ hash: string }>('SELECT hash FROM access_log WHERE seq = $1', [seq]);
    return row?.hash ?? null;
  }

  async append(records: StoredAccess[]): Promise<void> {
    if (records.length === 0) return;
    // Subjects travel as JSON text (an array per row cannot go through unnest as text[][]).
    await this.db.query(
      `INSERT INTO access_log (seq, at, key_id, principal, agency, channel, action, subjects, detail, purpose, grant_id, prev_hash, hash)
       SELECT seq, at, key_id, principal, agency, channel, action,
              ARRAY(SELECT jsonb_array_elements_text(subjects::jsonb)), detail, purpose, grant_id, prev_hash, hash
         FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::jsonb[], $10::text[], $11::uuid[], $12::text[], $13::text[])
           AS t(seq, at, key_id, principal, agency, channel, action, subjects, detail, purpose, grant_id, prev_hash, hash)`,
      [
        records.map((r) => r.seq),
        records.map((r) => r.at),
        records.map((r) => r.keyId),
        records.map((r) => r.principal),
        records.map((r) => r.agency),
        records.map((r) => r.channel),
        records.map((r) => r.action),
        records.map((r) => JSON.stringify(r.subjects)),
        records.map((r) => JSON.stringify(r.detail)),
        records.map((r) => r.purpose),
        records.map((r) => r.grantId),
        records.map((r) => r.prevHash),
        records.map((r) => r.hash),
      ],
    );
    const last = records[records.length - 1]!;
    await this.db.query('UPDATE access_log_head SET seq = $1, hash = $2 WHERE id = 1', [last.seq, last.hash]);
  }

  async list(q: {
    subject?: string;
    agency?: string;
    channel?: string;
    after?: string | null;
    limit: number;
  }): Promise<StoredAccess[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM access_log
        WHERE ($1::text IS NULL OR subjects @> ARRAY[$1::text])
          AND ($2::text IS NULL OR agency = $2)
          AND ($3::text IS NULL OR channel = $3)
          AND ($4::bigint IS NULL OR seq < $4)
        ORDER BY seq DESC LIMIT $5`,
      [q.subject ?? null, q.agency ?? null, q.channel ?? null, q.after ?? null, q.limit],
    );
    return rows.map(toStored);
  }

  /** The whole chain in order, a page at a time (verification). */
  async *inOrder(pageSize = 2000): AsyncGenerator<StoredAccess> {
    let after = '0';
    for (;;) {
      const rows = await this.db.query<Row>('SELECT * FROM access_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
        after,
        pageSize,
      ]);
      for (const r of rows) yield toStored(r);
      if (rows.length < pageSize) return;
      after = String(rows[rows.length - 1]!.seq);
    }
  }
}
