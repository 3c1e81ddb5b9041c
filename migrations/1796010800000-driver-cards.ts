import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who is driving (issue 16, item 5): every driver card a terminal reports (JT/T 808 0x0702) is a
 * row against the vehicle and its trip; the assignment a waybill sets carries its crew's
 * qualification numbers, which the engine compares the cards with; police receive the new
 * CREW_MISMATCH alerts as they receive ROUTE_DEVIATION.
 */
export class DriverCards1796010800000 implements MigrationInterface {
  name = 'DriverCards1796010800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE driver_card_events (
        id uuid PRIMARY KEY,
        vehicle_id uuid NOT NULL CONSTRAINT fk_driver_card_events_vehicle REFERENCES vehicles(id),
        waybill_id uuid,
        status text NOT NULL,
        ts timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        read_result text,
        driver_name text,
        qualification_number text,
        issuer text,
        valid_until date,
        citizen_id text,
        on_waybill boolean,
        layout smallint NOT NULL,
        CONSTRAINT ck_driver_card_events_status CHECK (status IN ('inserted', 'removed'))
      )`);
    await q.query('CREATE INDEX ix_driver_card_events_vehicle_ts ON driver_card_events (vehicle_id, ts)');
    await q.query(`ALTER TABLE vehicle_assignments ADD COLUMN crew_qualifications text[] NOT NULL DEFAULT '{}'`);

    // A database whose policy was written before: police get CREW_MISMATCH wherever they get
    // ROUTE_DEVIATION (a new database writes the shipped default, which has it, when first needed).
    const [latest] = (await q.query(
      'SELECT version, document FROM sharing_policy_versions ORDER BY version DESC LIMIT 1',
    )) as Array<{ version: number; document: unknown }>;
    if (!latest) return;
    const document = (typeof latest.document === 'string' ? JSON.parse(latest.document) : latest.document) as {
      agencies?: Record<string, { alerts?: { rules?: string[] } }>;
    };
    const given = Object.entries(document.agencies ?? {}).filter(([, p]) => {
      const rules = p.alerts?.rules ?? [];
      return rules.includes('ROUTE_DEVIATION') && !rules.includes('CREW_MISMATCH') && !rules.includes('*');
    });
    if (given.length === 0) return;
    for (const [, p] of given) p.alerts!.rules!.push('CREW_MISMATCH');
    await q.query(
      `INSERT INTO sharing_policy_versions (version, document, changed_by, reason) VALUES ($1, $2, 'system', $3)`,
      [
        Number(latest.version) + 1,
        JSON.stringify(document),
        `CREW_MISMATCH alerts go where ROUTE_DEVIATION alerts go: ${given.map(([a]) => a).join(', ')}`,
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // A policy version is history: it stays.
    await q.query('ALTER TABLE vehicle_assignments DROP COLUMN crew_qualifications');
    await q.query('DROP TABLE driver_card_events');
  }
}
