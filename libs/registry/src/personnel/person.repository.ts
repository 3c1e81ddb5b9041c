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

  async takenIdNumbers(idNumbers: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ id_number: string }>(
      'SELECT id_number FROM personnel WHERE id_number = ANY($1)',
      [idNumbers],
    );
    return new Set(rows.map((r) => r.id_number));
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
