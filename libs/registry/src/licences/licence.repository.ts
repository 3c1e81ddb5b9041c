import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import type { LicenceKind } from '../vocabulary.js';
import { LicenceEntity } from './licence.entity.js';

@Injectable()
export class LicenceRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(LicenceEntity);
  }

  findById(id: string): Promise<LicenceEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** Licences of given kinds held by an enterprise (any status, any dates: the caller explains). */
  async ofKinds(enterpriseId: string, kinds: readonly LicenceKind[]): Promise<LicenceEntity[]> {
    if (kinds.length === 0) return [];
    return this.repo
      .createQueryBuilder('l')
      .where('l.enterprise_id = :enterpriseId AND l.kind = ANY(:kinds)', { enterpriseId, kinds })
      .orderBy('l.valid_to', 'DESC')
      .getMany();
  }

  list(f: {
    enterpriseId: string | null;
    kind?: LicenceKind;
    expiringBy?: string;
    today?: string;
    after: string | null;
    limit: number;
  }): Promise<LicenceEntity[]> {
    const qb = this.repo.createQueryBuilder('l').orderBy('l.id', 'ASC').limit(f.limit);
    if (f.enterpriseId) qb.andWhere('l.enterprise_id = :e', { e: f.enterpriseId });
    if (f.kind) qb.andWhere('l.kind = :k', { k: f.kind });
    if (f.expiringBy) {
      qb.andWhere(`l.status = 'valid' AND l.valid_to >= :today AND l.valid_to <= :by`, {
        today: f.today,
        by: f.expiringBy,
      });
    }
    if (f.after) qb.andWhere('l.id > :after', { after: f.after });
    return qb.getMany();
  }

  /** Valid licences whose validity ends between two dates (inclusive), in date order. */
  expiringBetween(from: string, to: string): Promise<LicenceEntity[]> {
    return this.db
      .repository(LicenceEntity)
      .createQueryBuilder('l')
      .where("l.status = 'valid' AND l.valid_to BETWEEN :from AND :to", { from, to })
      .orderBy('l.valid_to')
      .addOrderBy('l.id')
      .getMany();
  }

  async insert(l: LicenceEntity): Promise<void> {
    await this.repo.insert(l);
  }

  async setStatus(id: string, status: LicenceEntity['status'], reason: string | null, at: Date): Promise<void> {
    await this.repo.update({ id }, { status, statusReason: reason, statusChangedAt: at, updatedAt: at });
  }
}
