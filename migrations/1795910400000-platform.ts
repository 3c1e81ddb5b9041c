import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables: API keys (hashes only). */
export class Platform1795910400000 implements MigrationInterface {
  name = 'Platform1795910400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        key_id char(12) NOT NULL UNIQUE,
        secret_hash char(64) NOT NULL,
        principal text NOT NULL CHECK (principal IN ('admin', 'enterprise', 'agency')),
        enterprise_id uuid,
        agency text CHECK (agency IN ('police', 'transport', 'emergency', 'market', 'ecology')),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT api_keys_enterprise_scope CHECK ((principal = 'enterprise') = (enterprise_id IS NOT NULL)),
        CONSTRAINT api_keys_agency_scope CHECK ((principal = 'agency') = (agency IS NOT NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
  }
}
