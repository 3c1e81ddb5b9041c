import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, ConfigError } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { Conflict, DomainError, NotFound, RulesViolated } from '../errors/domain-error.js';
import { uuid7 } from '../ids/uuid7.js';
import { JobQueue } from '../queue/job-queue.js';
import { JobName } from '../queue/jobs.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import type { Agency, Principal, PrincipalKind } from './principal.js';

const KEY_PATTERN = /^hc_([0-9a-f]{12})_([A-Za-z0-9_-]{32,128})$/;
/** Compared against when the key id is unknown, so a miss costs what a hit costs. */
const DUMMY_HASH = createHash('sha256').update('no such key').digest();
/** An api process reports a key's use at most this often. */
const USE_REPORT_INTERVAL_MS = 60_000;

export interface MintRequest {
  principal: PrincipalKind;
  enterpriseId?: string;
  agency?: Agency;
  name: string;
  /** ISO 8601; after it the key authenticates nothing. Absent: until revoked. */
  expiresAt?: string;
}

export interface ApiKeyView {
  id: string;
  keyId: string;
  principal: PrincipalKind;
  enterpriseId: string | null;
  agency: Agency | null;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest();

function toView(k: ApiKeyEntity): ApiKeyView {
  return {
    id: k.id,
    keyId: k.keyId,
    principal: k.principal,
    enterpriseId: k.enterpriseId,
    agency: k.agency,
    name: k.name,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

function toPrincipal(k: ApiKeyEntity): Principal {
  if (k.principal === 'enterprise') return { kind: 'enterprise', keyId: k.id, enterpriseId: k.enterpriseId! };
  if (k.principal === 'agency') return { kind: 'agency', keyId: k.id, agency: k.agency! };
  return { kind: 'admin', keyId: k.id };
}

@Injectable()
export class ApiKeyService {
  private readonly log = new Logger('ApiKeys');
  private readonly lastReported = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly db: Database,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  /** Resolves a bearer key to its principal, or null (unknown, revoked or expired). Constant-time in the secret. */
  async authenticate(presented: string, now = new Date()): Promise<Principal | null> {
    const match = KEY_PATTERN.exec(presented);
    const row = match ? await this.keys.findActiveByKeyId(match[1]!, now) : null;
    const expected = row ? Buffer.from(row.secretHash, 'hex') : DUMMY_HASH;
    const actual = hashSecret(match?.[2] ?? presented);
    if (!timingSafeEqual(expected, actual) || !row) return null;
    this.reportUse(row.id);
    return toPrincipal(row);
  }

  private reportUse(id: string): void {
    const now = Date.now();
    if (now - (this.lastReported.get(id) ?? 0) < USE_REPORT_INTERVAL_MS) return;
    this.lastReported.set(id, now);
    this.queue.enqueue(JobName.ApiKeyUsed, { keyId: id, usedAt: new Date(now).toISOString() }).catch(() => {
      this.lastReported.delete(id);
    });
  }

  async recordUse(keyId: string, usedAt: Date): Promise<void> {
    await this.keys.touch(keyId, usedAt);
  }

  /**
   * Of the given keys (their row ids), those that may still authenticate at `now`. Long-lived
   * reads (the SSE stream) ask this while they run, so that revocation or expiry ends them.
   */
  stillActive(ids: string[], now = new Date()): Promise<Set<string>> {
    return this.keys.stillActive(ids, now);
  }

  async mint(
    request: MintRequest,
    createdBy: string | null,
    now = new Date(),
  ): Promise<{ key: string; view: ApiKeyView }> {
    const expiresAt = request.expiresAt === undefined ? null : new Date(request.expiresAt);
    if (expiresAt && !(expiresAt.getTime() > now.getTime()))
      throw new RulesViolated([
        { path: 'expiresAt', rule: 'EXPIRY_NOT_IN_FUTURE', message: 'expiresAt must be later than now' },
      ]);
    const { key, keyId, secret } = generateKey();
    const row = await this.keys.insert({
      id: uuid7(),
      keyId,
      secretHash: hashSecret(secret).toString('hex'),
      principal: request.principal,
      enterpriseId: request.principal === 'enterprise' ? request.enterpriseId! : null,
      agency: request.principal === 'agency' ? request.agency! : null,
      name: request.name,
      createdBy,
      expiresAt,
    });
    this.log.log(
      {
        apiKeyId: row.id,
        principal: row.principal,
        agency: row.agency,
        enterpriseId: row.enterpriseId,
        expiresAt: row.expiresAt,
      },
      'api key minted',
    );
    return { key, view: toView(row) };
  }

  async list(after: string | null, limit: number): Promise<ApiKeyView[]> {
    return (await this.keys.list(after, limit)).map(toView);
  }

  async revoke(id: string, by: Principal): Promise<void> {
    const row = await this.keys.findById(id);
    if (!row) throw new NotFound('api key', id);
    if (by.keyId === id) throw new Conflict('SELF_REVOKE', 'a key cannot revoke itself; use another admin key');
    await this.keys.revoke(id, new Date());
    this.log.log({ apiKeyId: id }, 'api key revoked');
  }

  /**
   * On a database with no active admin key: create one (ADMIN_API_KEY if given) and return it.
   * Returns null when an admin key exists. The caller prints a generated key once; a given one
   * is the operator's already and is never printed.
   */
  async bootstrapAdmin(): Promise<string | null> {
    return this.db.transaction(async () => {
      await this.keys.lockBootstrap();
      if ((await this.keys.countActiveAdmins(new Date())) > 0) return null;
      const given = this.config.auth.adminApiKey;
      const parsed = given ? KEY_PATTERN.exec(given) : null;
      if (given && !parsed) throw new DomainError('BAD_ADMIN_KEY', 500, 'ADMIN_API_KEY has the wrong format');
      // A revoked or expired key stays so: a restart with the same environment cannot bring it back.
      if (parsed && (await this.keys.keyIdTaken(parsed[1]!)))
        throw new ConfigError(
          'ADMIN_API_KEY',
          'names a key that exists already (revoked, expired or not an admin key); give a new key',
        );
      const { key, keyId, secret } = parsed ? { key: given!, keyId: parsed[1]!, secret: parsed[2]! } : generateKey();
      await this.keys.insert({
        id: uuid7(),
        keyId,
        secretHash: hashSecret(secret).toString('hex'),
        principal: 'admin',
        enterpriseId: null,
        agency: null,
        name: 'first admin key',
        createdBy: null,
        expiresAt: null,
      });
      return key;
    });
  }
}

function generateKey(): { key: string; keyId: string; secret: string } {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `hc_${keyId}_${secret}`, keyId, secret };
}
