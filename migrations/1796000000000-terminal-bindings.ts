import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Terminal binding (issue 16): the transport bureau binds a JT/T 808 terminal to a vehicle; the
 * binding is the one source of truth of which terminal speaks for which vehicle, and
 * `vehicles.terminal_id` is its copy, written only with it. A terminal registers (0x0100) against
 * its binding and gets a random authentication code, stored hashed; a new one only after the
 * bureau resets or rebinds it. Every bind, unbind, reset and registration is a history row.
 * `terminal_sessions` holds the one live connection of each terminal, so that every gateway
 * process sees a takeover.
 */
export class TerminalBindings1796000000000 implements MigrationInterface {
  name = 'TerminalBindings1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE terminal_bindings (
        id uuid NOT NULL,
        terminal_id text NOT NULL,
        vehicle_id uuid NOT NULL CONSTRAINT fk_terminal_bindings_vehicle REFERENCES vehicles(id),
        maker_id text,
        model text,
        sim_number text,
        plate_colour smallint NOT NULL DEFAULT 2,
        installed_at timestamptz,
        bound_at timestamptz NOT NULL DEFAULT now(),
        bound_by text NOT NULL,
        auth_code_hash text,
        registered_at timestamptz,
        unbound_at timestamptz,
        CONSTRAINT pk_terminal_bindings PRIMARY KEY (id),
        CONSTRAINT ck_terminal_bindings_registered CHECK ((auth_code_hash IS NULL) = (registered_at IS NULL))
      )`);
    await q.query(
      'CREATE UNIQUE INDEX ux_terminal_bindings_terminal ON terminal_bindings (terminal_id) WHERE unbound_at IS NULL',
    );
    await q.query(
      'CREATE UNIQUE INDEX ux_terminal_bindings_vehicle ON terminal_bindings (vehicle_id) WHERE unbound_at IS NULL',
    );
    await q.query(`
      CREATE TABLE terminal_binding_events (
        id uuid NOT NULL,
        binding_id uuid NOT NULL CONSTRAINT fk_terminal_binding_events_binding REFERENCES terminal_bindings(id),
        kind text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        by text NOT NULL,
        by_key_id uuid,
        reason text,
        detail jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT pk_terminal_binding_events PRIMARY KEY (id),
        CONSTRAINT ck_terminal_binding_events_kind CHECK (kind IN ('bound', 'unbound', 'reset', 'registered'))
      )`);
    await q.query('CREATE INDEX ix_terminal_binding_events_binding ON terminal_binding_events (binding_id, at)');
    await q.query(`
      CREATE TABLE terminal_sessions (
        terminal_id text NOT NULL,
        vehicle_id uuid NOT NULL,
        instance_id text NOT NULL,
        connection_id text NOT NULL,
        remote_address text,
        since timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_terminal_sessions PRIMARY KEY (terminal_id)
      )`);
    await q.query('CREATE INDEX ix_terminal_sessions_instance ON terminal_sessions (instance_id)');
    // Terminals fitted before bindings existed: bound as the vehicle record says, maker not yet known.
    // They must register again (their old codes were derived), which they can once transport has
    // completed the binding with the maker: the first device's word is not taken for it.
    await q.query(`
      INSERT INTO terminal_bindings (id, terminal_id, vehicle_id, bound_by)
      SELECT gen_random_uuid(), terminal_id, id, 'migration' FROM vehicles WHERE terminal_id IS NOT NULL`);
    await q.query(`
      INSERT INTO terminal_binding_events (id, binding_id, kind, by, reason)
      SELECT gen_random_uuid(), id, 'bound', 'migration', 'terminal of the vehicle record before bindings'
      FROM terminal_bindings`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE terminal_sessions');
    await q.query('DROP TABLE terminal_binding_events');
    await q.query('DROP TABLE terminal_bindings');
  }
}
