import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may assert what (issue 15): the supervision work queue (filings), licences that count only
 * once their issuer verified them, with every change kept as a version.
 */
export class Supervision1795957200000 implements MigrationInterface {
  name = 'Supervision1795957200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE filings (
        id uuid PRIMARY KEY,
        kind text NOT NULL,
        agency text NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        enterprise_id uuid NOT NULL,
        proposed jsonb NOT NULL,
        current jsonb NOT NULL,
        summary text NOT NULL,
        documents jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL,
        filed_by_key_id uuid,
        filed_by text NOT NULL,
        filed_at timestamptz NOT NULL,
        decided_by_key_id uuid,
        decided_by text,
        decided_at timestamptz,
        reason text,
        outcome jsonb,
        CONSTRAINT ck_filings_status CHECK (status IN ('pending', 'confirmed', 'refused', 'superseded', 'withdrawn'))
      )`);
    // At most one pending claim about one thing: filing again supersedes.
    await q.query(`CREATE UNIQUE INDEX uq_filings_pending ON filings (kind, subject_id) WHERE status = 'pending'`);
    await q.query('CREATE INDEX ix_filings_queue ON filings (agency, status, filed_at, id)');
    await q.query('CREATE INDEX ix_filings_enterprise ON filings (enterprise_id, filed_at, id)');
    await q.query('CREATE INDEX ix_filings_subject ON filings (subject_id)');

    // Licences: pending until their issuer verifies them; 'valid' meant asserted, now 'verified'.
    await q.query('ALTER TABLE licences DROP CONSTRAINT ck_licences_status');
    await q.query('ALTER TABLE licences DROP CONSTRAINT ck_licences_kind');
    await q.query('ALTER TABLE licences DROP CONSTRAINT uq_licences_kind_number');
    await q.query('DROP INDEX ix_licences_valid_to');
    await q.query(`UPDATE licences SET status = 'verified' WHERE status = 'valid'`);
    await q.query(`ALTER TABLE licences ALTER COLUMN status SET DEFAULT 'pending'`);
    await q.query(`
      ALTER TABLE licences
        ADD CONSTRAINT ck_licences_status CHECK (status IN ('pending','verified','refused','suspended','revoked')),
        ADD CONSTRAINT ck_licences_kind CHECK (kind IN ('safety_production','business','safe_use','road_transport',
          'hazardous_waste','highly_toxic_purchase','highly_toxic_road_pass','explosive_precursor_filing',
          'drug_precursor_permit','drug_precursor_filing')),
        ADD COLUMN scope_route_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN scope_vehicle_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN documents text[] NOT NULL DEFAULT '{}',
        ADD COLUMN version integer NOT NULL DEFAULT 1`);
    // A number is unique among what issuers asserted; anyone's unverified filing proves nothing and blocks nothing.
    await q.query(
      `CREATE UNIQUE INDEX uq_licences_asserted_number ON licences (kind, number) WHERE status IN ('verified','suspended','revoked')`,
    );
    await q.query(`CREATE INDEX ix_licences_valid_to ON licences (valid_to) WHERE status = 'verified'`);
    await q.query(`
      CREATE TABLE licence_versions (
        licence_id uuid NOT NULL CONSTRAINT fk_licence_versions_licence REFERENCES licences(id),
        version integer NOT NULL,
        change text NOT NULL,
        status text NOT NULL,
        reason text,
        changed_by_key_id uuid,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL,
        snapshot jsonb NOT NULL,
        CONSTRAINT pk_licence_versions PRIMARY KEY (licence_id, version)
      )`);
    await q.query(`
      INSERT INTO licence_versions (licence_id, version, change, status, changed_by, changed_at, snapshot)
      SELECT id, 1, 'recorded', status, 'migration', created_at,
             jsonb_build_object('id', id, 'kind', kind, 'number', number, 'status', status,
                                'validFrom', valid_from, 'validTo', valid_to)
        FROM licences`);

    // Personnel rows are employment records: two carriers may employ one person, each seeing only its own record.
    await q.query('ALTER TABLE personnel DROP CONSTRAINT uq_personnel_id_number');
    await q.query('ALTER TABLE personnel ADD CONSTRAINT uq_personnel_employment UNIQUE (employer_id, id_number)');
    await q.query('CREATE INDEX ix_personnel_id_number ON personnel (id_number)');
    // A qualification is null until transport confirms it.
    await q.query(`
      ALTER TABLE personnel
        ALTER COLUMN qualification_kind DROP NOT NULL,
        ALTER COLUMN qualification_number DROP NOT NULL,
        ALTER COLUMN qualification_expiry DROP NOT NULL`);

    // A facility its enterprise registered is pending until emergency management confirms its siting.
    await q.query('ALTER TABLE facilities DROP CONSTRAINT ck_facilities_status');
    await q.query(
      `ALTER TABLE facilities ADD CONSTRAINT ck_facilities_status CHECK (status IN ('pending','active','closed'))`,
    );

    // While an e-waybill holds a vehicle only its transitions or the transport bureau (with a reason) change its assignment.
    await q.query('ALTER TABLE vehicle_assignments DROP CONSTRAINT ck_assignments_source');
    await q.query(`
      ALTER TABLE vehicle_assignments
        ADD CONSTRAINT ck_assignments_source CHECK (source IN ('manual','waybill','override')),
        ADD COLUMN reason text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE licence_versions');
    await q.query('DROP TABLE filings');
  }
}
