import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import type { LicenceKind } from '../vocabulary.js';
import { LicenceEntity, LicenceVersionEntity, PermitUseEntity } from './licence.entity.js';

@Injectable()
export class LicenceRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(LicenceEntity);
  }

  findById(id: string): Promise<LicenceEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async findForUpdate(id: string): Promise<LicenceEntity | null> {
    const rows = await this.repo
      .createQueryBuilder('l')
      .setLock('pessimistic_write')
      .where('l.id = :id', { id })
      .getMany();
    return rows[0] ?? null;
  }

  /**
   * Locks these licences for the caller's transaction (in id order, so two bookings locking
   * overlapping sets cannot deadlock): a permit's uses are counted and booked under its lock.
   */
  async lockForUse(ids: string[]): Promise<LicenceEntity[]> {
    if (ids.length === 0) return [];
    return this.repo
      .createQueryBuilder('l')
      .setLock('pessimistic_write')
      .where('l.id = ANY(:ids)', { ids })
      .orderBy('l.id')
      .getMany();
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

  /** Licences of one kind and number held by any of these enterprises (a road pass named on a waybill). */
  async byNumber(kind: LicenceKind, number: string, enterpriseIds: string[]): Promise<LicenceEntity[]> {
    return this.repo
      .createQueryBuilder('l')
      .where('l.kind = :kind AND l.number = :number AND l.enterprise_id = ANY(:ids)', {
        kind,
        number,
        ids: enterpriseIds,
      })
      .getMany();
  }

  /** Whether a licence of this kind and number already stands as asserted by its issuer (numbers are unique there). */
  async assertedNumberTaken(kind: LicenceKind, number: string, exceptId: string | null): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM licences WHERE kind = $1 AND number = $2 AND status IN ('verified', 'suspended', 'revoked')
         AND ($3::uuid IS NULL OR id <> $3) LIMIT 1`,
      [kind, number, exceptId],
    );
    return rows.length > 0;
  }

  list(f: {
    enterpriseId: string | null;
    kind?: LicenceKind;
    status?: string;
    expiringBy?: string;
    today?: string;
    after: string | null;
    limit: number;
  }): Promise<LicenceEntity[]> {
    const qb = this.repo.createQueryBuilder('l').orderBy('l.id', 'ASC').limit(f.limit);
    if (f.enterpriseId) qb.andWhere('l.enterprise_id = :e', { e: f.enterpriseId });
    if (f.kind) qb.andWhere('l.kind = :k', { k: f.kind });
    if (f.status) qb.andWhere('l.status = :s', { s: f.status });
    if (f.expiringBy) {
      qb.andWhere(`l.status = 'verified' AND l.valid_to >= :today AND l.valid_to <= :by`, {
        today: f.today,
        by: f.expiringBy,
      });
    }
    if (f.after) qb.andWhere('l.id > :after', { after: f.after });
    return qb.getMany();
  }

  /** Verified licences whose validity ends between two dates (inclusive), in date order. */
  expiringBetween(from: string, to: string): Promise<LicenceEntity[]> {
    return this.repo
      .createQueryBuilder('l')
      .where("l.status = 'verified' AND l.valid_to BETWEEN :from AND :to", { from, to })
      .orderBy('l.valid_to')
      .addOrderBy('l.id')
      .getMany();
  }

  /** kg consumed under each permit by purchases, sales and trips other than `exceptSubjectId`. */
  async usedKg(licenceIds: string[], exceptSubjectId: string | null): Promise<Map<string, number>> {
    if (licenceIds.length === 0) return new Map();
    const rows = (await this.db.query(
      `SELECT licence_id, sum(quantity_kg)::text AS kg FROM permit_uses
        WHERE licence_id = ANY($1) AND ($2::uuid IS NULL OR subject_id <> $2) GROUP BY licence_id`,
      [licenceIds, exceptSubjectId],
    )) as Array<{ licence_id: string; kg: string }>;
    return new Map(rows.map((r) => [r.licence_id, Number(r.kg)]));
  }

  /** The uses movements booked (their reversal gives the permits' quantity back). */
  async releaseUses(subjectIds: string[]): Promise<void> {
    if (subjectIds.length === 0) return;
    await this.db.query(`DELETE FROM permit_uses WHERE subject_type = 'movement' AND subject_id = ANY($1)`, [
      subjectIds,
    ]);
  }

  /** Books one use of a permit (again for the same subject: replaces it, a re-check at loading). */
  async recordUse(u: PermitUseEntity): Promise<void> {
    await this.db.query(
      `INSERT INTO permit_uses (licence_id, licence_kind, subject_type, subject_id, chemical_id, quantity_kg, used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (licence_id, subject_id) DO UPDATE SET quantity_kg = EXCLUDED.quantity_kg, used_at = EXCLUDED.used_at`,
      [u.licenceId, u.licenceKind, u.subjectType, u.subjectId, u.chemicalId, u.quantityKg, u.usedAt],
    );
  }

  /** Other subjects that used a permit (a road pass is for one trip). */
  async usedBy(licenceId: string, exceptSubjectId: string | null): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT subject_id FROM permit_uses WHERE licence_id = $1 AND ($2::uuid IS NULL OR subject_id <> $2)`,
      [licenceId, exceptSubjectId],
    )) as Array<{ subject_id: string }>;
    return rows.map((r) => r.subject_id);
  }

  async insert(l: LicenceEntity): Promise<void> {
    await this.repo.insert(l);
  }

  async update(id: string, patch: Partial<LicenceEntity>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  async addVersion(v: LicenceVersionEntity): Promise<void> {
    await this.db.repository(LicenceVersionEntity).insert(v as never);
  }

  versions(licenceId: string): Promise<LicenceVersionEntity[]> {
    return this.db.repository(LicenceVersionEntity).find({ where: { licenceId }, order: { version: 'ASC' } });
  }
}
