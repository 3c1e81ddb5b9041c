import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform outbox (every published fact is written here in the transaction of its change)
 * and the lifecycle ledger: lots, append-only movements hash-chained per facility, the chain
 * heads that serialise writers per facility, maintained balances, and waste manifests.
 */
export class Ledger1795921200000 implements MigrationInterface {
  name = 'Ledger1795921200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        position bigserial PRIMARY KEY,
        id uuid NOT NULL,
        stream text NOT NULL,
        type text NOT NULL,
        version integer NOT NULL,
        subject_id text,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz,
        CONSTRAINT uq_outbox_id UNIQUE (id)
      )`);
    await q.query('CREATE INDEX ix_outbox_pending ON outbox (position) WHERE relayed_at IS NULL');

    await q.query(`
      CREATE TABLE lots (
        id uuid PRIMARY KEY,
        number text NOT NULL,
        chemical_id uuid NOT NULL CONSTRAINT fk_lots_chemical REFERENCES chemicals(id),
        origin_enterprise_id uuid NOT NULL CONSTRAINT fk_lots_enterprise REFERENCES enterprises(id),
        origin_facility_id uuid NOT NULL CONSTRAINT fk_lots_facility REFERENCES facilities(id),
        origin text NOT NULL,
        waste_code text,
        parent_lot_ids uuid[] NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT uq_lots_number UNIQUE (origin_enterprise_id, chemical_id, number),
        CONSTRAINT ck_lots_origin CHECK (origin IN ('produced','received_external','split','merge','waste'))
      )`);
    await q.query('CREATE INDEX ix_lots_parents ON lots USING gin (parent_lot_ids)');

    await q.query(`
      CREATE TABLE movements (
        id uuid PRIMARY KEY,
        facility_id uuid NOT NULL CONSTRAINT fk_movements_facility REFERENCES facilities(id),
        facility_seq bigint NOT NULL,
        enterprise_id uuid NOT NULL CONSTRAINT fk_movements_enterprise REFERENCES enterprises(id),
        type text NOT NULL,
        chemical_id uuid NOT NULL CONSTRAINT fk_movements_chemical REFERENCES chemicals(id),
        lot_id uuid NOT NULL CONSTRAINT fk_movements_lot REFERENCES lots(id),
        quantity_kg numeric(18,3) NOT NULL,
        original_value numeric(18,6) NOT NULL,
        original_unit text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor_key_id uuid,
        group_id uuid NOT NULL,
        counterparty_facility_id uuid,
        counterparty_enterprise_id uuid,
        source_movement_id uuid CONSTRAINT fk_movements_source REFERENCES movements(id),
        reverses_id uuid CONSTRAINT fk_movements_reverses REFERENCES movements(id),
        waste_code text,
        disposal_method text,
        reason text,
        count_id uuid,
        waybill_id uuid,
        manifest_id uuid,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT uq_movements_chain UNIQUE (facility_id, facility_seq),
        CONSTRAINT ck_movements_type CHECK (type IN ('produce','receive','ship','transfer_out','transfer_in','use','sell','buy','waste_generate','waste_transfer','waste_receive','waste_return','dispose','loss','adjust','split','merge','reversal')),
        CONSTRAINT ck_movements_unit CHECK (original_unit IN ('kg','t','L','m3')),
        CONSTRAINT ck_movements_nonzero CHECK (quantity_kg <> 0),
        CONSTRAINT ck_movements_disposal CHECK (disposal_method IS NULL OR disposal_method IN ('incineration','landfill','recovery','physico_chemical'))
      )`);
    await q.query('CREATE INDEX ix_movements_lot ON movements (lot_id, occurred_at)');
    await q.query(
      'CREATE INDEX ix_movements_facility_time ON movements (facility_id, chemical_id, lot_id, occurred_at)',
    );
    await q.query('CREATE INDEX ix_movements_group ON movements (group_id)');
    await q.query(
      'CREATE INDEX ix_movements_source ON movements (source_movement_id) WHERE source_movement_id IS NOT NULL',
    );
    await q.query('CREATE INDEX ix_movements_waybill ON movements (waybill_id) WHERE waybill_id IS NOT NULL');
    await q.query('CREATE INDEX ix_movements_enterprise ON movements (enterprise_id, id)');

    // Append-only in the database too: no statement of the service (or a mistaken script) can
    // change or remove a movement. Someone who bypasses this (a superuser disabling triggers) is
    // still caught by the hash chain.
    await q.query(`
      CREATE FUNCTION movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'movements are append-only: record a reversal instead (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(
      `CREATE TRIGGER movements_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON movements FOR EACH STATEMENT EXECUTE FUNCTION movements_append_only()`,
    );

    await q.query(`
      CREATE TABLE ledger_chain_heads (
        facility_id uuid PRIMARY KEY CONSTRAINT fk_chain_heads_facility REFERENCES facilities(id),
        last_seq bigint NOT NULL,
        last_hash char(64) NOT NULL
      )`);

    await q.query(`
      CREATE TABLE stock_balances (
        facility_id uuid NOT NULL,
        chemical_id uuid NOT NULL,
        lot_id uuid NOT NULL,
        quantity_kg numeric(18,3) NOT NULL,
        CONSTRAINT pk_stock_balances PRIMARY KEY (facility_id, chemical_id, lot_id),
        CONSTRAINT ck_stock_nonnegative CHECK (quantity_kg >= 0)
      )`);

    await q.query(`
      CREATE TABLE waste_manifests (
        id uuid PRIMARY KEY,
        number text NOT NULL,
        state text NOT NULL,
        waste_code text NOT NULL,
        chemical_id uuid NOT NULL,
        lot_id uuid NOT NULL CONSTRAINT fk_manifests_lot REFERENCES lots(id),
        packaging text NOT NULL,
        generator_enterprise_id uuid NOT NULL,
        generator_facility_id uuid NOT NULL CONSTRAINT fk_manifests_generator REFERENCES facilities(id),
        transporter_enterprise_id uuid NOT NULL CONSTRAINT fk_manifests_transporter REFERENCES enterprises(id),
        receiver_enterprise_id uuid NOT NULL,
        receiver_facility_id uuid NOT NULL CONSTRAINT fk_manifests_receiver REFERENCES facilities(id),
        planned_kg numeric(18,3) NOT NULL,
        shipped_kg numeric(18,3),
        received_kg numeric(18,3),
        disposed_kg numeric(18,3),
        disposal_method text,
        tolerance_ratio numeric(8,6) NOT NULL,
        discrepancy_kg numeric(18,3),
        rejection_reason text,
        created_at timestamptz NOT NULL,
        shipped_at timestamptz,
        received_at timestamptz,
        closed_at timestamptz,
        CONSTRAINT uq_manifests_number UNIQUE (number),
        CONSTRAINT ck_manifests_state CHECK (state IN ('created','shipped','received','disposed','rejected')),
        CONSTRAINT ck_manifests_packaging CHECK (packaging IN ('bulk','packaged'))
      )`);
    await q.query('CREATE INDEX ix_manifests_generator ON waste_manifests (generator_enterprise_id)');
    await q.query('CREATE INDEX ix_manifests_receiver ON waste_manifests (receiver_enterprise_id)');
    await q.query(
      'CREATE INDEX ix_manifests_discrepancy ON waste_manifests (received_at) WHERE discrepancy_kg IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['waste_manifests', 'stock_balances', 'ledger_chain_heads', 'movements', 'lots', 'outbox'])
      await q.query(`DROP TABLE ${t}`);
  }
}
