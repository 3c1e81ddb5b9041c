import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { Agency } from '../auth/principal.js';
import { FilingEntity } from './filing.entity.js';
import type { Filing, FilingKind, FilingStatus } from './filing-kinds.js';

export interface FilingFilter {
  agency?: Agency;
  enterpriseId?: string;
  kind?: FilingKind;
  status?: FilingStatus;
  subjectId?: string;
  /** Keyset: filings after this (filedAt, id). */
  after: { at: string; id: string } | null;
  limit: number;
}

@Injectable()
export class FilingRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(FilingEntity);
  }

  async insert(f: Filing): Promise<void> {
    await this.repo.insert(f as never);
  }

  findById(id: string): Promise<Filing | null> {
    return this.repo.findOneBy({ id }) as Promise<Filing | null>;
  }

  /** Locks one filing for its decision (two reviewers deciding at once: the second sees the first's answer). */
  async findForUpdate(id: string): Promise<Filing | null> {
    const rows = await this.repo
      .createQueryBuilder('f')
      .setLock('pessimistic_write')
      .where('f.id = :id', { id })
      .getMany();
    return (rows[0] as Filing | undefined) ?? null;
  }

  /** The pending filings of one kind about one subject (at most one, by the partial unique index). */
  pendingFor(kind: FilingKind, subjectId: string): Promise<Filing[]> {
    return this.repo.findBy({ kind, subjectId, status: 'pending' }) as Promise<Filing[]>;
  }

  /** Pending filings about any of these subjects (views show what awaits confirmation). */
  async pendingAbout(subjectIds: string[]): Promise<Filing[]> {
    if (subjectIds.length === 0) return [];
    return (await this.repo
      .createQueryBuilder('f')
      .where("f.subject_id = ANY(:ids) AND f.status = 'pending'", { ids: subjectIds })
      .orderBy('f.filed_at', 'ASC')
      .getMany()) as Filing[];
  }

  /** Oldest first: a work queue is worked from the longest waiting. */
  async list(f: FilingFilter): Promise<Filing[]> {
    const qb = this.repo.createQueryBuilder('f').orderBy('f.filed_at', 'ASC').addOrderBy('f.id', 'ASC').limit(f.limit);
    if (f.agency) qb.andWhere('f.agency = :agency', { agency: f.agency });
    if (f.enterpriseId) qb.andWhere('f.enterprise_id = :e', { e: f.enterpriseId });
    if (f.kind) qb.andWhere('f.kind = :kind', { kind: f.kind });
    if (f.status) qb.andWhere('f.status = :status', { status: f.status });
    if (f.subjectId) qb.andWhere('f.subject_id = :s', { s: f.subjectId });
    if (f.after) qb.andWhere('(f.filed_at, f.id) > (:at, :id)', { at: f.after.at, id: f.after.id });
    return (await qb.getMany()) as Filing[];
  }

  async update(id: string, patch: Partial<Filing>): Promise<void> {
    await this.repo.update({ id }, patch as never);
  }

  async supersede(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE filings SET status = 'superseded', decided_at = $2, reason = 'filed again' WHERE id = ANY($1) AND status = 'pending'`,
      [ids, at],
    );
  }
}
