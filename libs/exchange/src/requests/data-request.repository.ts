import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

export interface DataRequestRow {
  id: string;
  agency: string;
  requested_by: string;
  kind: string;
  subject_id: string;
  period_from: Date | null;
  period_to: Date | null;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  expires_at: Date | null;
  created_at: Date;
}

@Injectable()
export class DataRequestRepository {
  constructor(private readonly db: Database) {}

  async insert(
    r: Omit<DataRequestRow, 'status' | 'decided_by' | 'decided_at' | 'decision_note' | 'expires_at' | 'created_at'>,
  ) {
    await this.db.query(
      `INSERT INTO data_requests (id, agency, requested_by, kind, subject_id, period_from, period_to, reason, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')`,
      [r.id, r.agency, r.requested_by, r.kind, r.subject_id, r.period_from, r.period_to, r.reason],
    );
  }

  async find(id: string, lock = false): Promise<DataRequestRow | null> {
    const rows = await this.db.query<DataRequestRow>(
      `SELECT * FROM data_requests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  list(agency: string | null, limit: number): Promise<DataRequestRow[]> {
    return this.db.query(
      'SELECT * FROM data_requests WHERE ($1::text IS NULL OR agency = $1) ORDER BY created_at DESC LIMIT $2',
      [agency, limit],
    );
  }

  async decide(
    id: string,
    d: { status: 'approved' | 'refused'; decidedBy: string; note: string | null; expiresAt: Date | null },
  ): Promise<void> {
    await this.db.query(
      `UPDATE data_requests SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4, expires_at = $5
        WHERE id = $1`,
      [id, d.status, d.decidedBy, d.note, d.expiresAt],
    );
  }
}
