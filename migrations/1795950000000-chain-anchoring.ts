import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Anchoring the hash chains: signed checkpoints of every chain head (published to emergency
 * management), their head lists, and the access log made append-only like the movements.
 *
 * Links written before this migration were unkeyed SHA-256; from now on every link is an HMAC with
 * LEDGER_CHAIN_KEY, which a migration cannot know. No link is rehashed and no second scheme is
 * accepted: verify knows only the keyed one, so a link written before reports `hash` at its first
 * movement (the service had not gone to production; such databases are development data).
 */
export class ChainAnchoring1795950000000 implements MigrationInterface {
  name = 'ChainAnchoring1795950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chain_checkpoints (
        number bigint PRIMARY KEY,
        id uuid NOT NULL,
        kind text NOT NULL,
        period text NOT NULL,
        taken_at timestamptz NOT NULL,
        chains integer NOT NULL,
        root char(64) NOT NULL,
        key_id text NOT NULL,
        algorithm text NOT NULL,
        signature text NOT NULL,
        CONSTRAINT uq_chain_checkpoints_id UNIQUE (id),
        CONSTRAINT uq_chain_checkpoints_period UNIQUE (kind, period),
        CONSTRAINT ck_chain_checkpoints_kind CHECK (kind IN ('hour','day','demand'))
      )`);
    // A chain's head per checkpoint in which it moved; "C" collation: the Merkle leaves' byte order.
    await q.query(`
      CREATE TABLE chain_checkpoint_heads (
        chain text COLLATE "C" NOT NULL,
        checkpoint_number bigint NOT NULL CONSTRAINT fk_checkpoint_heads_checkpoint REFERENCES chain_checkpoints(number),
        seq bigint NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT pk_chain_checkpoint_heads PRIMARY KEY (chain, checkpoint_number)
      )`);
    // The newest checkpoint's full list (one row per chain ever anchored), rewritten at each checkpoint.
    await q.query(`
      CREATE TABLE chain_anchor_heads (
        chain text COLLATE "C" PRIMARY KEY,
        checkpoint_number bigint NOT NULL,
        seq bigint NOT NULL,
        hash char(64) NOT NULL
      )`);

    // Append-only, as the movements: the service never changes a checkpoint or an access record.
    // A table owner can still disable this; what catches them then is the keyed chain and the
    // checkpoints emergency management holds.
    await q.query(`
      CREATE FUNCTION chain_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of ['chain_checkpoints', 'chain_checkpoint_heads', 'access_log'])
      await q.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION chain_records_append_only()`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER access_log_append_only ON access_log');
    for (const t of ['chain_anchor_heads', 'chain_checkpoint_heads', 'chain_checkpoints'])
      await q.query(`DROP TABLE ${t}`);
    await q.query('DROP FUNCTION chain_records_append_only()');
  }
}
