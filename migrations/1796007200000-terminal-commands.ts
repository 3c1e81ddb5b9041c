import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commands to vehicle terminals (issue 16 item 6): a text message, a position query, setting or
 * querying parameters. Each is a row that goes queued → sent → answered / failed / timed_out (or
 * expired while its terminal stayed offline), with who asked, the serial number it went with and
 * the terminal's answer. The gateway process holding the terminal polls the queued rows of the
 * terminals it holds, so a command reaches its terminal whichever gateway that is.
 */
export class TerminalCommands1796007200000 implements MigrationInterface {
  name = 'TerminalCommands1796007200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE terminal_commands (
        id uuid PRIMARY KEY,
        vehicle_id uuid NOT NULL CONSTRAINT fk_terminal_commands_vehicle REFERENCES vehicles(id),
        kind text NOT NULL,
        request jsonb NOT NULL,
        origin text NOT NULL,
        requested_by text NOT NULL,
        requested_by_key_id uuid,
        state text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        sent_at timestamptz,
        serial integer,
        answer_due_at timestamptz,
        answered_at timestamptz,
        answer jsonb,
        CONSTRAINT ck_terminal_commands_kind CHECK (kind IN ('text','position_query','set_parameters','query_parameters')),
        CONSTRAINT ck_terminal_commands_origin CHECK (origin IN ('api','loaded_report_interval')),
        CONSTRAINT ck_terminal_commands_state CHECK (state IN ('queued','sent','answered','failed','timed_out','expired')),
        CONSTRAINT ck_terminal_commands_serial CHECK (serial IS NULL OR serial BETWEEN 0 AND 65535)
      )`);
    await q.query(`CREATE INDEX ix_terminal_commands_vehicle ON terminal_commands (vehicle_id, id)`);
    // The gateways' poll (queued rows of the terminals they hold) and the sweeps read only these.
    await q.query(
      `CREATE INDEX ix_terminal_commands_queued ON terminal_commands (vehicle_id, created_at) WHERE state = 'queued'`,
    );
    await q.query(`CREATE INDEX ix_terminal_commands_sent ON terminal_commands (answer_due_at) WHERE state = 'sent'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE terminal_commands');
  }
}
