import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Facility passages (issue 18): the geofence engine reports a vehicle on an e-waybill entering and
 * leaving registered facility fences, and the evaluator stores them with the fix's violations, so
 * trip matching (departure, arrival) reads these rows instead of the track. The key is the passage
 * itself: a replay of the same fixes writes nothing twice. The assignment carries the waybill's two
 * ends, which the engine needs to tell departure and WRONG_DESTINATION. The waybill's progress_ts
 * (how far the track had been read) goes: matching walks the trip's passages from loading.
 */
export class FacilityPassages1797100000000 implements MigrationInterface {
  name = 'FacilityPassages1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE facility_passages (
        vehicle_id uuid NOT NULL CONSTRAINT fk_facility_passages_vehicle REFERENCES vehicles(id),
        facility_id uuid NOT NULL CONSTRAINT fk_facility_passages_facility REFERENCES facilities(id),
        ts timestamptz NOT NULL,
        kind text NOT NULL,
        lon double precision NOT NULL,
        lat double precision NOT NULL,
        speed_kmh real NOT NULL,
        waybill_id uuid NOT NULL,
        CONSTRAINT pk_facility_passages PRIMARY KEY (vehicle_id, ts, facility_id, kind),
        CONSTRAINT ck_facility_passages_kind CHECK (kind IN ('entered', 'left'))
      )`);
    await q.query('ALTER TABLE vehicle_assignments ADD COLUMN loading_facility_id uuid');
    await q.query('ALTER TABLE vehicle_assignments ADD COLUMN unloading_facility_id uuid');
    // Trips loaded before this migration: without their ends the engine could not tell the trip's
    // own bays from another enterprise's (it raises no WRONG_DESTINATION then, see the engine).
    await q.query(`
      UPDATE vehicle_assignments a
         SET loading_facility_id = w.loading_facility_id, unloading_facility_id = w.unloading_facility_id
        FROM waybills w
       WHERE w.id = a.waybill_id`);
    await q.query('ALTER TABLE waybills DROP COLUMN progress_ts');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE waybills ADD COLUMN progress_ts timestamptz');
    await q.query('ALTER TABLE vehicle_assignments DROP COLUMN unloading_facility_id');
    await q.query('ALTER TABLE vehicle_assignments DROP COLUMN loading_facility_id');
    await q.query('DROP TABLE facility_passages');
  }
}
