import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The multi-agency exchange: the published event stream (filled by the relay from the outbox, in
 * commit order, gap-free), the sharing policy's versions, webhook endpoints and their deliveries,
 * alert escalations, data requests, and the hash-chained access log.
 */
export class Exchange1795935600000 implements MigrationInterface {
  name = 'Exchange1795935600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exchange_events (
        seq bigint NOT NULL,
        id uuid NOT NULL,
        stream text NOT NULL,
        stream_seq bigint NOT NULL,
        type text NOT NULL,
        version integer NOT NULL,
        subject_id text,
        payload jsonb NOT NULL,
        audience text[] NOT NULL,
        occurred_at timestamptz NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_exchange_events PRIMARY KEY (seq),
        CONSTRAINT uq_exchange_events_id UNIQUE (id),
        CONSTRAINT uq_exchange_events_stream_seq UNIQUE (stream, stream_seq)
      )`);
    await q.query('CREATE INDEX ix_exchange_events_audience ON exchange_events USING gin (audience)');
    await q.query(
      `CREATE INDEX ix_exchange_events_violation ON exchange_events ((payload->>'violationId'), type) WHERE stream = 'violation'`,
    );
    await q.query(`
      CREATE TABLE exchange_stream_heads (
        stream text NOT NULL,
        seq bigint NOT NULL,
        CONSTRAINT pk_exchange_stream_heads PRIMARY KEY (stream)
      )`);
    // '*' is the global sequence (the feed's cursor); the others are per stream.
    await q.query(`INSERT INTO exchange_stream_heads (stream, seq) VALUES ('*', 0)`);

    await q.query(`
      CREATE TABLE sharing_policy_versions (
        version integer NOT NULL,
        document jsonb NOT NULL,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        reason text NOT NULL,
        CONSTRAINT pk_sharing_policy_versions PRIMARY KEY (version)
      )`);

    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid NOT NULL,
        agency text NOT NULL,
        url text NOT NULL,
        types text[] NOT NULL,
        secret text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        lease_until timestamptz,
        lease_owner text,
        CONSTRAINT pk_webhook_endpoints PRIMARY KEY (id)
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id),
        event_seq bigint NOT NULL REFERENCES exchange_events (seq),
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        first_attempt_at timestamptz,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        last_status integer,
        last_error text,
        delivered_at timestamptz,
        replays integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_webhook_deliveries PRIMARY KEY (endpoint_id, event_seq)
      )`);
    await q.query(
      `CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (endpoint_id, event_seq) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX ix_webhook_deliveries_dead ON webhook_deliveries (endpoint_id, event_seq) WHERE status = 'dead'`,
    );

    await q.query(`
      CREATE TABLE alert_escalations (
        violation_id uuid NOT NULL,
        level integer NOT NULL,
        escalated_at timestamptz NOT NULL DEFAULT now(),
        event_id uuid NOT NULL,
        CONSTRAINT pk_alert_escalations PRIMARY KEY (violation_id, level)
      )`);

    await q.query(`
      CREATE TABLE data_requests (
        id uuid NOT NULL,
        agency text NOT NULL,
        requested_by text NOT NULL,
        kind text NOT NULL,
        subject_id uuid NOT NULL,
        period_from timestamptz,
        period_to timestamptz,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
        decided_by text,
        decided_at timestamptz,
        decision_note text,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_data_requests PRIMARY KEY (id)
      )`);
    await q.query('CREATE INDEX ix_data_requests_agency ON data_requests (agency, created_at DESC)');

    await q.query(`
      CREATE TABLE access_log (
        seq bigint NOT NULL,
        at timestamptz NOT NULL,
        key_id text,
        principal text NOT NULL,
        agency text,
        channel text NOT NULL,
        action text NOT NULL,
        subjects text[] NOT NULL,
        detail jsonb NOT NULL,
        purpose text,
        grant_id uuid,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT pk_access_log PRIMARY KEY (seq)
      )`);
    await q.query('CREATE INDEX ix_access_log_subjects ON access_log USING gin (subjects)');
    await q.query(`
      CREATE TABLE access_log_head (
        id integer NOT NULL CHECK (id = 1),
        seq bigint NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT pk_access_log_head PRIMARY KEY (id)
      )`);
    await q.query(`INSERT INTO access_log_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'access_log_head',
      'access_log',
      'data_requests',
      'alert_escalations',
      'webhook_deliveries',
      'webhook_endpoints',
      'sharing_policy_versions',
      'exchange_stream_heads',
      'exchange_events',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
