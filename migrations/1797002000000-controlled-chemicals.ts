import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Controlled chemicals and Decree 591's licences as it states them (issue 17, items 3 and 4):
 * - permits and filings name a permitted quantity and the counterparty (the seller of a purchase,
 *   the buyer of a sale, the consignee of a trip); each use consumes the quantity (permit_uses);
 * - the drug-precursor permits split into purchase and transport (《易制毒化学品管理条例》 Art. 15,
 *   17, 20), and the seller's sale filing of Decree 591 Art. 41 is a kind of its own;
 * - a business licence says whether it covers storage (带储存 / 不带储存);
 * - an enterprise's sector and whether it uses chemicals above the use thresholds (Art. 29);
 * - every sale of a highly toxic chemical or explosive precursor leaves a filing duty due in 5 days.
 */
export class ControlledChemicals1797002000000 implements MigrationInterface {
  name = 'ControlledChemicals1797002000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE licences DROP CONSTRAINT ck_licences_kind');
    await q.query(`UPDATE licences SET kind = 'drug_precursor_purchase_permit' WHERE kind = 'drug_precursor_permit'`);
    await q.query(`UPDATE licences SET kind = 'drug_precursor_purchase_filing' WHERE kind = 'drug_precursor_filing'`);
    await q.query(`
      ALTER TABLE licences
        ADD CONSTRAINT ck_licences_kind CHECK (kind IN ('safety_production','business','safe_use','road_transport',
          'hazardous_waste','highly_toxic_purchase','highly_toxic_road_pass','explosive_precursor_filing',
          'controlled_sale_filing','drug_precursor_purchase_permit','drug_precursor_purchase_filing',
          'drug_precursor_transport_permit','drug_precursor_transport_filing')),
        ADD COLUMN permitted_quantity_kg numeric,
        ADD COLUMN counterparty_id uuid,
        ADD COLUMN with_storage boolean,
        ADD CONSTRAINT ck_licences_permitted_quantity CHECK (permitted_quantity_kg IS NULL OR permitted_quantity_kg > 0)`);

    // Until emergency management confirms otherwise an enterprise is held to the strictest reading:
    // a chemical enterprise using above the thresholds.
    await q.query(`
      ALTER TABLE enterprises
        ADD COLUMN sector text NOT NULL DEFAULT 'chemical',
        ADD COLUMN uses_above_threshold boolean NOT NULL DEFAULT true,
        ADD CONSTRAINT ck_enterprises_sector CHECK (sector IN ('chemical','hospital','laboratory','school','other'))`);

    await q.query(`
      CREATE TABLE permit_uses (
        licence_id uuid NOT NULL CONSTRAINT fk_permit_uses_licence REFERENCES licences(id),
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        chemical_id uuid NOT NULL,
        quantity_kg numeric NOT NULL,
        used_at timestamptz NOT NULL,
        PRIMARY KEY (licence_id, subject_id),
        CONSTRAINT ck_permit_uses_subject CHECK (subject_type IN ('movement','waybill')),
        CONSTRAINT ck_permit_uses_quantity CHECK (quantity_kg > 0)
      )`);

    await q.query(`
      CREATE TABLE controlled_sales (
        id uuid PRIMARY KEY,
        movement_id uuid NOT NULL,
        seller_id uuid NOT NULL CONSTRAINT fk_controlled_sales_seller REFERENCES enterprises(id),
        buyer_id uuid NOT NULL,
        chemical_id uuid NOT NULL,
        quantity_kg numeric NOT NULL,
        sold_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        filing_id uuid CONSTRAINT fk_controlled_sales_filing REFERENCES licences(id),
        warned_at timestamptz,
        CONSTRAINT uq_controlled_sales_movement UNIQUE (movement_id, chemical_id)
      )`);
    await q.query('CREATE INDEX ix_controlled_sales_open ON controlled_sales (due_at) WHERE filing_id IS NULL');

    // A database whose policy was written before: police receive controlled.* (the unfiled-sale
    // warnings) as the shipped default gives them (a new database writes that default when first needed).
    const [latest] = (await q.query(
      'SELECT version, document FROM sharing_policy_versions ORDER BY version DESC LIMIT 1',
    )) as Array<{ version: number; document: unknown }>;
    if (!latest) return;
    const document = (typeof latest.document === 'string' ? JSON.parse(latest.document) : latest.document) as {
      agencies?: Record<string, { events?: Array<{ types: string[]; fields: string[]; unmasked: string[] }> }>;
    };
    const police = document.agencies?.police;
    if (!police?.events || police.events.some((r) => r.types.includes('controlled.*') || r.types.includes('*'))) return;
    police.events.push({ types: ['controlled.*'], fields: ['*'], unmasked: [] });
    await q.query(
      `INSERT INTO sharing_policy_versions (version, document, changed_by, reason) VALUES ($1, $2, 'system', $3)`,
      [
        Number(latest.version) + 1,
        JSON.stringify(document),
        'police receive controlled.sale_unfiled (Decree 591 Art. 41: sales not filed within 5 days)',
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // A policy version is history: it stays.
    await q.query('DROP TABLE controlled_sales');
    await q.query('DROP TABLE permit_uses');
    await q.query(
      'ALTER TABLE enterprises DROP CONSTRAINT ck_enterprises_sector, DROP COLUMN sector, DROP COLUMN uses_above_threshold',
    );
    await q.query(
      `ALTER TABLE licences DROP CONSTRAINT ck_licences_permitted_quantity, DROP COLUMN permitted_quantity_kg,
         DROP COLUMN counterparty_id, DROP COLUMN with_storage, DROP CONSTRAINT ck_licences_kind`,
    );
    await q.query(`UPDATE licences SET kind = 'drug_precursor_permit' WHERE kind = 'drug_precursor_purchase_permit'`);
    await q.query(`UPDATE licences SET kind = 'drug_precursor_filing' WHERE kind = 'drug_precursor_purchase_filing'`);
    await q.query(`
      ALTER TABLE licences ADD CONSTRAINT ck_licences_kind CHECK (kind IN ('safety_production','business','safe_use',
        'road_transport','hazardous_waste','highly_toxic_purchase','highly_toxic_road_pass','explosive_precursor_filing',
        'drug_precursor_permit','drug_precursor_filing'))`);
  }
}
