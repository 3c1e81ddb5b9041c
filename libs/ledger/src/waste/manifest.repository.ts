import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { WasteManifestEntity } from '../movement.entity.js';

@Injectable()
export class ManifestRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(WasteManifestEntity);
  }

  findById(id: string): Promise<WasteManifestEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** The manifest, locked against a concurrent transition. */
  findForUpdate(id: string): Promise<WasteManifestEntity | null> {
    return this.repo.createQueryBuilder('m').where('m.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async insert(m: WasteManifestEntity): Promise<void> {
    await this.repo.insert(m);
  }

  async update(id: string, patch: Partial<WasteManifestEntity>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  /**
   * Hazardous waste in storage (a waste lot with stock at a facility) taken in before `before`:
   * since the facility's first addition of that lot (its generation, or its receipt on a manifest).
   */
  async storedBefore(
    before: Date,
    enterpriseId: string | null,
  ): Promise<
    Array<{
      facilityId: string;
      enterpriseId: string;
      lotId: string;
      lotNumber: string;
      wasteCode: string;
      quantityKg: number;
      storedSince: Date;
    }>
  > {
    const rows = await this.db.query<{
      facility_id: string;
      enterprise_id: string;
      lot_id: string;
      number: string;
      waste_code: string;
      quantity_kg: string;
      stored_since: Date | string;
    }>(
      `SELECT b.facility_id, s.enterprise_id, b.lot_id, l.number, l.waste_code, b.quantity_kg, s.stored_since
         FROM stock_balances b
         JOIN lots l ON l.id = b.lot_id AND l.waste_code IS NOT NULL
         JOIN LATERAL (
           SELECT min(m.occurred_at) AS stored_since, (array_agg(m.enterprise_id))[1] AS enterprise_id
             FROM movements m
            WHERE m.facility_id = b.facility_id AND m.lot_id = b.lot_id AND m.quantity_kg > 0) s ON true
        WHERE b.quantity_kg > 0 AND s.stored_since < $1
          AND ($2::uuid IS NULL OR s.enterprise_id = $2)
        ORDER BY s.stored_since, b.lot_id`,
      [before, enterpriseId],
    );
    return rows.map((r) => ({
      facilityId: r.facility_id,
      enterpriseId: r.enterprise_id,
      lotId: r.lot_id,
      lotNumber: r.number,
      wasteCode: r.waste_code,
      quantityKg: Number(r.quantity_kg),
      storedSince: new Date(r.stored_since),
    }));
  }

  list(f: {
    enterpriseId: string | null;
    state?: string;
    discrepancy?: boolean;
    wasteCode?: string;
    after: string | null;
    limit: number;
  }): Promise<WasteManifestEntity[]> {
    const qb = this.repo.createQueryBuilder('m').orderBy('m.id', 'ASC').limit(f.limit);
    if (f.enterpriseId) {
      qb.andWhere(
        '(m.generator_enterprise_id = :e OR m.receiver_enterprise_id = :e OR m.transporter_enterprise_id = :e)',
        { e: f.enterpriseId },
      );
    }
    if (f.state) qb.andWhere('m.state = :s', { s: f.state });
    if (f.discrepancy) qb.andWhere('m.discrepancy_kg IS NOT NULL');
    if (f.wasteCode) qb.andWhere('m.waste_code = :w', { w: f.wasteCode });
    if (f.after) qb.andWhere('m.id > :after', { after: f.after });
    return qb.getMany();
  }
}
