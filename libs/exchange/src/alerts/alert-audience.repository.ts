import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

/** Who an alert went to, as the relay recorded it on the published events (exchange_events.audience). */
@Injectable()
export class AlertAudienceRepository {
  constructor(private readonly db: Database) {}

  /** The agencies violation.opened and each violation.escalated of a violation went to; null before it is published. */
  async audience(violationId: string): Promise<string[] | null> {
    const rows = await this.db.query<{ type: string; audience: string[] }>(
      `SELECT type, audience FROM exchange_events
        WHERE stream = 'violation' AND payload->>'violationId' = $1
          AND type IN ('violation.opened', 'violation.escalated')`,
      [violationId],
    );
    if (!rows.some((r) => r.type === 'violation.opened')) return null;
    return [...new Set(rows.flatMap((r) => r.audience))];
  }

  /** The violations escalated to an agency. */
  async escalatedTo(agency: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT DISTINCT payload->>'violationId' AS id FROM exchange_events
        WHERE stream = 'violation' AND type = 'violation.escalated' AND audience @> ARRAY[$1::text]`,
      [agency],
    );
    return rows.map((r) => r.id);
  }
}
