import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency-Key records: the answer given to the first request with a key, per caller. */
export class Idempotency1795928400000 implements MigrationInterface {
  name = 'Idempotency1795928400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        owner text NOT NULL,
        key text NOT NULL,
        fingerprint char(64) NOT NULL,
        status integer,
        response jsonb,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_idempotency_keys PRIMARY KEY (owner, key)
      )`);
    await q.query('CREATE INDEX ix_idempotency_created ON idempotency_keys (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
  }
}
