import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

/** An audit run: one batch audit of an enterprise's, a district's or the city's facilities. */
export interface AuditRun {
  id: string;
  scope: 'enterprise' | 'district' | 'city';
  enterpriseId: string | null;
  district: string | null;
  at: Date;
  status: 'queued' | 'running' | 'completed' | 'failed';
  startedBy: string;
  agency: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  total: number;
  done: number;
  findings: number;
  majorHazards: number;
  flagged: number;
  error: string | null;
}

/** One facility's result in a run. */
export interface AuditResult {
  facilityId: string;
  enterpriseId: string;
  district: string;
  grade: number | null;
  findings: number;
  flags: number;
  result: Record<string, unknown>;
}

interface AuditRunRow {
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

const toRun = (r: AuditRunRow): AuditRun => ({
  id: r.id,
  scope: r.scope,
  enterpriseId: r.enterprise_id,
  district: r.district,
  at: r.at,
  status: r.status,
  startedBy: r.started_by,
  agency: r.agency,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  total: r.total,
  done: r.done,
  findings: r.findings,
  majorHazards: r.major_hazards,
  flagged: r.flagged,
  error: r.error,
});

@Injectable()
export class AuditRunRepository {
  constructor(private readonly db: Database) {}

  async insert(r: Pick<AuditRun, 'id' | 'scope' | 'enterpriseId' | 'district' | 'at' | 'startedBy' | 'agency'>) {
    await this.db.query(
      `INSERT INTO audit_runs (id, scope, enterprise_id, district, at, status, started_by, agency)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7)`,
      [r.id, r.scope, r.enterpriseId, r.district, r.at, r.startedBy, r.agency],
    );
  }

  async find(id: string): Promise<AuditRun | null> {
    const [row] = await this.db.query<AuditRunRow>('SELECT * FROM audit_runs WHERE id = $1', [id]);
    return row ? toRun(row) : null;
  }

  async list(limit: number): Promise<AuditRun[]> {
    const rows = await this.db.query<AuditRunRow>('SELECT * FROM audit_runs ORDER BY created_at DESC LIMIT $1', [
      limit,
    ]);
    return rows.map(toRun);
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

  async addResults(id: string, rows: AuditResult[], progress: { findings: number; major: number; flagged: number }) {
    await this.db.query(
      `INSERT INTO audit_results (audit_id, facility_id, enterprise_id, district, grade, findings, flags, result)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::smallint[], $6::int[], $7::int[], $8::jsonb[])`,
      [
        id,
        rows.map((r) => r.facilityId),
        rows.map((r) => r.enterpriseId),
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

  results(id: string, after: string | null, limit: number): Promise<AuditResult[]> {
    return this.db.query(
      `SELECT facility_id AS "facilityId", enterprise_id AS "enterpriseId", district, grade, findings, flags, result
         FROM audit_results
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
