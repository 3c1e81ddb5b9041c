import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { ControlledSaleEntity } from './controlled-sale.entity.js';

@Injectable()
export class ControlledSaleRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(ControlledSaleEntity);
  }

  /** Once per movement and chemical: booking the same sale again writes nothing. */
  async insert(s: ControlledSaleEntity): Promise<void> {
    await this.repo.createQueryBuilder().insert().values(s).orIgnore().execute();
  }

  /** Sales no filing has recorded yet, oldest due first. */
  unfiled(limit: number): Promise<ControlledSaleEntity[]> {
    return this.repo
      .createQueryBuilder('s')
      .where('s.filing_id IS NULL')
      .orderBy('s.due_at')
      .addOrderBy('s.id')
      .limit(limit)
      .getMany();
  }

  /** The filing duties of sales that were reversed before any filing recorded them. */
  async dropUnfiled(movementIds: string[]): Promise<void> {
    if (movementIds.length === 0) return;
    await this.db.query('DELETE FROM controlled_sales WHERE movement_id = ANY($1) AND filing_id IS NULL', [
      movementIds,
    ]);
  }

  async update(id: string, patch: Partial<ControlledSaleEntity>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  list(f: {
    sellerId: string | null;
    overdueAt: Date | null;
    after: string | null;
    limit: number;
  }): Promise<ControlledSaleEntity[]> {
    const qb = this.repo.createQueryBuilder('s').orderBy('s.id', 'ASC').limit(f.limit);
    if (f.sellerId) qb.andWhere('s.seller_id = :e', { e: f.sellerId });
    if (f.overdueAt) qb.andWhere('s.filing_id IS NULL AND s.due_at <= :now', { now: f.overdueAt });
    if (f.after) qb.andWhere('s.id > :after', { after: f.after });
    return qb.getMany();
  }
}
