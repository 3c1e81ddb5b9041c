import { Injectable } from '@nestjs/common';
import { NOT_A_POSITION } from './fix.js';
import { FixesRepository, type StoredFix } from './fixes.repository.js';

/** A vehicle's usable fixes over a time window, for other contexts (an e-waybill's trip). */
@Injectable()
export class TrackReader {
  constructor(private readonly fixes: FixesRepository) {}

  async usable(vehicleId: string, from: Date, to: Date, limit = 50_000): Promise<StoredFix[]> {
    return (await this.fixes.track(vehicleId, from, to, limit)).filter((f) => !(f.flags & NOT_A_POSITION));
  }
}
