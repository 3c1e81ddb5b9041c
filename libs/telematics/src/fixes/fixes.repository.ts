import { Injectable } from '@nestjs/common';
import type { Fix } from '@lib/geofence';
import { Database } from '@lib/platform';
import { FIX_FLAG, type IncomingFix } from './fix.js';

/** What one receipt did to a fix: stored it, or added alarm bits to the one stored before. */
export type InsertOutcome =
  { kind: 'stored' } | { kind: 'merged'; lon: number; lat: number; alarmFlags: number; located: boolean };

/** A fix as stored: the engine's fix with its times as dates and its storage flags. */
export interface StoredFix extends Omit<Fix, 'ts' | 'receivedAt' | 'located'> {
  ts: Date;
  receivedAt: Date;
  flags: number;
}

const toStored = (r: Record<string, unknown>): StoredFix => ({
  vehicleId: r.vehicle_id as string,
  ts: r.ts as Date,
  lon: Number(r.lon),
  lat: Number(r.lat),
  speedKmh: Number(r.speed_kmh),
  heading: Number(r.heading),
  accuracyM: r.accuracy_m === null ? null : Number(r.accuracy_m),
  alarmFlags: Number(r.alarm_flags),
  receivedAt: r.received_at as Date,
  flags: Number(r.flags),
});

@Injectable()
export class FixesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores a batch in one statement (fixes of the same vehicle and second merged first). A fix
   * already stored for (vehicle, ts) is left as it is, except that alarm bits it lacks are added
   * to it: a report of the same second with new alarm bits is not a duplicate. Answers, by
   * vehicle|ts, what this receipt did: `stored` (new), `merged` (alarm bits added; with the row as
   * it now is), or nothing (a duplicate).
   */
  async insert(
    fixes: IncomingFix[],
    source: string,
    shards: number[],
    receivedAt: Date,
  ): Promise<Map<string, InsertOutcome>> {
    if (fixes.length === 0) return new Map();
    const rows = await this.db.query<{ vehicle_id: string; ts: Date }>(
      `INSERT INTO fixes (vehicle_id, ts, lon, lat, speed_kmh, heading, altitude_m, accuracy_m, alarm_flags, source, shard, received_at, flags, extra)
       SELECT v, t, x, y, s, h, alt, acc, f, $10, sh, $11, fl, ex
         FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[], $4::float8[], $5::real[], $6::smallint[], $7::real[], $8::real[], $9::bigint[],
                     $12::smallint[], $13::smallint[], $14::jsonb[]) AS u(v, t, x, y, s, h, alt, acc, f, sh, fl, ex)
       ON CONFLICT DO NOTHING RETURNING vehicle_id, ts`,
      [
        fixes.map((f) => f.vehicleId),
        fixes.map((f) => new Date(f.ts)),
        fixes.map((f) => f.lon),
        fixes.map((f) => f.lat),
        fixes.map((f) => f.speedKmh),
        fixes.map((f) => f.heading),
        fixes.map((f) => f.altitudeM),
        fixes.map((f) => f.accuracyM),
        fixes.map((f) => f.alarmFlags),
        source,
        receivedAt,
        shards,
        fixes.map((f) => (f.late ? FIX_FLAG.late : 0) | (f.located === false ? FIX_FLAG.unlocated : 0)),
        fixes.map((f) => (f.extra ? JSON.stringify(f.extra) : null)),
      ],
    );
    const key = (vehicleId: string, ts: Date | number) => `${vehicleId}|${new Date(ts).getTime()}`;
    const outcome = new Map<string, InsertOutcome>(rows.map((r) => [key(r.vehicle_id, r.ts), { kind: 'stored' }]));
    // Fixes stored before that come with alarm bits: add the bits the stored row lacks. (A second
    // statement, and only when there is such a fix: ON CONFLICT DO UPDATE on the partitioned table
    // cannot say which rows it inserted. Crashing between the two loses nothing: the resend merges.)
    const known = fixes.filter((f) => f.alarmFlags !== 0 && !outcome.has(key(f.vehicleId, f.ts)));
    if (known.length === 0) return outcome;
    const merged = await this.db.query<{
      vehicle_id: string;
      ts: Date;
      lon: number;
      lat: number;
      alarm_flags: string;
      flags: number;
    }>(
      // In a CTE so that the answer is the rows (TypeORM answers a bare UPDATE with [rows, count]).
      `WITH m AS (
         UPDATE fixes f SET alarm_flags = f.alarm_flags | u.fa
           FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[]) AS u(v, t, fa)
          WHERE f.vehicle_id = u.v AND f.ts = u.t AND f.alarm_flags | u.fa <> f.alarm_flags
         RETURNING f.vehicle_id, f.ts, f.lon, f.lat, f.alarm_flags, f.flags)
       SELECT * FROM m`,
      [known.map((f) => f.vehicleId), known.map((f) => new Date(f.ts)), known.map((f) => f.alarmFlags)],
    );
    for (const r of merged)
      outcome.set(key(r.vehicle_id, r.ts), {
        kind: 'merged',
        lon: Number(r.lon),
        lat: Number(r.lat),
        alarmFlags: Number(r.alarm_flags),
        located: (Number(r.flags) & FIX_FLAG.unlocated) === 0,
      });
    return outcome;
  }

  /** Flags set by the evaluator (late, jump, inaccurate) and what a late fix's checks found. */
  async flag(
    items: Array<{ vehicleId: string; ts: number; flags: number; lateFindings: unknown[] | null }>,
  ): Promise<void> {
    if (items.length === 0) return;
    await this.db.query(
      `UPDATE fixes f SET flags = f.flags | u.fl, late_findings = coalesce(u.lf, f.late_findings)
         FROM unnest($1::uuid[], $2::timestamptz[], $3::smallint[], $4::jsonb[]) AS u(v, t, fl, lf)
        WHERE f.vehicle_id = u.v AND f.ts = u.t`,
      [
        items.map((i) => i.vehicleId),
        items.map((i) => new Date(i.ts)),
        items.map((i) => i.flags),
        items.map((i) => (i.lateFindings ? JSON.stringify(i.lateFindings) : null)),
      ],
    );
  }

  /** A vehicle's fixes in a window; reports without a position (unlocated) are no track points. */
  async track(vehicleId: string, from: Date, to: Date, limit: number): Promise<StoredFix[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT vehicle_id, ts, lon, lat, speed_kmh, heading, accuracy_m, alarm_flags, received_at, flags FROM fixes
        WHERE vehicle_id = $1 AND ts >= $2 AND ts < $3 AND flags & $5 = 0 ORDER BY ts LIMIT $4`,
      [vehicleId, from, to, limit, FIX_FLAG.unlocated],
    );
    return rows.map(toStored);
  }

  /** Fixes of a shard received since an instant, for replay on takeover, in (vehicle, ts) order. */
  async receivedSince(shard: number, since: Date): Promise<StoredFix[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT vehicle_id, ts, lon, lat, speed_kmh, heading, accuracy_m, alarm_flags, received_at, flags FROM fixes
        WHERE shard = $1 AND received_at >= $2 ORDER BY vehicle_id, ts`,
      [shard, since],
    );
    return rows.map(toStored);
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM fixes');
    return Number(row!.n);
  }

  /** Creates the daily partitions that do not exist yet in [fromDay, toDay] (UTC days). */
  async ensurePartitions(days: string[]): Promise<string[]> {
    const created: string[] = [];
    for (const day of days) {
      const name = `fixes_${day.replace(/-/g, '')}`;
      const [exists] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_class WHERE relname = $1`, [
        name,
      ]);
      if (Number(exists!.n) > 0) continue;
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      // A default partition holding rows of that day would refuse the new partition: move them.
      await this.db.transaction(async () => {
        await this.db.query(`CREATE TEMP TABLE IF NOT EXISTS fixes_moving (LIKE fixes) ON COMMIT DROP`);
        await this.db.query(
          `WITH moved AS (DELETE FROM fixes_default WHERE ts >= $1 AND ts < $2 RETURNING *) INSERT INTO fixes_moving SELECT * FROM moved`,
          [day, next],
        );
        await this.db.query(`CREATE TABLE ${name} PARTITION OF fixes FOR VALUES FROM ('${day}') TO ('${next}')`);
        await this.db.query(`INSERT INTO fixes SELECT * FROM fixes_moving`);
      });
      created.push(name);
    }
    return created;
  }

  /** Drops daily partitions entirely older than the cutoff day, and old rows of the default partition. */
  async dropBefore(cutoffDay: string): Promise<string[]> {
    const parts = await this.db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'fixes' AND c.relname ~ '^fixes_[0-9]{8}$'`,
    );
    const dropped: string[] = [];
    const cutoff = cutoffDay.replace(/-/g, '');
    for (const { relname } of parts) {
      if (relname.slice(6) < cutoff) {
        await this.db.query(`DROP TABLE ${relname}`);
        dropped.push(relname);
      }
    }
    await this.db.query('DELETE FROM fixes_default WHERE ts < $1', [cutoffDay]);
    return dropped;
  }
}
