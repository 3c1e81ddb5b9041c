import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import type { CreditStatus, District, EnterpriseRole } from '../vocabulary.js';
import { CreditEventEntity, EnterpriseEntity } from './enterprise.entity.js';

export interface EnterpriseFilter {
  ids?: string[];
  district?: District;
  role?: EnterpriseRole;
  creditStatus?: CreditStatus;
  q?: string;
  after?: string | null;
  limit: number;
}

@Injectable()
export class EnterpriseRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(EnterpriseEntity);
  }

  findById(id: string): Promise<EnterpriseEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async findByIds(ids: string[]): Promise<EnterpriseEntity[]> {
    if (ids.length === 0) return [];
    return this.repo.createQueryBuilder('e').where('e.id = ANY(:ids)', { ids }).getMany();
  }

  async findByCreditCodes(codes: string[]): Promise<EnterpriseEntity[]> {
    if (codes.length === 0) return [];
    return this.repo.createQueryBuilder('e').where('e.credit_code = ANY(:codes)', { codes }).getMany();
  }

  /** Locks the row for a status change or a check that must not race with one. */
  findForUpdate(id: string): Promise<EnterpriseEntity | null> {
    return this.repo.createQueryBuilder('e').where('e.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  list(f: EnterpriseFilter): Promise<EnterpriseEntity[]> {
    const qb = this.repo.createQueryBuilder('e').orderBy('e.id', 'ASC').limit(f.limit);
    if (f.ids) qb.andWhere('e.id = ANY(:ids)', { ids: f.ids });
    if (f.district) qb.andWhere('e.district = :district', { district: f.district });
    if (f.role) qb.andWhere(':role = ANY(e.roles)', { role: f.role });
    if (f.creditStatus) qb.andWhere('e.credit_status = :cs', { cs: f.creditStatus });
    if (f.q) qb.andWhere('(e.name ILIKE :q OR e.credit_code ILIKE :q)', { q: `%${escapeLike(f.q)}%` });
    if (f.after) qb.andWhere('e.id > :after', { after: f.after });
    return qb.getMany();
  }

  async insertMany(rows: EnterpriseEntity[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await this.repo.insert(rows.slice(i, i + 500));
  }

  async update(id: string, patch: Partial<EnterpriseEntity>): Promise<void> {
    await this.repo.update({ id }, { ...patch, updatedAt: new Date() });
  }

  async addCreditEvent(event: CreditEventEntity): Promise<void> {
    await this.db.repository(CreditEventEntity).insert(event);
  }

  creditHistory(enterpriseId: string): Promise<CreditEventEntity[]> {
    return this.db
      .repository(CreditEventEntity)
      .find({ where: { enterpriseId }, order: { recordedAt: 'ASC', id: 'ASC' } });
  }
}

/** Escapes LIKE wildcards in user input so that "%" and "_" match themselves. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
