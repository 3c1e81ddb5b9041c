import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An alert carries what it names from where it was known (issue 18, item 2): the vehicle's
 * assignment keeps the facts taken when it was set (plate, plate colour, route name, and for an
 * e-waybill its number, parties, facilities, load and crew), the violation keeps them with the
 * target's name, and each webhook delivery keeps the payload as the sharing policy shaped it for
 * its agency when the event was relayed (the policy is read once between outbox and webhook).
 * Deliveries not yet sent when this runs get the payload without its crew: that decision was
 * never taken for them, and withholding personal data is the safe side of it.
 */
export class AlertFacts1797110000000 implements MigrationInterface {
  name = 'AlertFacts1797110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE vehicle_assignments ADD COLUMN alert_facts jsonb');
    await q.query('ALTER TABLE violations ADD COLUMN facts jsonb');
    await q.query('ALTER TABLE webhook_deliveries ADD COLUMN data jsonb');
    await q.query(
      `UPDATE webhook_deliveries d SET data = e.payload - 'driver' - 'escort'
         FROM exchange_events e WHERE e.seq = d.event_seq AND d.status <> 'delivered'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhook_deliveries DROP COLUMN data');
    await q.query('ALTER TABLE violations DROP COLUMN facts');
    await q.query('ALTER TABLE vehicle_assignments DROP COLUMN alert_facts');
  }
}
