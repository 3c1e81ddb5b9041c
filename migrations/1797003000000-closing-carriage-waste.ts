import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17, items 5 and 6.
 * - A shipment leg booked by a waybill keeps the facts of its carriage (the waybill's number, the
 *   carrier, the vehicle's plate), so the lot trace names them without asking the waybill context.
 * - A waybill's discrepancy beyond the receipt tolerance stays open until emergency management
 *   resolves it (its finding, reason, who and when).
 * - Waste manifests (《危险废物转移管理办法》 2021): the 8-digit code of the national list
 *   (《国家危险废物名录（2021年版）》), the transporter's pickup (承运人 confirms), and the
 *   cross-province transfer with its provinces and the approval ecology asserts (固废法 Art. 82).
 */
export class ClosingCarriageWaste1797003000000 implements MigrationInterface {
  name = 'ClosingCarriageWaste1797003000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE movements
        ADD COLUMN carrier_enterprise_id uuid,
        ADD COLUMN vehicle_plate text,
        ADD COLUMN waybill_number text`);
    await q.query(`
      ALTER TABLE waybills
        ADD COLUMN discrepancy_resolution jsonb`);
    await q.query(`
      ALTER TABLE waste_manifests
        ADD COLUMN waste_list_code text,
        ADD COLUMN picked_up_at timestamptz,
        ADD COLUMN generator_province text NOT NULL DEFAULT '32',
        ADD COLUMN receiver_province text NOT NULL DEFAULT '32',
        ADD COLUMN approval_number text,
        ADD COLUMN approval_status text,
        ADD COLUMN approval_asserted_by text,
        ADD COLUMN approval_asserted_at timestamptz`);
    await q.query('ALTER TABLE waste_manifests DROP CONSTRAINT ck_manifests_state');
    await q.query(`
      ALTER TABLE waste_manifests ADD CONSTRAINT ck_manifests_state
        CHECK (state IN ('created','shipped','picked_up','received','disposed','rejected'))`);
    await q.query(`
      ALTER TABLE waste_manifests ADD CONSTRAINT ck_manifests_approval
        CHECK (approval_status IS NULL OR approval_status IN ('claimed','asserted'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE waste_manifests DROP CONSTRAINT ck_manifests_approval');
    await q.query('ALTER TABLE waste_manifests DROP CONSTRAINT ck_manifests_state');
    await q.query(`
      ALTER TABLE waste_manifests ADD CONSTRAINT ck_manifests_state
        CHECK (state IN ('created','shipped','received','disposed','rejected'))`);
    await q.query(`
      ALTER TABLE waste_manifests
        DROP COLUMN waste_list_code, DROP COLUMN picked_up_at, DROP COLUMN generator_province,
        DROP COLUMN receiver_province, DROP COLUMN approval_number, DROP COLUMN approval_status,
        DROP COLUMN approval_asserted_by, DROP COLUMN approval_asserted_at`);
    await q.query('ALTER TABLE waybills DROP COLUMN discrepancy_resolution');
    await q.query(
      'ALTER TABLE movements DROP COLUMN carrier_enterprise_id, DROP COLUMN vehicle_plate, DROP COLUMN waybill_number',
    );
  }
}
