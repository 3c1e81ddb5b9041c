import { Injectable } from '@nestjs/common';
import type { VehicleState } from '@lib/geofence';
import { Database } from '@lib/platform';

/** Checkpoints of the engine's per-vehicle state, so another worker can take a shard over. */
@Injectable()
export class EngineStatesRepository {
  constructor(private readonly db: Database) {}

  /** The shard's checkpointed states and when the shard was last checkpointed. */
  async ofShard(shard: number): Promise<{ states: VehicleState[]; lastCheckpoint: Date | null }> {
    const rows = await this.db.query<{ state: VehicleState; updated_at: Date }>(
      'SELECT state, updated_at FROM vehicle_engine_states WHERE shard = $1',
      [shard],
    );
    const last = rows.reduce<number | null>((m, r) => Math.max(m ?? 0, r.updated_at.getTime()), null);
    return { states: rows.map((r) => r.state), lastCheckpoint: last === null ? null : new Date(last) };
  }

  async ofVehicles(vehicleIds: string[]): Promise<VehicleState[]> {
    if (vehicleIds.length === 0) return [];
    const rows = await this.db.query<{ state: VehicleState }>(
      'SELECT state FROM vehicle_engine_states WHERE vehicle_id = ANY($1)',
      [vehicleIds],
    );
    return rows.map((r) => r.state);
  }

  async save(shard: number, states: VehicleState[]): Promise<void> {
    if (states.length === 0) return;
    await this.db.query(
      `INSERT INTO vehicle_engine_states (vehicle_id, shard, watermark, state, updated_at)
       SELECT v, $2, w, s, now() FROM unnest($1::uuid[], $3::timestamptz[], $4::jsonb[]) AS u(v, w, s)
       ON CONFLICT (vehicle_id) DO UPDATE SET shard = EXCLUDED.shard, watermark = EXCLUDED.watermark, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
        WHERE vehicle_engine_states.watermark <= EXCLUDED.watermark`,
      [
        states.map((s) => s.vehicleId),
        shard,
        states.map((s) => new Date(s.watermark)),
        states.map((s) => JSON.stringify(s)),
      ],
    );
  }
}
