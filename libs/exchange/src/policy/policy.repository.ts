import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import type { SharingPolicy } from './sharing-policy.js';

export interface PolicyVersion {
  version: number;
  document: SharingPolicy;
  changedBy: string;
  changedAt: string;
  reason: string;
}

interface Row {
  version: number;
  document: SharingPolicy;
  changed_by: string;
  changed_at: Date;
  reason: string;
}

const toVersion = (r: Row): PolicyVersion => ({
  version: r.version,
  document: r.document,
  changedBy: r.changed_by,
  changedAt: new Date(r.changed_at).toISOString(),
  reason: r.reason,
});

@Injectable()
export class PolicyRepository {
  constructor(private readonly db: Database) {}

  async latest(): Promise<PolicyVersion | null> {
    const rows = await this.db.query<Row>('SELECT * FROM sharing_policy_versions ORDER BY version DESC LIMIT 1');
    return rows[0] ? toVersion(rows[0]) : null;
  }

  async history(): Promise<PolicyVersion[]> {
    return (await this.db.query<Row>('SELECT * FROM sharing_policy_versions ORDER BY version DESC')).map(toVersion);
  }

  /** Adds a version; false when that version number was taken meanwhile (a concurrent change). */
  async add(v: Omit<PolicyVersion, 'changedAt'>): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO sharing_policy_versions (version, document, changed_by, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (version) DO NOTHING RETURNING version`,
      [v.version, JSON.stringify(v.document), v.changedBy, v.reason],
    );
    return rows.length > 0;
  }
}
