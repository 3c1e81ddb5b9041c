import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { FacilityEntity } from './facility.entity.js';

@Injectable()
export class FacilityRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(FacilityEntity);
  }

  findById(id: string): Promise<FacilityEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async findForUpdate(id: string): Promise<FacilityEntity | null> {
    const rows = await this.repo
      .createQueryBuilder('f')
      .setLock('pessimistic_write')
      .where('f.id = :id', { id })
      .getMany();
    return rows[0] ?? null;
  }

  async findByIds(ids: string[]): Promise<FacilityEntity[]> {
    if (ids.length === 0) return [];
    return this.repo.createQueryBuilder('f').where('f.id = ANY(:ids)', { ids }).getMany();
  }

  list(f: {
    enterpriseId?: string | null;
    kind?: string;
    district?: string;
    bbox?: number[];
    activeOnly?: boolean;
    after: string | null;
    limit: number;
  }): Promise<FacilityEntity[]> {
    const qb = this.repo.createQueryBuilder('f').orderBy('f.id', 'ASC').limit(f.limit);
    if (f.enterpriseId) qb.andWhere('f.enterprise_id = :e', { e: f.enterpriseId });
    if (f.kind) qb.andWhere('f.kind = :k', { k: f.kind });
    if (f.district) qb.andWhere('f.district = :d', { d: f.district });
    if (f.activeOnly) qb.andWhere(`f.status = 'active'`);
    if (f.bbox) {
      const [minLon, minLat, maxLon, maxLat] = f.bbox;
      qb.andWhere('f.max_lon >= :minLon AND f.min_lon <= :maxLon AND f.max_lat >= :minLat AND f.min_lat <= :maxLat', {
        minLon,
        minLat,
        maxLon,
        maxLat,
      });
    }
    if (f.after) qb.andWhere('f.id > :after', { after: f.after });
    return qb.getMany();
  }

  async insert(row: FacilityEntity): Promise<void> {
    await this.repo.insert(row);
  }

  async update(id: string, patch: Partial<FacilityEntity>): Promise<void> {
    await this.repo.update({ id }, { ...patch, updatedAt: new Date() });
  }
}
