import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

/** An agency's request for personal data (a track, a person's record) and its decision. */
export interface DataRequest {
  id: string;
  agency: string;
  requestedBy: string;
  kind: string;
  subjectId: string;
  periodFrom: Date | null;
  periodTo: Date | null;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  expiresAt: Date | null;
  createdAt: Date;
}

interface DataRequestRow {
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

const toRequest = (r: DataRequestRow): DataRequest => ({
  id: r.id,
  agency: r.agency,
  requestedBy: r.requested_by,
  kind: r.kind,
  subjectId: r.subject_id,
  periodFrom: r.period_from,
  periodTo: r.period_to,
  reason: r.reason,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionNote: r.decision_note,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});

@Injectable()
export class DataRequestRepository {
  constructor(private readonly db: Database) {}

  async insert(
    r: Omit<DataRequest, 'status' | 'decidedBy' | 'decidedAt' | 'decisionNote' | 'expiresAt' | 'createdAt'>,
  ) {
    await this.db.query(
      `INSERT INTO data_requests (id, agency, requested_by, kind, subject_id, period_from, period_to, reason, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')`,
      [r.id, r.agency, r.requestedBy, r.kind, r.subjectId, r.periodFrom, r.periodTo, r.reason],
    );
  }

  async find(id: string, lock = false): Promise<DataRequest | null> {
    const rows = await this.db.query<DataRequestRow>(
      `SELECT * FROM data_requests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async list(agency: string | null, limit: number): Promise<DataRequest[]> {
    const rows = await this.db.query<DataRequestRow>(
      'SELECT * FROM data_requests WHERE ($1::text IS NULL OR agency = $1) ORDER BY created_at DESC LIMIT $2',
      [agency, limit],
    );
    return rows.map(toRequest);
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
