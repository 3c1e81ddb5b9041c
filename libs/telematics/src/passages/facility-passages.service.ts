import { Injectable } from '@nestjs/common';
import { FacilityPassagesRepository, type StoredPassage } from './facility-passages.repository.js';

/**
 * The facility passages the evaluator stored (the geofence engine's report of a vehicle on an
 * e-waybill entering and leaving registered facility fences), for the waybill context's trip
 * matching. The rows are durable: a matching job that was lost loses nothing.
 */
@Injectable()
export class FacilityPassages {
  constructor(private readonly passages: FacilityPassagesRepository) {}

  /** The vehicle's passages under the waybill stamped at or after `from` (its loading), oldest first. */
  ofTrip(vehicleId: string, waybillId: string, from: Date): Promise<StoredPassage[]> {
    return this.passages.ofTrip(vehicleId, waybillId, from);
  }
}
