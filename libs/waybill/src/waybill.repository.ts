import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { WaybillEntity, WaybillItemEntity, WaybillTransitionEntity, WaybillVersionEntity } from './waybill.entity.js';

export interface WaybillFilter {
  partyId?: string | null;
  as?: 'consignor' | 'carrier' | 'consignee';
  status?: string;
  vehicleId?: string;
  chemicalId?: string;
  district?: string;
  from?: Date;
  to?: Date;
  overdueBefore?: Date;
  /** true: with a discrepancy; 'open': one not yet resolved. */
  discrepancy?: boolean | 'true' | 'open';
  number?: string;
  after: string | null;
  limit: number;
}

@Injectable()
export class WaybillRepository {
  constructor(private readonly db: Database) {}

  async nextSequence(): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(`SELECT nextval('waybill_number_seq') AS n`);
    return Number(row!.n);
  }

  findById(id: string): Promise<WaybillEntity | null> {
    return this.db.repository(WaybillEntity).findOneBy({ id });
  }

  /** The waybill, locked against a concurrent transition. */
  findForUpdate(id: string): Promise<WaybillEntity | null> {
    return this.db
      .repository(WaybillEntity)
      .createQueryBuilder('w')
      .where('w.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  async insert(w: WaybillEntity): Promise<void> {
    await this.db.repository(WaybillEntity).insert(w);
  }

  async update(id: string, patch: Partial<WaybillEntity>): Promise<void> {
    await this.db.repository(WaybillEntity).update({ id }, { ...patch, updatedAt: new Date() });
  }

  items(waybillId: string): Promise<WaybillItemEntity[]> {
    return this.db.repository(WaybillItemEntity).find({ where: { waybillId }, order: { line: 'ASC' } });
  }

  async itemsOf(waybillIds: string[]): Promise<Map<string, WaybillItemEntity[]>> {
    if (waybillIds.length === 0) return new Map();
    const rows = await this.db
      .repository(WaybillItemEntity)
      .createQueryBuilder('i')
      .where('i.waybill_id = ANY(:ids)', { ids: waybillIds })
      .orderBy('i.line', 'ASC')
      .getMany();
    const out = new Map<string, WaybillItemEntity[]>();
    for (const r of rows) out.set(r.waybillId, [...(out.get(r.waybillId) ?? []), r]);
    return out;
  }

  async replaceItems(waybillId: string, items: WaybillItemEntity[]): Promise<void> {
    await this.db.query('DELETE FROM waybill_items WHERE waybill_id = $1', [waybillId]);
    if (items.length) await this.db.repository(WaybillItemEntity).insert(items);
  }

  async updateItem(waybillId: string, line: number, patch: Partial<WaybillItemEntity>): Promise<void> {
    await this.db.repository(WaybillItemEntity).update({ waybillId, line }, patch);
  }

  async addVersion(v: WaybillVersionEntity): Promise<void> {
    await this.db.repository(WaybillVersionEntity).insert(v as never);
  }

  versions(waybillId: string): Promise<WaybillVersionEntity[]> {
    return this.db.repository(WaybillVersionEntity).find({ where: { waybillId }, order: { version: 'ASC' } });
  }

  async addTransition(t: WaybillTransitionEntity): Promise<void> {
    await this.db.repository(WaybillTransitionEntity).insert(t as never);
  }

  transitions(waybillId: string): Promise<WaybillTransitionEntity[]> {
    return this.db.repository(WaybillTransitionEntity).find({ where: { waybillId }, order: { at: 'ASC', id: 'ASC' } });
  }

  /**
   * Takes the assets for an active waybill. The primary key on the asset is what keeps a
   * vehicle, trailer, driver or escort on one active waybill: a concurrent submission waits
   * here for the first to commit, then finds the asset taken. Returns the assets already held
   * by another waybill.
   */
  async reserve(
    waybillId: string,
    assets: Array<{ id: string; kind: string }>,
  ): Promise<Array<{ id: string; kind: string; waybillId: string }>> {
    const taken: Array<{ id: string; kind: string; waybillId: string }> = [];
    for (const a of assets) {
      const inserted = await this.db.query<{ asset_id: string }>(
        `INSERT INTO waybill_active_assets (asset_id, asset_kind, waybill_id) VALUES ($1, $2, $3) ON CONFLICT (asset_id) DO NOTHING RETURNING asset_id`,
        [a.id, a.kind, waybillId],
      );
      if (inserted.length) continue;
      const [holder] = await this.db.query<{ waybill_id: string }>(
        'SELECT waybill_id FROM waybill_active_assets WHERE asset_id = $1',
        [a.id],
      );
      if (holder && holder.waybill_id !== waybillId) taken.push({ ...a, waybillId: holder.waybill_id });
    }
    return taken;
  }

  /**
   * Which of these assets another active waybill holds, with that waybill's consignor and carrier
   * (read only: whether its id may be named is the caller's rule).
   */
  async holders(
    assetIds: string[],
    exceptWaybillId: string | null,
  ): Promise<Array<{ assetId: string; waybillId: string; consignorId: string; carrierId: string }>> {
    if (assetIds.length === 0) return [];
    const rows = await this.db.query<{
      asset_id: string;
      waybill_id: string;
      consignor_id: string;
      carrier_id: string;
    }>(
      `SELECT a.asset_id, a.waybill_id, w.consignor_id, w.carrier_id
         FROM waybill_active_assets a JOIN waybills w ON w.id = a.waybill_id
        WHERE a.asset_id = ANY($1) AND ($2::uuid IS NULL OR a.waybill_id <> $2::uuid)`,
      [assetIds, exceptWaybillId],
    );
    return rows.map((r) => ({
      assetId: r.asset_id,
      waybillId: r.waybill_id,
      consignorId: r.consignor_id,
      carrierId: r.carrier_id,
    }));
  }

  /** Whether another waybill between submission and receipt names this waste manifest. */
  async manifestOnActiveWaybill(manifestId: string, exceptWaybillId: string | null): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM waybills
        WHERE manifest_id = $1 AND status IN ('submitted','loaded','in_transit','arrived')
          AND ($2::uuid IS NULL OR id <> $2::uuid)
        LIMIT 1`,
      [manifestId, exceptWaybillId],
    );
    return rows.length > 0;
  }

  async release(waybillId: string): Promise<void> {
    await this.db.query('DELETE FROM waybill_active_assets WHERE waybill_id = $1', [waybillId]);
  }

  list(f: WaybillFilter): Promise<WaybillEntity[]> {
    const qb = this.db.repository(WaybillEntity).createQueryBuilder('w').orderBy('w.id', 'ASC').limit(f.limit);
    if (f.partyId) {
      if (f.as) qb.andWhere(`w.${f.as}_id = :party`, { party: f.partyId });
      else
        qb.andWhere('(w.consignor_id = :party OR w.carrier_id = :party OR w.consignee_id = :party)', {
          party: f.partyId,
        });
    }
    if (f.status) qb.andWhere('w.status = :status', { status: f.status });
    if (f.vehicleId) qb.andWhere('(w.vehicle_id = :v OR w.trailer_id = :v)', { v: f.vehicleId });
    if (f.chemicalId)
      qb.andWhere('EXISTS (SELECT 1 FROM waybill_items i WHERE i.waybill_id = w.id AND i.chemical_id = :c)', {
        c: f.chemicalId,
      });
    if (f.district) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM facilities fa WHERE fa.id IN (w.loading_facility_id, w.unloading_facility_id) AND fa.district = :d)',
        { d: f.district },
      );
    }
    if (f.from) qb.andWhere('w.planned_departure >= :from', { from: f.from });
    if (f.to) qb.andWhere('w.planned_departure < :to', { to: f.to });
    if (f.overdueBefore)
      qb.andWhere(`w.status IN ('loaded','in_transit','arrived') AND w.planned_arrival < :od`, { od: f.overdueBefore });
    if (f.discrepancy) qb.andWhere('w.discrepancy IS NOT NULL');
    if (f.discrepancy === 'open') qb.andWhere('w.discrepancy_resolution IS NULL');
    if (f.number) qb.andWhere('w.number = :n', { n: f.number });
    if (f.after) qb.andWhere('w.id > :after', { after: f.after });
    return qb.getMany();
  }

  /** Waybills that should have left by now but have not (the NOT_DEPARTED sweep). */
  notDeparted(before: Date): Promise<WaybillEntity[]> {
    return this.db
      .repository(WaybillEntity)
      .createQueryBuilder('w')
      .where(`w.status IN ('submitted','loaded') AND w.planned_departure < :before`, { before })
      .getMany();
  }
}
