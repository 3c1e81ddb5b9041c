import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { WasteManifestEntity } from '../movement.entity.js';

@Injectable()
export class ManifestRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(WasteManifestEntity);
  }

  findById(id: string): Promise<WasteManifestEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** The manifest, locked against a concurrent transition. */
  findForUpdate(id: string): Promise<WasteManifestEntity | null> {
    return this.repo.createQueryBuilder('m').where('m.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async insert(m: WasteManifestEntity): Promise<void> {
    await this.repo.insert(m);
  }

  async update(id: string, patch: Partial<WasteManifestEntity>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  list(f: {
    enterpriseId: string | null;
    state?: string;
    discrepancy?: boolean;
    wasteCode?: string;
    after: string | null;
    limit: number;
  }): Promise<WasteManifestEntity[]> {
    const qb = this.repo.createQueryBuilder('m').orderBy('m.id', 'ASC').limit(f.limit);
    if (f.enterpriseId) {
      qb.andWhere(
        '(m.generator_enterprise_id = :e OR m.receiver_enterprise_id = :e OR m.transporter_enterprise_id = :e)',
        { e: f.enterpriseId },
      );
    }
    if (f.state) qb.andWhere('m.state = :s', { s: f.state });
    if (f.discrepancy) qb.andWhere('m.discrepancy_kg IS NOT NULL');
    if (f.wasteCode) qb.andWhere('m.waste_code = :w', { w: f.wasteCode });
    if (f.after) qb.andWhere('m.id > :after', { after: f.after });
    return qb.getMany();
  }
}
