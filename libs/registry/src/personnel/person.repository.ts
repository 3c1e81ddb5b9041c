import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { PersonEntity } from './person.entity.js';

@Injectable()
export class PersonRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(PersonEntity);
  }

  findById(id: string): Promise<PersonEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async findByIds(ids: string[]): Promise<PersonEntity[]> {
    if (ids.length === 0) return [];
    return this.repo.createQueryBuilder('p').where('p.id = ANY(:ids)', { ids }).getMany();
  }

  async findForUpdate(id: string): Promise<PersonEntity | null> {
    const rows = await this.repo
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.id = :id', { id })
      .getMany();
    return rows[0] ?? null;
  }

  /** Which of these (employer, id number) pairs the employer has registered already: its own records only. */
  async takenIdNumbers(pairs: Array<{ employerId: string; idNumber: string }>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = await this.db.query<{ employer_id: string; id_number: string }>(
      `SELECT employer_id, id_number FROM personnel
        WHERE (employer_id, id_number) IN (SELECT * FROM unnest($1::uuid[], $2::char(18)[]))`,
      [pairs.map((p) => p.employerId), pairs.map((p) => p.idNumber)],
    );
    return new Set(rows.map((r) => `${r.employer_id}|${r.id_number}`));
  }

  list(f: {
    employerId?: string | null;
    role?: string;
    expiringBy?: string;
    after: string | null;
    limit: number;
  }): Promise<PersonEntity[]> {
    const qb = this.repo.createQueryBuilder('p').orderBy('p.id', 'ASC').limit(f.limit);
    if (f.employerId) qb.andWhere('p.employer_id = :e', { e: f.employerId });
    if (f.role) qb.andWhere('p.role = :r', { r: f.role });
    if (f.expiringBy) qb.andWhere('p.qualification_expiry <= :by', { by: f.expiringBy });
    if (f.after) qb.andWhere('p.id > :after', { after: f.after });
    return qb.getMany();
  }

  async insertMany(rows: PersonEntity[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await this.repo.insert(rows.slice(i, i + 500));
  }

  async update(id: string, patch: Partial<PersonEntity>): Promise<void> {
    await this.repo.update({ id }, { ...patch, updatedAt: new Date() });
  }
}
