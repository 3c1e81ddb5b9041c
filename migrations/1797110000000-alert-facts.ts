import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An alert carries what it names from where it was known (issue 18, item 2): the vehicle's
 * assignment keeps the facts taken when it was set (plate, plate colour, route name, and for an
 * e-waybill its number, parties, facilities, load and crew), the violation keeps them with the
 * target's name, and each webhook delivery keeps the payload as the sharing policy shaped it for
 * its agency when the event was relayed (the policy is read once between outbox and webhook).
 * Deliveries made before this keep data NULL: those not yet sent are shaped under the policy in
 * force before they are sent (DeliveryShaping, the relay's own shaping, fields and masks alike).
 * A policy change withdraws the unsent deliveries of events it no longer gives their agency:
 * status `withdrawn`, never sent nor replayed.
 */
export class AlertFacts1797110000000 implements MigrationInterface {
  name = 'AlertFacts1797110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE vehicle_assignments ADD COLUMN alert_facts jsonb');
    await q.query('ALTER TABLE violations ADD COLUMN facts jsonb');
    await q.query('ALTER TABLE webhook_deliveries ADD COLUMN data jsonb');
    await q.query('ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check');
    await q.query(
      `ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
         CHECK (status IN ('pending', 'delivered', 'dead', 'withdrawn'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // A withdrawn delivery was never sent; before withdrawal existed the nearest was a dead letter.
    await q.query(`UPDATE webhook_deliveries SET status = 'dead' WHERE status = 'withdrawn'`);
    await q.query('ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check');
    await q.query(
      `ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
         CHECK (status IN ('pending', 'delivered', 'dead'))`,
    );
    await q.query('ALTER TABLE webhook_deliveries DROP COLUMN data');
    await q.query('ALTER TABLE violations DROP COLUMN facts');
    await q.query('ALTER TABLE vehicle_assignments DROP COLUMN alert_facts');
  }
}
