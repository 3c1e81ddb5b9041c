import { Injectable } from '@nestjs/common';
import type { DriverCardEvent } from '@lib/geofence';
import { Database } from '@lib/platform';

/** One driver card inserted or removed, as stored. `citizenId` is personal data: masked above the service. */
export interface DriverCardRecord {
  id: string;
  vehicleId: string;
  waybillId: string | null;
  status: 'inserted' | 'removed';
  ts: Date;
  receivedAt: Date;
  readResult: string | null;
  driverName: string | null;
  qualificationNumber: string | null;
  issuer: string | null;
  validUntil: string | null;
  citizenId: string | null;
  onWaybill: boolean | null;
  layout: number;
}

interface Row {
  id: string;
  vehicle_id: string;
  waybill_id: string | null;
  status: 'inserted' | 'removed';
  ts: Date;
  received_at: Date;
  read_result: string | null;
  driver_name: string | null;
  qualification_number: string | null;
  issuer: string | null;
  valid_until: string | Date | null;
  citizen_id: string | null;
  on_waybill: boolean | null;
  layout: number;
}

const toRecord = (r: Row): DriverCardRecord => ({
  id: r.id,
  vehicleId: r.vehicle_id,
  waybillId: r.waybill_id,
  status: r.status,
  ts: new Date(r.ts),
  receivedAt: new Date(r.received_at),
  readResult: r.read_result,
  driverName: r.driver_name,
  qualificationNumber: r.qualification_number,
  issuer: r.issuer,
  validUntil: r.valid_until instanceof Date ? r.valid_until.toISOString().slice(0, 10) : r.valid_until,
  citizenId: r.citizen_id,
  onWaybill: r.on_waybill,
  layout: Number(r.layout),
});

/** At most this many card events per vehicle are handed to the engine at once (the newest). */
const MAX_EVENTS_PER_VEHICLE = 20;

@Injectable()
export class DriverCardsRepository {
  constructor(private readonly db: Database) {}

  /** Stores the event; false when it was stored before (a terminal resending its report). */
  async insert(r: DriverCardRecord): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO driver_card_events (id, vehicle_id, waybill_id, status, ts, received_at, read_result, driver_name,
         qualification_number, issuer, valid_until, citizen_id, on_waybill, layout)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        r.id,
        r.vehicleId,
        r.waybillId,
        r.status,
        r.ts,
        r.receivedAt,
        r.readResult,
        r.driverName,
        r.qualificationNumber,
        r.issuer,
        r.validUntil,
        r.citizenId,
        r.onWaybill,
        r.layout,
      ],
    );
    return rows.length > 0;
  }

  /**
   * The card events the engine has not applied yet: per vehicle, those after its cursor and at or
   * before its newest fix in the batch, oldest first (at most the newest MAX_EVENTS_PER_VEHICLE).
   */
  async forEvaluation(cursors: Array<{ vehicleId: string; after: number; upTo: number }>): Promise<DriverCardEvent[]> {
    if (cursors.length === 0) return [];
    const rows = await this.db.query<{
      vehicle_id: string;
      ts: Date;
      status: string;
      qualification_number: string | null;
      driver_name: string | null;
    }>(
      `SELECT u.v AS vehicle_id, e.ts, e.status, e.qualification_number, e.driver_name
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS u(v, after, up_to)
         CROSS JOIN LATERAL (
           SELECT ts, status, qualification_number, driver_name FROM driver_card_events
            WHERE vehicle_id = u.v AND ts > u.after AND ts <= u.up_to
            ORDER BY ts DESC, id DESC LIMIT ${MAX_EVENTS_PER_VEHICLE}) e
        ORDER BY e.ts`,
      [cursors.map((c) => c.vehicleId), cursors.map((c) => new Date(c.after)), cursors.map((c) => new Date(c.upTo))],
    );
    return rows.map((r) => ({
      vehicleId: r.vehicle_id,
      ts: new Date(r.ts).getTime(),
      inserted: r.status === 'inserted',
      qualificationNumber: r.qualification_number,
      name: r.driver_name,
    }));
  }

  /** A vehicle's card events, newest first. */
  async ofVehicle(vehicleId: string, limit: number): Promise<DriverCardRecord[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM driver_card_events WHERE vehicle_id = $1 ORDER BY ts DESC, received_at DESC LIMIT $2',
      [vehicleId, limit],
    );
    return rows.map(toRecord);
  }
}
