import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry: enterprises and their credit history, licences, the chemical catalogue,
 * vehicles, personnel and facilities. Constraints and indexes are named fk_/uq_/ck_/ix_ and
 * owned by migrations; entities describe columns.
 */
export class Registry1795914000000 implements MigrationInterface {
  name = 'Registry1795914000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enterprises (
        id uuid PRIMARY KEY,
        credit_code char(18) NOT NULL,
        name text NOT NULL,
        roles text[] NOT NULL,
        district text NOT NULL,
        address text NOT NULL,
        contacts jsonb NOT NULL,
        credit_status text NOT NULL DEFAULT 'normal',
        credit_reason text,
        credit_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_enterprises_credit_code UNIQUE (credit_code),
        CONSTRAINT ck_enterprises_roles CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['producer','storer','user','trader','carrier','disposer']),
        CONSTRAINT ck_enterprises_district CHECK (district IN ('梁溪','锡山','惠山','滨湖','新吴','江阴','宜兴','经开区','市外')),
        CONSTRAINT ck_enterprises_credit_status CHECK (credit_status IN ('normal','warned','blacklisted')),
        CONSTRAINT ck_enterprises_blacklist_reason CHECK (credit_status <> 'blacklisted' OR (credit_reason IS NOT NULL AND credit_since IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE enterprise_credit_events (
        id uuid PRIMARY KEY,
        enterprise_id uuid NOT NULL CONSTRAINT fk_credit_events_enterprise REFERENCES enterprises(id),
        status text NOT NULL,
        reason text,
        effective_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid
      )`);
    await q.query('CREATE INDEX ix_credit_events_enterprise ON enterprise_credit_events (enterprise_id, recorded_at)');
    await q.query(
      'ALTER TABLE api_keys ADD CONSTRAINT fk_api_keys_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises(id)',
    );

    await q.query(`
      CREATE TABLE chemicals (
        id uuid PRIMARY KEY,
        cas text,
        un_number char(4),
        name_zh text NOT NULL,
        name_en text,
        synonyms text[] NOT NULL,
        un_class text,
        subsidiary_risks text[] NOT NULL,
        packing_groups text[] NOT NULL,
        tunnel_code text,
        density_kg_per_l numeric,
        physical_state text,
        highly_toxic boolean NOT NULL DEFAULT false,
        explosive_precursor boolean NOT NULL DEFAULT false,
        drug_precursor_category smallint,
        key_supervised boolean,
        control_status text NOT NULL DEFAULT 'none',
        control_note text,
        control_allowed_districts text[] NOT NULL,
        gb18218_critical_t numeric,
        gb18218_beta numeric,
        sources text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_chemicals_identity UNIQUE NULLS NOT DISTINCT (cas, un_number, name_zh),
        CONSTRAINT ck_chemicals_un CHECK (un_number ~ '^[0-9]{4}$'),
        CONSTRAINT ck_chemicals_state CHECK (physical_state IN ('solid','liquid','gas','liquefied_gas')),
        CONSTRAINT ck_chemicals_control CHECK (control_status IN ('none','controlled','restricted','prohibited')),
        CONSTRAINT ck_chemicals_density CHECK (density_kg_per_l > 0),
        CONSTRAINT ck_chemicals_drug_precursor CHECK (drug_precursor_category BETWEEN 1 AND 3)
      )`);
    await q.query('CREATE INDEX ix_chemicals_cas ON chemicals (cas)');
    await q.query('CREATE INDEX ix_chemicals_un ON chemicals (un_number)');

    await q.query(`
      CREATE TABLE licences (
        id uuid PRIMARY KEY,
        enterprise_id uuid NOT NULL CONSTRAINT fk_licences_enterprise REFERENCES enterprises(id),
        kind text NOT NULL,
        number text NOT NULL,
        issuer text NOT NULL,
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        status text NOT NULL DEFAULT 'valid',
        status_reason text,
        status_changed_at timestamptz,
        scope_chemical_ids uuid[] NOT NULL,
        scope_classes text[] NOT NULL,
        scope_waste_codes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_licences_kind_number UNIQUE (kind, number),
        CONSTRAINT ck_licences_kind CHECK (kind IN ('safety_production','business','safe_use','road_transport','hazardous_waste','highly_toxic_purchase','explosive_precursor_filing')),
        CONSTRAINT ck_licences_status CHECK (status IN ('valid','suspended','revoked')),
        CONSTRAINT ck_licences_dates CHECK (valid_to >= valid_from),
        CONSTRAINT ck_licences_scope CHECK (cardinality(scope_chemical_ids) + cardinality(scope_classes) + cardinality(scope_waste_codes) > 0)
      )`);
    await q.query('CREATE INDEX ix_licences_enterprise ON licences (enterprise_id)');
    await q.query("CREATE INDEX ix_licences_valid_to ON licences (valid_to) WHERE status = 'valid'");

    await q.query(`
      CREATE TABLE vehicles (
        id uuid PRIMARY KEY,
        plate text NOT NULL,
        kind text NOT NULL,
        carrier_id uuid NOT NULL CONSTRAINT fk_vehicles_carrier REFERENCES enterprises(id),
        permitted_classes text[] NOT NULL,
        tank_volume_m3 numeric,
        approved_load_kg numeric,
        approved_media uuid[] NOT NULL,
        tank_inspection_expiry date,
        transport_cert_number text,
        transport_cert_expiry date,
        terminal_id text,
        status text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_vehicles_plate UNIQUE (plate),
        CONSTRAINT uq_vehicles_terminal UNIQUE (terminal_id),
        CONSTRAINT ck_vehicles_kind CHECK (kind IN ('tanker','van','tractor','trailer')),
        CONSTRAINT ck_vehicles_status CHECK (status IN ('active','suspended','retired')),
        CONSTRAINT ck_vehicles_load CHECK (approved_load_kg > 0 AND tank_volume_m3 > 0)
      )`);
    await q.query('CREATE INDEX ix_vehicles_carrier ON vehicles (carrier_id)');

    await q.query(`
      CREATE TABLE personnel (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        id_number char(18) NOT NULL,
        phone text,
        role text NOT NULL,
        employer_id uuid NOT NULL CONSTRAINT fk_personnel_employer REFERENCES enterprises(id),
        qualification_kind text NOT NULL,
        qualification_number text NOT NULL,
        qualification_expiry date NOT NULL,
        status text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_personnel_id_number UNIQUE (id_number),
        CONSTRAINT ck_personnel_role CHECK (role IN ('driver','escort')),
        CONSTRAINT ck_personnel_qualification CHECK (qualification_kind IN ('dg_driver','dg_escort','dg_driver_toxic_explosive','dg_escort_toxic_explosive')),
        CONSTRAINT ck_personnel_status CHECK (status IN ('active','inactive'))
      )`);
    await q.query('CREATE INDEX ix_personnel_employer ON personnel (employer_id)');

    await q.query(`
      CREATE TABLE facilities (
        id uuid PRIMARY KEY,
        enterprise_id uuid NOT NULL CONSTRAINT fk_facilities_enterprise REFERENCES enterprises(id),
        name text NOT NULL,
        kind text NOT NULL,
        hazard_unit_kind text NOT NULL,
        geometry jsonb NOT NULL,
        fence_radius_m double precision NOT NULL,
        min_lon double precision NOT NULL,
        min_lat double precision NOT NULL,
        max_lon double precision NOT NULL,
        max_lat double precision NOT NULL,
        district text NOT NULL,
        address text NOT NULL,
        capacities jsonb NOT NULL,
        people_within_500m integer NOT NULL,
        status text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_facilities_kind CHECK (kind IN ('storage','production','use','disposal')),
        CONSTRAINT ck_facilities_unit CHECK (hazard_unit_kind IN ('production_unit','storage_unit')),
        CONSTRAINT ck_facilities_district CHECK (district IN ('梁溪','锡山','惠山','滨湖','新吴','江阴','宜兴','经开区','市外')),
        CONSTRAINT ck_facilities_people CHECK (people_within_500m >= 0),
        CONSTRAINT ck_facilities_fence CHECK (fence_radius_m > 0),
        CONSTRAINT ck_facilities_status CHECK (status IN ('active','closed'))
      )`);
    await q.query('CREATE INDEX ix_facilities_enterprise ON facilities (enterprise_id)');
    await q.query('CREATE INDEX ix_facilities_bbox ON facilities (min_lon, max_lon, min_lat, max_lat)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys DROP CONSTRAINT fk_api_keys_enterprise');
    for (const t of [
      'facilities',
      'personnel',
      'vehicles',
      'licences',
      'chemicals',
      'enterprise_credit_events',
      'enterprises',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
