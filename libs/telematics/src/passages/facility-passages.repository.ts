import { Injectable } from '@nestjs/common';
import type { FacilityPassage } from '@lib/geofence';
import { Database } from '@lib/platform';

/** A vehicle on an e-waybill entering or leaving a registered facility's fence, as stored. */
export interface StoredPassage {
  vehicleId: string;
  facilityId: string;
  waybillId: string;
  kind: 'entered' | 'left';
  ts: Date;
  lon: number;
  lat: number;
  speedKmh: number;
}

interface Row {
  vehicle_id: string;
  facility_id: string;
  waybill_id: string;
  kind: 'entered' | 'left';
  ts: Date;
  lon: number;
  lat: number;
  speed_kmh: number;
}

const toStored = (r: Row): StoredPassage => ({
  vehicleId: r.vehicle_id,
  facilityId: r.facility_id,
  waybillId: r.waybill_id,
  kind: r.kind,
  ts: new Date(r.ts),
  lon: Number(r.lon),
  lat: Number(r.lat),
  speedKmh: Number(r.speed_kmh),
});

/** At most this many passages are read per call (a trip has a handful). */
const MAX_PASSAGES = 1000;

@Injectable()
export class FacilityPassagesRepository {
  constructor(private readonly db: Database) {}

  /** Stores the engine's passages (inside the caller's transaction); one already stored is a no-op. */
  async record(passages: readonly FacilityPassage[]): Promise<void> {
    if (passages.length === 0) return;
    await this.db.query(
      `INSERT INTO facility_passages (vehicle_id, facility_id, ts, kind, lon, lat, speed_kmh, waybill_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::float8[], $6::float8[],
                            $7::real[], $8::uuid[])
       ON CONFLICT DO NOTHING`,
      [
        passages.map((p) => p.vehicleId),
        passages.map((p) => p.facilityId),
        passages.map((p) => new Date(p.ts).toISOString()),
        passages.map((p) => p.kind),
        passages.map((p) => p.lon),
        passages.map((p) => p.lat),
        passages.map((p) => p.speedKmh),
        passages.map((p) => p.waybillId),
      ],
    );
  }

  /**
   * The vehicle's passages under one waybill stamped at or after `from`, oldest first ('left'
   * before 'entered' at one instant).
   */
  async ofTrip(vehicleId: string, waybillId: string, from: Date): Promise<StoredPassage[]> {
    const rows = await this.db.query<Row>(
      `SELECT vehicle_id, facility_id, waybill_id, kind, ts, lon, lat, speed_kmh FROM facility_passages
        WHERE vehicle_id = $1 AND ts >= $2 AND waybill_id = $3
        ORDER BY ts, kind DESC, facility_id LIMIT ${MAX_PASSAGES}`,
      [vehicleId, from, waybillId],
    );
    return rows.map(toStored);
  }
}
