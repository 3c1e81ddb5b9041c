import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inventory audits (emergency management): stock declarations by enterprises and physical counts
 * by inspectors (both as given, never edited: a correction is a new record naming the one it
 * corrects), audit runs with their per-facility results, and supervision orders (督办).
 */
export class Audit1795939200000 implements MigrationInterface {
  name = 'Audit1795939200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stock_declarations (
        id uuid PRIMARY KEY,
        enterprise_id uuid NOT NULL REFERENCES enterprises(id),
        facility_id uuid NOT NULL REFERENCES facilities(id),
        chemical_id uuid NOT NULL REFERENCES chemicals(id),
        quantity_kg numeric(18,3) NOT NULL CHECK (quantity_kg >= 0),
        original_value numeric(18,6) NOT NULL,
        original_unit text NOT NULL,
        as_of timestamptz NOT NULL,
        period text,
        corrects_id uuid REFERENCES stock_declarations(id),
        note text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        actor_key_id text
      )`);
    await q.query('CREATE INDEX ix_declarations_facility ON stock_declarations (facility_id, chemical_id, as_of DESC)');
    await q.query(`
      CREATE TABLE stock_counts (
        id uuid PRIMARY KEY,
        enterprise_id uuid NOT NULL REFERENCES enterprises(id),
        facility_id uuid NOT NULL REFERENCES facilities(id),
        chemical_id uuid NOT NULL REFERENCES chemicals(id),
        lot_id uuid REFERENCES lots(id),
        quantity_kg numeric(18,3) NOT NULL CHECK (quantity_kg >= 0),
        original_value numeric(18,6) NOT NULL,
        original_unit text NOT NULL,
        counted_at timestamptz NOT NULL,
        inspector text NOT NULL,
        inspection_ref text,
        photos text[] NOT NULL DEFAULT '{}',
        corrects_id uuid REFERENCES stock_counts(id),
        note text,
        agency text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        actor_key_id text
      )`);
    await q.query('CREATE INDEX ix_counts_facility ON stock_counts (facility_id, chemical_id, counted_at DESC)');
    await q.query('CREATE INDEX ix_movements_count ON movements (count_id) WHERE count_id IS NOT NULL');
    await q.query(`
      CREATE TABLE audit_runs (
        id uuid PRIMARY KEY,
        scope text NOT NULL CHECK (scope IN ('enterprise', 'district', 'city')),
        enterprise_id uuid,
        district text,
        at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        started_by text NOT NULL,
        agency text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        total integer NOT NULL DEFAULT 0,
        done integer NOT NULL DEFAULT 0,
        findings integer NOT NULL DEFAULT 0,
        major_hazards integer NOT NULL DEFAULT 0,
        flagged integer NOT NULL DEFAULT 0,
        error text
      )`);
    await q.query(`
      CREATE TABLE audit_results (
        audit_id uuid NOT NULL REFERENCES audit_runs(id),
        facility_id uuid NOT NULL,
        enterprise_id uuid NOT NULL,
        district text NOT NULL,
        grade smallint,
        findings integer NOT NULL,
        flags integer NOT NULL,
        result jsonb NOT NULL,
        CONSTRAINT pk_audit_results PRIMARY KEY (audit_id, facility_id)
      )`);
    await q.query(`
      CREATE TABLE supervision_orders (
        id uuid PRIMARY KEY,
        number text NOT NULL UNIQUE,
        enterprise_id uuid NOT NULL REFERENCES enterprises(id),
        agency text NOT NULL,
        issued_by text NOT NULL,
        source_kind text NOT NULL CHECK (source_kind IN ('finding', 'violation')),
        source_ref text NOT NULL,
        requirement text NOT NULL,
        deadline timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
        response text,
        responded_at timestamptz,
        closed_at timestamptz,
        reopened integer NOT NULL DEFAULT 0,
        overdue_published_for timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_orders_due ON supervision_orders (deadline) WHERE status <> 'closed'`);
    await q.query(`
      CREATE TABLE supervision_order_history (
        order_id uuid NOT NULL REFERENCES supervision_orders(id),
        at timestamptz NOT NULL DEFAULT now(),
        action text NOT NULL,
        by_principal text NOT NULL,
        note text
      )`);
    await q.query('CREATE INDEX ix_order_history ON supervision_order_history (order_id, at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_movements_count');
    for (const t of [
      'supervision_order_history',
      'supervision_orders',
      'audit_results',
      'audit_runs',
      'stock_counts',
      'stock_declarations',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
