import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

export interface LiveSession {
  terminalId: string;
  vehicleId: string;
  instanceId: string;
  connectionId: string;
  since: Date;
}

/** The one live JT/T 808 session of each terminal, shared by every gateway process. */
@Injectable()
export class TerminalSessionsRepository {
  constructor(private readonly db: Database) {}

  /** Takes the terminal's session for this connection, whoever held it. */
  async claim(s: Omit<LiveSession, 'since'> & { remoteAddress: string | null }): Promise<void> {
    await this.db.query(
      `INSERT INTO terminal_sessions (terminal_id, vehicle_id, instance_id, connection_id, remote_address, since, seen_at)
       VALUES ($1, $2, $3, $4, $5, now(), now())
       ON CONFLICT (terminal_id) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, instance_id = EXCLUDED.instance_id,
         connection_id = EXCLUDED.connection_id, remote_address = EXCLUDED.remote_address, since = now(), seen_at = now()`,
      [s.terminalId, s.vehicleId, s.instanceId, s.connectionId, s.remoteAddress],
    );
  }

  async release(terminalId: string, connectionId: string): Promise<void> {
    await this.db.query('DELETE FROM terminal_sessions WHERE terminal_id = $1 AND connection_id = $2', [
      terminalId,
      connectionId,
    ]);
  }

  /** The session, if its holder renewed it within `freshMs` (a crashed process's rows go stale). */
  async live(terminalId: string, freshMs: number): Promise<LiveSession | null> {
    const rows = await this.db.query<{
      terminal_id: string;
      vehicle_id: string;
      instance_id: string;
      connection_id: string;
      since: Date | string;
    }>(
      `SELECT terminal_id, vehicle_id, instance_id, connection_id, since FROM terminal_sessions
       WHERE terminal_id = $1 AND seen_at > now() - make_interval(secs => $2)`,
      [terminalId, freshMs / 1000],
    );
    const r = rows[0];
    return r
      ? {
          terminalId: r.terminal_id,
          vehicleId: r.vehicle_id,
          instanceId: r.instance_id,
          connectionId: r.connection_id,
          since: new Date(r.since),
        }
      : null;
  }

  /** Renews this process's sessions; answers those it still holds (terminal → connection). */
  async renew(instanceId: string): Promise<Map<string, string>> {
    const rows = await this.db.query<{ terminal_id: string; connection_id: string }>(
      // In a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with its rows.
      `WITH renewed AS (UPDATE terminal_sessions SET seen_at = now() WHERE instance_id = $1 RETURNING terminal_id, connection_id)
       SELECT terminal_id, connection_id FROM renewed`,
      [instanceId],
    );
    return new Map(rows.map((r) => [r.terminal_id, r.connection_id]));
  }
}
