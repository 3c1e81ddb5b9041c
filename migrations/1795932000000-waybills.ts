import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-waybills (电子运单): the current content, its line items, every submitted version, every
 * state transition, and the assets (vehicle, trailer, driver, escort) each active waybill holds:
 * the primary key there is what keeps an asset on at most one active waybill, even under races.
 */
export class Waybills1795932000000 implements MigrationInterface {
  name = 'Waybills1795932000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SEQUENCE waybill_number_seq');
    await q.query(`
      CREATE TABLE waybills (
        id uuid PRIMARY KEY,
        number text NOT NULL,
        status text NOT NULL,
        version integer NOT NULL,
        consignor_id uuid NOT NULL CONSTRAINT fk_waybills_consignor REFERENCES enterprises(id),
        carrier_id uuid NOT NULL CONSTRAINT fk_waybills_carrier REFERENCES enterprises(id),
        consignee_id uuid NOT NULL CONSTRAINT fk_waybills_consignee REFERENCES enterprises(id),
        loading_facility_id uuid NOT NULL CONSTRAINT fk_waybills_loading REFERENCES facilities(id),
        unloading_facility_id uuid NOT NULL CONSTRAINT fk_waybills_unloading REFERENCES facilities(id),
        vehicle_id uuid NOT NULL CONSTRAINT fk_waybills_vehicle REFERENCES vehicles(id),
        trailer_id uuid CONSTRAINT fk_waybills_trailer REFERENCES vehicles(id),
        driver_id uuid NOT NULL CONSTRAINT fk_waybills_driver REFERENCES personnel(id),
        escort_id uuid NOT NULL CONSTRAINT fk_waybills_escort REFERENCES personnel(id),
        route_id uuid NOT NULL CONSTRAINT fk_waybills_route REFERENCES routes(id),
        planned_departure timestamptz NOT NULL,
        planned_arrival timestamptz NOT NULL,
        toxic_pass jsonb,
        manifest_id uuid,
        notes text,
        loading_check jsonb,
        loaded_at timestamptz,
        departed_at timestamptz,
        arrived_at timestamptz,
        received_at timestamptz,
        closed_at timestamptz,
        cancelled_at timestamptz,
        cancel_reason text,
        discrepancy jsonb,
        track_summary jsonb,
        progress_ts timestamptz,
        created_by uuid,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT uq_waybills_number UNIQUE (number),
        CONSTRAINT ck_waybills_status CHECK (status IN ('draft','submitted','loaded','in_transit','arrived','received','closed','cancelled'))
      )`);
    await q.query('CREATE INDEX ix_waybills_consignor ON waybills (consignor_id, id)');
    await q.query('CREATE INDEX ix_waybills_carrier ON waybills (carrier_id, id)');
    await q.query('CREATE INDEX ix_waybills_consignee ON waybills (consignee_id, id)');
    await q.query('CREATE INDEX ix_waybills_vehicle ON waybills (vehicle_id, planned_departure)');
    await q.query(
      `CREATE INDEX ix_waybills_active ON waybills (status, planned_arrival) WHERE status IN ('submitted','loaded','in_transit','arrived')`,
    );
    await q.query(`
      CREATE TABLE waybill_items (
        waybill_id uuid NOT NULL CONSTRAINT fk_items_waybill REFERENCES waybills(id),
        line integer NOT NULL,
        chemical_id uuid NOT NULL CONSTRAINT fk_items_chemical REFERENCES chemicals(id),
        un_number text,
        proper_shipping_name text NOT NULL,
        un_class text,
        packing_group text,
        quantity_value numeric(18,6) NOT NULL,
        unit text NOT NULL,
        quantity_kg numeric(18,3) NOT NULL,
        lot_id uuid,
        packaging text NOT NULL,
        compartment integer,
        packages integer,
        ship_movement_id uuid,
        received_kg numeric(18,3),
        receive_movement_id uuid,
        CONSTRAINT pk_waybill_items PRIMARY KEY (waybill_id, line),
        CONSTRAINT ck_items_packaging CHECK (packaging IN ('tank','packaged')),
        CONSTRAINT ck_items_unit CHECK (unit IN ('kg','t','L','m3'))
      )`);
    await q.query('CREATE INDEX ix_items_chemical ON waybill_items (chemical_id)');
    await q.query(`
      CREATE TABLE waybill_versions (
        waybill_id uuid NOT NULL CONSTRAINT fk_versions_waybill REFERENCES waybills(id),
        version integer NOT NULL,
        content jsonb NOT NULL,
        reason text,
        created_by uuid,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_waybill_versions PRIMARY KEY (waybill_id, version)
      )`);
    await q.query(`
      CREATE TABLE waybill_transitions (
        id uuid PRIMARY KEY,
        waybill_id uuid NOT NULL CONSTRAINT fk_transitions_waybill REFERENCES waybills(id),
        from_status text,
        to_status text NOT NULL,
        at timestamptz NOT NULL,
        source text NOT NULL,
        actor_key_id uuid,
        detail jsonb NOT NULL
      )`);
    await q.query('CREATE INDEX ix_transitions_waybill ON waybill_transitions (waybill_id, at)');
    await q.query(`
      CREATE TABLE waybill_active_assets (
        asset_id uuid PRIMARY KEY,
        asset_kind text NOT NULL,
        waybill_id uuid NOT NULL CONSTRAINT fk_assets_waybill REFERENCES waybills(id)
      )`);
    await q.query('CREATE INDEX ix_assets_waybill ON waybill_active_assets (waybill_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['waybill_active_assets', 'waybill_transitions', 'waybill_versions', 'waybill_items', 'waybills'])
      await q.query(`DROP TABLE ${t}`);
    await q.query('DROP SEQUENCE waybill_number_seq');
  }
}
