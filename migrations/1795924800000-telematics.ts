import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Telematics and geofencing: permitted routes and zones (transport bureau), vehicle assignments,
 * GPS fixes (partitioned by day; partitions are created ahead by the maintenance job), latest
 * positions (embedded default; Redis GEO otherwise), the engine's per-vehicle checkpoints, and
 * violations with their acknowledgements.
 */
export class Telematics1795924800000 implements MigrationInterface {
  name = 'Telematics1795924800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routes (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        status text NOT NULL,
        geometry jsonb NOT NULL,
        half_width_m double precision NOT NULL,
        hazard_classes text[] NOT NULL,
        chemical_ids uuid[] NOT NULL,
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        allowed_hours jsonb NOT NULL,
        speed_limit_kmh double precision,
        road_class text NOT NULL,
        tunnels jsonb NOT NULL,
        length_m double precision NOT NULL,
        min_lon double precision NOT NULL,
        min_lat double precision NOT NULL,
        max_lon double precision NOT NULL,
        max_lat double precision NOT NULL,
        created_by uuid,
        approved_by uuid,
        approved_at timestamptz,
        retired_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT ck_routes_status CHECK (status IN ('draft','approved','retired')),
        CONSTRAINT ck_routes_width CHECK (half_width_m > 0 AND half_width_m <= 2000),
        CONSTRAINT ck_routes_dates CHECK (valid_to >= valid_from),
        CONSTRAINT ck_routes_road CHECK (road_class IN ('expressway','urban','other'))
      )`);
    await q.query(`
      CREATE TABLE zones (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        geometry jsonb NOT NULL,
        hazard_classes text[] NOT NULL,
        schedule jsonb,
        exempt_vehicle_ids uuid[] NOT NULL,
        speed_limit_kmh double precision,
        min_lon double precision NOT NULL,
        min_lat double precision NOT NULL,
        max_lon double precision NOT NULL,
        max_lat double precision NOT NULL,
        created_by uuid,
        approved_by uuid,
        approved_at timestamptz,
        retired_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT ck_zones_kind CHECK (kind IN ('ban','water_source','school','tunnel','parking')),
        CONSTRAINT ck_zones_status CHECK (status IN ('draft','approved','retired'))
      )`);
    await q.query(`CREATE TABLE telematics_meta (key text PRIMARY KEY, value bigint NOT NULL)`);
    await q.query(`INSERT INTO telematics_meta (key, value) VALUES ('fences_version', 1)`);

    await q.query(`
      CREATE TABLE vehicle_assignments (
        vehicle_id uuid PRIMARY KEY CONSTRAINT fk_assignments_vehicle REFERENCES vehicles(id),
        route_id uuid CONSTRAINT fk_assignments_route REFERENCES routes(id),
        loaded boolean NOT NULL,
        chemical_ids uuid[] NOT NULL,
        hazard_classes text[] NOT NULL,
        waybill_id uuid,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NOT NULL,
        source text NOT NULL,
        set_by uuid,
        updated_at timestamptz NOT NULL,
        CONSTRAINT ck_assignments_window CHECK (valid_to > valid_from),
        CONSTRAINT ck_assignments_source CHECK (source IN ('manual','waybill'))
      )`);

    await q.query(`
      CREATE TABLE fixes (
        vehicle_id uuid NOT NULL,
        ts timestamptz NOT NULL,
        lon double precision NOT NULL,
        lat double precision NOT NULL,
        speed_kmh real NOT NULL,
        heading smallint NOT NULL,
        altitude_m real,
        accuracy_m real,
        alarm_flags bigint NOT NULL,
        source text NOT NULL,
        shard smallint NOT NULL,
        received_at timestamptz NOT NULL,
        flags smallint NOT NULL DEFAULT 0,
        late_findings jsonb,
        extra jsonb,
        CONSTRAINT pk_fixes PRIMARY KEY (vehicle_id, ts)
      ) PARTITION BY RANGE (ts)`);
    await q.query('CREATE TABLE fixes_default PARTITION OF fixes DEFAULT');
    await q.query('CREATE INDEX ix_fixes_shard_received ON fixes (shard, received_at)');

    await q.query(`
      CREATE TABLE latest_positions (
        vehicle_id uuid PRIMARY KEY,
        ts timestamptz NOT NULL,
        lon double precision NOT NULL,
        lat double precision NOT NULL,
        speed_kmh real NOT NULL,
        heading smallint NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX ix_latest_positions_lonlat ON latest_positions (lon, lat)');

    await q.query(`
      CREATE TABLE vehicle_engine_states (
        vehicle_id uuid PRIMARY KEY,
        shard smallint NOT NULL,
        watermark timestamptz NOT NULL,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX ix_engine_states_shard ON vehicle_engine_states (shard)');

    await q.query(`
      CREATE TABLE violations (
        id uuid PRIMARY KEY,
        vehicle_id uuid NOT NULL,
        rule text NOT NULL,
        target_id uuid,
        target_kind text,
        severity text NOT NULL,
        status text NOT NULL,
        opened_at timestamptz NOT NULL,
        detected_at timestamptz NOT NULL,
        trigger_received_at timestamptz,
        closed_at timestamptz,
        close_detected_at timestamptz,
        first_point jsonb NOT NULL,
        worst_point jsonb NOT NULL,
        max_value double precision,
        points jsonb NOT NULL,
        waybill_id uuid,
        chemical_ids uuid[] NOT NULL,
        detail jsonb NOT NULL,
        CONSTRAINT ck_violations_status CHECK (status IN ('open','closed')),
        CONSTRAINT ck_violations_severity CHECK (severity IN ('critical','high','medium','low'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_violations_open ON violations (vehicle_id, rule, coalesce(target_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE status = 'open'`,
    );
    await q.query('CREATE INDEX ix_violations_opened ON violations (opened_at)');
    await q.query('CREATE INDEX ix_violations_vehicle ON violations (vehicle_id, opened_at)');
    await q.query(`CREATE INDEX ix_violations_open ON violations (status) WHERE status = 'open'`);
    await q.query(`
      CREATE TABLE violation_acknowledgements (
        id uuid PRIMARY KEY,
        violation_id uuid NOT NULL CONSTRAINT fk_acks_violation REFERENCES violations(id),
        agency text NOT NULL,
        key_id uuid,
        note text,
        at timestamptz NOT NULL,
        CONSTRAINT uq_acks_agency UNIQUE (violation_id, agency)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'violation_acknowledgements',
      'violations',
      'vehicle_engine_states',
      'latest_positions',
      'fixes',
      'vehicle_assignments',
      'telematics_meta',
      'zones',
      'routes',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
