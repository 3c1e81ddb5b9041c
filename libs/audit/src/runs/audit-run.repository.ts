import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

export interface AuditRunRow {
  id: string;
  scope: 'enterprise' | 'district' | 'city';
  enterprise_id: string | null;
  district: string | null;
  at: Date;
  status: 'queued' | 'running' | 'completed' | 'failed';
  started_by: string;
  agency: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  total: number;
  done: number;
  findings: number;
  major_hazards: number;
  flagged: number;
  error: string | null;
}

export interface AuditResultRow {
  facility_id: string;
  enterprise_id: string;
  district: string;
  grade: number | null;
  findings: number;
  flags: number;
  result: Record<string, unknown>;
}

@Injectable()
export class AuditRunRepository {
  constructor(private readonly db: Database) {}

  async insert(r: Pick<AuditRunRow, 'id' | 'scope' | 'enterprise_id' | 'district' | 'at' | 'started_by' | 'agency'>) {
    await this.db.query(
      `INSERT INTO audit_runs (id, scope, enterprise_id, district, at, status, started_by, agency)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7)`,
      [r.id, r.scope, r.enterprise_id, r.district, r.at, r.started_by, r.agency],
    );
  }

  find(id: string): Promise<AuditRunRow | null> {
    return this.db.query<AuditRunRow>('SELECT * FROM audit_runs WHERE id = $1', [id]).then((r) => r[0] ?? null);
  }

  list(limit: number): Promise<AuditRunRow[]> {
    return this.db.query('SELECT * FROM audit_runs ORDER BY created_at DESC LIMIT $1', [limit]);
  }

  async start(id: string, total: number): Promise<void> {
    await this.db.query(
      `UPDATE audit_runs SET status = 'running', started_at = now(), total = $2, done = 0, findings = 0, major_hazards = 0, flagged = 0
        WHERE id = $1`,
      [id, total],
    );
    // A restarted run starts over: its partial results go.
    await this.db.query('DELETE FROM audit_results WHERE audit_id = $1', [id]);
  }

  async addResults(id: string, rows: AuditResultRow[], progress: { findings: number; major: number; flagged: number }) {
    await this.db.query(
      `INSERT INTO audit_results (audit_id, facility_id, enterprise_id, district, grade, findings, flags, result)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::smallint[], $6::int[], $7::int[], $8::jsonb[])`,
      [
        id,
        rows.map((r) => r.facility_id),
        rows.map((r) => r.enterprise_id),
        rows.map((r) => r.district),
        rows.map((r) => r.grade),
        rows.map((r) => r.findings),
        rows.map((r) => r.flags),
        rows.map((r) => JSON.stringify(r.result)),
      ],
    );
    await this.db.query(
      `UPDATE audit_runs SET done = done + $2, findings = findings + $3, major_hazards = major_hazards + $4, flagged = flagged + $5
        WHERE id = $1`,
      [id, rows.length, progress.findings, progress.major, progress.flagged],
    );
  }

  async finish(id: string, status: 'completed' | 'failed', error: string | null = null): Promise<void> {
    await this.db.query('UPDATE audit_runs SET status = $2, finished_at = now(), error = $3 WHERE id = $1', [
      id,
      status,
      error,
    ]);
  }

  results(id: string, after: string | null, limit: number): Promise<AuditResultRow[]> {
    return this.db.query(
      `SELECT facility_id, enterprise_id, district, grade, findings, flags, result FROM audit_results
        WHERE audit_id = $1 AND ($2::uuid IS NULL OR facility_id > $2) ORDER BY facility_id LIMIT $3`,
      [id, after, limit],
    );
  }

  /** Each facility's result in the latest completed run that covered it. */
  async latestResults(
    facilityIds: string[],
  ): Promise<Map<string, { grade: number | null; flags: number; at: string }>> {
    if (facilityIds.length === 0) return new Map();
    const rows = await this.db.query<{ facility_id: string; grade: number | null; flags: number; at: Date }>(
      `SELECT DISTINCT ON (r.facility_id) r.facility_id, r.grade, r.flags, a.at
         FROM audit_results r JOIN audit_runs a ON a.id = r.audit_id AND a.status = 'completed'
        WHERE r.facility_id = ANY($1::uuid[])
        ORDER BY r.facility_id, a.finished_at DESC`,
      [facilityIds],
    );
    return new Map(
      rows.map((r) => [r.facility_id, { grade: r.grade, flags: r.flags, at: new Date(r.at).toISOString() }]),
    );
  }
}
