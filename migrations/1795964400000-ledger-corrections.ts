import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ledger counterparties and backdating (issue 15): a movement dated further back than
 * LEDGER_BACKDATE_HOURS is booked only as a correction that emergency management confirmed (or
 * booked itself), and keeps its reason and who confirmed it; a consignee finds the shipments and
 * sales addressed to it that are still in transit.
 */
export class LedgerCorrections1795964400000 implements MigrationInterface {
  name = 'LedgerCorrections1795964400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE movements
        ADD COLUMN correction_reason text,
        ADD COLUMN correction_filing_id uuid CONSTRAINT fk_movements_correction_filing REFERENCES filings(id),
        ADD COLUMN corrected_by text,
        ADD COLUMN corrected_by_key_id uuid,
        ADD CONSTRAINT ck_movements_correction CHECK ((correction_reason IS NULL) = (corrected_by IS NULL))`);
    await q.query(
      `CREATE INDEX ix_movements_consignee ON movements (counterparty_enterprise_id, id) WHERE type IN ('ship', 'sell')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_movements_consignee');
    await q.query(`
      ALTER TABLE movements
        DROP CONSTRAINT ck_movements_correction,
        DROP COLUMN corrected_by_key_id,
        DROP COLUMN corrected_by,
        DROP COLUMN correction_filing_id,
        DROP COLUMN correction_reason`);
  }
}
