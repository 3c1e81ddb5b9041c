import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { escapeLike } from '../enterprises/enterprise.repository.js';
import { VehicleEntity } from './vehicle.entity.js';

@Injectable()
export class VehicleRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(VehicleEntity);
  }

  findById(id: string): Promise<VehicleEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async findForUpdate(id: string): Promise<VehicleEntity | null> {
    const rows = await this.repo
      .createQueryBuilder('v')
      .setLock('pessimistic_write')
      .where('v.id = :id', { id })
      .getMany();
    return rows[0] ?? null;
  }

  findByTerminal(terminalId: string): Promise<VehicleEntity | null> {
    return this.repo.findOneBy({ terminalId });
  }

  async findByIds(ids: string[]): Promise<VehicleEntity[]> {
    if (ids.length === 0) return [];
    return this.repo.createQueryBuilder('v').where('v.id = ANY(:ids)', { ids }).getMany();
  }

  /** Which of these plates and terminal ids are taken already. */
  async taken(
    plates: string[],
    terminals: string[],
    exceptIds: string[],
  ): Promise<{ plates: Set<string>; terminals: Set<string> }> {
    const rows = await this.db.query<{ plate: string; terminal_id: string | null }>(
      'SELECT plate, terminal_id FROM vehicles WHERE (plate = ANY($1) OR terminal_id = ANY($2)) AND id <> ALL($3)',
      [plates, terminals, exceptIds],
    );
    return {
      plates: new Set(rows.map((r) => r.plate)),
      terminals: new Set(rows.map((r) => r.terminal_id).filter((t): t is string => t !== null)),
    };
  }

  list(f: {
    carrierId?: string | null;
    kind?: string;
    status?: string;
    plate?: string;
    terminalId?: string;
    after: string | null;
    limit: number;
  }): Promise<VehicleEntity[]> {
    const qb = this.repo.createQueryBuilder('v').orderBy('v.id', 'ASC').limit(f.limit);
    if (f.carrierId) qb.andWhere('v.carrier_id = :c', { c: f.carrierId });
    if (f.kind) qb.andWhere('v.kind = :k', { k: f.kind });
    if (f.status) qb.andWhere('v.status = :s', { s: f.status });
    if (f.plate) qb.andWhere('v.plate ILIKE :p', { p: `%${escapeLike(f.plate)}%` });
    if (f.terminalId) qb.andWhere('v.terminal_id = :t', { t: f.terminalId });
    if (f.after) qb.andWhere('v.id > :after', { after: f.after });
    return qb.getMany();
  }

  async insertMany(rows: VehicleEntity[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await this.repo.insert(rows.slice(i, i + 500));
  }

  async update(id: string, patch: Partial<VehicleEntity>): Promise<void> {
    await this.repo.update({ id }, { ...patch, updatedAt: new Date() });
  }
}
