import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 0x0701 electronic waybill reports (电子运单上报, issue 16 item 7): stored against the vehicle and
 * the e-waybill that held it when the report came, with the raw bytes (bounded) and their text
 * when the content is GBK text. A resent report is one row: its natural key is the vehicle, the
 * content's SHA-256 and the dedup window it arrived in (see WaybillReportsService).
 */
export class WaybillReports1796003600000 implements MigrationInterface {
  name = 'WaybillReports1796003600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE waybill_reports (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        vehicle_id uuid NOT NULL CONSTRAINT fk_waybill_reports_vehicle REFERENCES vehicles(id),
        waybill_id uuid,
        terminal_id text NOT NULL,
        terminal_flow integer NOT NULL,
        content bytea NOT NULL,
        content_text text,
        content_sha256 bytea NOT NULL,
        dedup_window bigint NOT NULL,
        received_at timestamptz NOT NULL,
        last_received_at timestamptz NOT NULL,
        receipts integer NOT NULL DEFAULT 1,
        CONSTRAINT ck_waybill_reports_size CHECK (octet_length(content) <= 16384),
        CONSTRAINT uq_waybill_reports_natural UNIQUE (vehicle_id, content_sha256, dedup_window)
      )`);
    await q.query('CREATE INDEX ix_waybill_reports_vehicle ON waybill_reports (vehicle_id, seq DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE waybill_reports');
  }
}
