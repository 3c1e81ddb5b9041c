import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { ApiKeyEntity } from './api-key.entity.js';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.repository(ApiKeyEntity);
  }

  /** The key that may authenticate at `now`: neither revoked nor expired. */
  findActiveByKeyId(keyId: string, now: Date): Promise<ApiKeyEntity | null> {
    return this.repo
      .createQueryBuilder('k')
      .where('k.key_id = :keyId AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > :now)', {
        keyId,
        now,
      })
      .getOne();
  }

  /** Of the given key ids (rows), those still active at `now`: one query for every open stream. */
  async stillActive(ids: string[], now: Date): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM api_keys WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [ids, now],
    );
    return new Set(rows.map((r) => r.id));
  }

  async keyIdTaken(keyId: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM api_keys WHERE key_id = $1', [keyId])).length > 0;
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async insert(key: Omit<ApiKeyEntity, 'createdAt' | 'revokedAt' | 'lastUsedAt'>): Promise<ApiKeyEntity> {
    const rows = await this.db.query<{ created_at: Date }>(
      `INSERT INTO api_keys (id, key_id, secret_hash, principal, enterprise_id, agency, name, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING created_at`,
      [
        key.id,
        key.keyId,
        key.secretHash,
        key.principal,
        key.enterpriseId,
        key.agency,
        key.name,
        key.createdBy,
        key.expiresAt,
      ],
    );
    return { ...key, createdAt: rows[0]!.created_at, revokedAt: null, lastUsedAt: null };
  }

  async countActiveAdmins(now: Date): Promise<number> {
    const rows = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM api_keys
        WHERE principal = 'admin' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)`,
      [now],
    );
    return Number(rows[0]!.n);
  }

  /** Keys in id order (ids are time-ordered), after the cursor. */
  list(after: string | null, limit: number): Promise<ApiKeyEntity[]> {
    const qb = this.repo.createQueryBuilder('k').orderBy('k.id', 'ASC').limit(limit);
    if (after) qb.where('k.id > :after', { after });
    return qb.getMany();
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, at]);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE api_keys SET last_used_at = GREATEST(COALESCE(last_used_at, $2), $2) WHERE id = $1`, [
      id,
      at,
    ]);
  }

  /** Serialises the first-start admin key among processes starting together on one database. */
  async lockBootstrap(): Promise<void> {
    if (this.db.driverKind === 'postgres') await this.db.query('SELECT pg_advisory_xact_lock(7102001)');
  }
}
