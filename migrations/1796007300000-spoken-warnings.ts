import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spoken warnings (issue 16 item 6): when a violation of a listed rule opens, the platform tells
 * the driver through the terminal (0x8300, read aloud and shown). The transport bureau decides
 * which rules speak and what they say; route deviation and zone intrusion speak from the start.
 */
export class SpokenWarnings1796007300000 implements MigrationInterface {
  name = 'SpokenWarnings1796007300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE spoken_warning_rules (
        rule text PRIMARY KEY,
        enabled boolean NOT NULL,
        text text NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        reason text
      )`);
    await q.query(
      `INSERT INTO spoken_warning_rules (rule, enabled, text, updated_by, updated_at) VALUES
        ('ROUTE_DEVIATION', true, '{plate}：您已偏离核定路线，请立即返回核定路线行驶。', 'platform', now()),
        ('ZONE_INTRUSION', true, '{plate}：您已进入禁行区域，请立即驶离。', 'platform', now())`,
    );
    await q.query(`ALTER TABLE terminal_commands DROP CONSTRAINT ck_terminal_commands_origin`);
    await q.query(
      `ALTER TABLE terminal_commands ADD CONSTRAINT ck_terminal_commands_origin
         CHECK (origin IN ('api','loaded_report_interval','spoken_warning'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM terminal_commands WHERE origin = 'spoken_warning'`);
    await q.query(`ALTER TABLE terminal_commands DROP CONSTRAINT ck_terminal_commands_origin`);
    await q.query(
      `ALTER TABLE terminal_commands ADD CONSTRAINT ck_terminal_commands_origin CHECK (origin IN ('api','loaded_report_interval'))`,
    );
    await q.query('DROP TABLE spoken_warning_rules');
  }
}
