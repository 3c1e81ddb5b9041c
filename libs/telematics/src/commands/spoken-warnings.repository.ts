import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

export interface SpokenWarningRule {
  rule: string;
  enabled: boolean;
  /** What is said; {plate} becomes the vehicle's plate. */
  text: string;
  updatedBy: string;
  updatedAt: Date;
  reason: string | null;
}

interface Row {
  rule: string;
  enabled: boolean;
  text: string;
  updated_by: string;
  updated_at: Date;
  reason: string | null;
}

const toRule = (r: Row): SpokenWarningRule => ({
  rule: r.rule,
  enabled: r.enabled,
  text: r.text,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at),
  reason: r.reason,
});

@Injectable()
export class SpokenWarningsRepository {
  constructor(private readonly db: Database) {}

  async all(): Promise<SpokenWarningRule[]> {
    return (await this.db.query<Row>('SELECT * FROM spoken_warning_rules ORDER BY rule')).map(toRule);
  }

  async upsert(r: SpokenWarningRule): Promise<void> {
    await this.db.query(
      `INSERT INTO spoken_warning_rules (rule, enabled, text, updated_by, updated_at, reason) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (rule) DO UPDATE SET enabled = $2, text = $3, updated_by = $4, updated_at = $5, reason = $6`,
      [r.rule, r.enabled, r.text, r.updatedBy, r.updatedAt, r.reason],
    );
  }
}
