import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { RouteEntity, type FenceStatus, ZoneEntity } from './fence.entity.js';

@Injectable()
export class FencesRepository {
  constructor(private readonly db: Database) {}

  route(id: string): Promise<RouteEntity | null> {
    return this.db.repository(RouteEntity).findOneBy({ id });
  }

  zone(id: string): Promise<ZoneEntity | null> {
    return this.db.repository(ZoneEntity).findOneBy({ id });
  }

  async routesByIds(ids: string[]): Promise<RouteEntity[]> {
    if (ids.length === 0) return [];
    return this.db.repository(RouteEntity).createQueryBuilder('r').where('r.id = ANY(:ids)', { ids }).getMany();
  }

  listRoutes(f: { status?: FenceStatus; after: string | null; limit: number }): Promise<RouteEntity[]> {
    const qb = this.db.repository(RouteEntity).createQueryBuilder('r').orderBy('r.id', 'ASC').limit(f.limit);
    if (f.status) qb.andWhere('r.status = :s', { s: f.status });
    if (f.after) qb.andWhere('r.id > :a', { a: f.after });
    return qb.getMany();
  }

  listZones(f: { status?: FenceStatus; kind?: string; after: string | null; limit: number }): Promise<ZoneEntity[]> {
    const qb = this.db.repository(ZoneEntity).createQueryBuilder('z').orderBy('z.id', 'ASC').limit(f.limit);
    if (f.status) qb.andWhere('z.status = :s', { s: f.status });
    if (f.kind) qb.andWhere('z.kind = :k', { k: f.kind });
    if (f.after) qb.andWhere('z.id > :a', { a: f.after });
    return qb.getMany();
  }

  /** What the engine enforces: approved routes and zones. */
  async approved(): Promise<{ routes: RouteEntity[]; zones: ZoneEntity[] }> {
    const [routes, zones] = await Promise.all([
      this.db.repository(RouteEntity).findBy({ status: 'approved' }),
      this.db.repository(ZoneEntity).findBy({ status: 'approved' }),
    ]);
    return { routes, zones };
  }

  async insertRoutes(rows: RouteEntity[]): Promise<void> {
    if (rows.length) await this.db.repository(RouteEntity).insert(rows);
  }

  async insertZones(rows: ZoneEntity[]): Promise<void> {
    if (rows.length) await this.db.repository(ZoneEntity).insert(rows);
  }

  async updateRoute(id: string, patch: Partial<RouteEntity>): Promise<void> {
    await this.db.repository(RouteEntity).update({ id }, { ...patch, updatedAt: new Date() });
  }

  async updateZone(id: string, patch: Partial<ZoneEntity>): Promise<void> {
    await this.db.repository(ZoneEntity).update({ id }, { ...patch, updatedAt: new Date() });
  }

  /** Bumped whenever what the engine enforces changes; evaluators rebuild when they see a new value. */
  async bumpVersion(): Promise<void> {
    await this.db.query(`UPDATE telematics_meta SET value = value + 1 WHERE key = 'fences_version'`);
  }

  async version(): Promise<number> {
    const [row] = await this.db.query<{ value: string }>(
      `SELECT value FROM telematics_meta WHERE key = 'fences_version'`,
    );
    return Number(row!.value);
  }
}
