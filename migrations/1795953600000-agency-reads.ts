import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The plan's reads of positions and tracks as they stood when `reads` entered the policy (frozen here). */
const PLANNED_READS: Record<string, unknown[]> = {
  police: [{ resources: ['positions', 'tracks'], fields: ['*'] }],
  transport: [{ resources: ['positions', 'tracks'], fields: ['*'] }],
  emergency: [],
  market: [],
  ecology: [],
};

/**
 * The sharing policy gains `reads` (positions and tracks through the REST API, which no event
 * carries). A database whose policy was written before has no `reads`, which now means none: this
 * adds a policy version that gives each agency the plan's reads, kept in the history like any
 * other change. A new database has no policy yet; the shipped default (with reads) is written
 * when first needed.
 */
export class AgencyReads1795953600000 implements MigrationInterface {
  name = 'AgencyReads1795953600000';

  async up(q: QueryRunner): Promise<void> {
    const [latest] = (await q.query(
      'SELECT version, document FROM sharing_policy_versions ORDER BY version DESC LIMIT 1',
    )) as Array<{ version: number; document: unknown }>;
    if (!latest) return;
    const document = (typeof latest.document === 'string' ? JSON.parse(latest.document) : latest.document) as {
      agencies?: Record<string, { reads?: unknown[] }>;
    };
    const agencies = document.agencies ?? {};
    const missing = Object.keys(agencies).filter((a) => agencies[a]!.reads === undefined);
    if (missing.length === 0) return;
    for (const a of missing) agencies[a]!.reads = PLANNED_READS[a] ?? [];
    await q.query(
      `INSERT INTO sharing_policy_versions (version, document, changed_by, reason) VALUES ($1, $2, 'system', $3)`,
      [
        Number(latest.version) + 1,
        JSON.stringify(document),
        `REST reads of positions and tracks are part of the policy: ${missing.join(', ')} given the plan's reads`,
      ],
    );
  }

  async down(): Promise<void> {
    // A policy version is history: it stays. Without `reads` the code reads an agency's as none.
  }
}
