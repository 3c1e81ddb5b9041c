import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { AssignmentEntity } from './assignment.entity.js';

/** Vehicle assignments (one row per vehicle) and the version counter every evaluator's cache watches. */
@Injectable()
export class AssignmentsRepository {
  constructor(private readonly db: Database) {}

  private repo() {
    return this.db.repository(AssignmentEntity);
  }

  /** The vehicle's assignment, locked for the rest of the transaction. */
  lockOne(vehicleId: string): Promise<AssignmentEntity | null> {
    return this.repo()
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.vehicle_id = :vehicleId', { vehicleId })
      .getOne();
  }

  findOne(vehicleId: string): Promise<AssignmentEntity | null> {
    return this.repo().findOneBy({ vehicleId });
  }

  forVehicles(vehicleIds: string[]): Promise<AssignmentEntity[]> {
    return this.repo().createQueryBuilder('a').where('a.vehicle_id = ANY(:ids)', { ids: vehicleIds }).getMany();
  }

  async upsert(row: AssignmentEntity): Promise<void> {
    await this.repo().upsert(row, ['vehicleId']);
  }

  /** Deletes the assignment if the waybill still holds it; whether it did. */
  async deleteOfWaybill(vehicleId: string, waybillId: string): Promise<boolean> {
    const gone = await this.db.query<{ vehicleId: string }>(
      // (A CTE: TypeORM answers a bare DELETE … RETURNING with [rows, count], which is never empty.)
      `WITH gone AS (DELETE FROM vehicle_assignments WHERE vehicle_id = $1 AND waybill_id = $2 RETURNING vehicle_id)
       SELECT vehicle_id AS "vehicleId" FROM gone`,
      [vehicleId, waybillId],
    );
    return gone.length > 0;
  }

  async version(): Promise<number> {
    const [row] = await this.db.query<{ value: string }>(
      `SELECT value FROM telematics_meta WHERE key = 'assignments_version'`,
    );
    return Number(row?.value ?? 0);
  }

  async bumpVersion(): Promise<void> {
    await this.db.query(
      `INSERT INTO telematics_meta (key, value) VALUES ('assignments_version', 1) ON CONFLICT (key) DO UPDATE SET value = telematics_meta.value + 1`,
    );
  }
}
