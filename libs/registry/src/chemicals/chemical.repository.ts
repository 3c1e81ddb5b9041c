import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { escapeLike } from '../enterprises/enterprise.repository.js';
import { ChemicalEntity } from './chemical.entity.js';

export interface ChemicalSearch {
  q?: string;
  highlyToxic?: boolean;
  unClass?: string;
  offset: number;
  limit: number;
}

@Injectable()
export class ChemicalRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(ChemicalEntity);
  }

  findById(id: string): Promise<ChemicalEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async findByIds(ids: string[]): Promise<ChemicalEntity[]> {
    if (ids.length === 0) return [];
    return this.repo.createQueryBuilder('c').where('c.id = ANY(:ids)', { ids }).getMany();
  }

  /**
   * Partial, case-insensitive search over CAS, UN number, names and synonyms. Exact hits (a CAS,
   * a UN number, a name or synonym equal to the query) rank first, then prefix hits, then the rest.
   */
  search(s: ChemicalSearch): Promise<ChemicalEntity[]> {
    const qb = this.repo.createQueryBuilder('c');
    if (s.q) {
      const q = s.q.trim();
      const un = /^(?:UN\s*)?(\d{4})$/i.exec(q)?.[1];
      const like = `%${escapeLike(q)}%`;
      const prefix = `${escapeLike(q)}%`;
      qb.where(
        `(c.cas ILIKE :like OR c.un_number ILIKE :like OR c.name_zh ILIKE :like OR c.name_en ILIKE :like
          OR array_to_string(c.synonyms, '|') ILIKE :like ${un ? 'OR c.un_number = :un' : ''})`,
        { like, un },
      )
        .addSelect(
          `CASE WHEN c.cas = :q OR c.un_number = :un OR lower(c.name_zh) = lower(:q) OR lower(c.name_en) = lower(:q)
                  OR :q = ANY(c.synonyms) THEN 0
                WHEN c.name_zh ILIKE :prefix OR c.name_en ILIKE :prefix THEN 1 ELSE 2 END`,
          'rank',
        )
        .setParameters({ q, un: un ?? null, prefix })
        .orderBy('rank', 'ASC');
    }
    if (s.highlyToxic !== undefined) qb.andWhere('c.highly_toxic = :ht', { ht: s.highlyToxic });
    if (s.unClass) qb.andWhere('c.un_class = :cls', { cls: s.unClass });
    return qb
      .addOrderBy('c.un_number', 'ASC', 'NULLS LAST')
      .addOrderBy('c.id', 'ASC')
      .offset(s.offset)
      .limit(s.limit)
      .getMany();
  }

  async existing(keys: Array<{ cas: string | null; unNumber: string | null; nameZh: string }>): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.query<{ k: string }>(
      `SELECT coalesce(cas, '') || '|' || coalesce(un_number, '') || '|' || name_zh AS k FROM chemicals
        WHERE (coalesce(cas, '') || '|' || coalesce(un_number, '') || '|' || name_zh) = ANY($1)`,
      [keys.map(chemicalKey)],
    );
    return new Set(rows.map((r) => r.k));
  }

  async insertMany(rows: ChemicalEntity[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await this.repo.insert(rows.slice(i, i + 500));
  }

  async update(id: string, patch: Partial<ChemicalEntity>): Promise<void> {
    await this.repo.update({ id }, { ...patch, updatedAt: new Date() });
  }
}

export const chemicalKey = (k: { cas: string | null; unNumber: string | null; nameZh: string }): string =>
  `${k.cas ?? ''}|${k.unNumber ?? ''}|${k.nameZh}`;
