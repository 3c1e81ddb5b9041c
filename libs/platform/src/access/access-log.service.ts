import { createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { type Principal, describePrincipal } from '../auth/principal.js';
import { ChainKeys } from '../anchoring/chain-keys.js';
import { type ChainWalk, type Departure, walkChain } from '../anchoring/chain-walk.js';
import { type CheckpointCheck, Checkpoints } from '../anchoring/checkpoints.service.js';
import type { ChainHeadEntry } from '../anchoring/merkle.js';
import { Database } from '../database/database.js';
import { ACCESS_GENESIS_HASH, ACCESS_LOG_CHAIN, type AccessChannel, accessHash } from './access-log.js';
import { AccessLogRepository, type StoredAccess } from './access-log.repository.js';

export interface AccessLogVerification {
  ok: boolean;
  /** Records whose link was recomputed and matched, before the first broken one. */
  checked: number;
  firstBreak: { seq: string; problem: string } | null;
  /** The stored head names a record the walk found, with its hash. */
  headMatches: boolean;
  /** The newest published checkpoint the log was compared with (null: none yet). */
  checkpoint: CheckpointCheck | null;
  /** Where the log no longer reaches a head a checkpoint recorded. */
  departure: Omit<Departure, 'ref'> | null;
}

export interface AccessEntry {
  principal: Principal;
  channel: AccessChannel;
  action: string;
  subjects: string[];
  detail?: Record<string, unknown>;
  purpose?: string | null;
  grantId?: string | null;
}

/** Percent-decoded (headers carry only ASCII; 案件 travels as %E6%A1%88%E4%BB%B6), trimmed to 200 characters. */
export function purposeOf(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  let value = raw;
  try {
    value = decodeURIComponent(raw);
  } catch {
    // Not percent-encoded: kept as sent.
  }
  value = value.trim().slice(0, 200);
  return value === '' ? null : value;
}

/** The X-Purpose header: why the caller reads (a case number, an inspection). */
export const Purpose = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | null =>
  purposeOf(ctx.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['x-purpose']),
);

export const ApiPurposeHeader = (): MethodDecorator & ClassDecorator =>
  ApiHeader({
    name: 'X-Purpose',
    required: false,
    description:
      'Why the data is read (case number, inspection), percent-encoded UTF-8 when not ASCII; kept in the access log (访问留痕).',
  });

/**
 * The access log (访问留痕): every read of shared data (webhook, feed, stream, granted request) and
 * every API read of personal data, append-only and hash-chained like the ledger, so an auditor can
 * answer "who saw this driver's data, when, and why" and show that nobody rewrote the answer.
 */
@Injectable()
export class AccessLog {
  constructor(
    private readonly db: Database,
    private readonly repo: AccessLogRepository,
    private readonly keys: ChainKeys,
    private readonly checkpoints: Checkpoints,
  ) {}

  /** Appends entries in order; joins the caller's transaction when there is one. */
  async record(entries: AccessEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction(async () => {
      const head = await this.repo.lockHead();
      let seq = BigInt(head.seq);
      let prev = head.hash;
      const at = new Date().toISOString();
      const rows: StoredAccess[] = entries.map((e) => {
        seq += 1n;
        const fields = {
          seq: seq.toString(),
          at,
          keyId: e.principal.keyId,
          principal: describePrincipal(e.principal),
          agency: e.principal.kind === 'agency' ? e.principal.agency : null,
          channel: e.channel,
          action: e.action,
          subjects: [...new Set(e.subjects)].sort(),
          detail: e.detail ?? {},
          purpose: e.purpose ?? null,
          grantId: e.grantId ?? null,
        };
        const hash = accessHash(this.keys.linkKey, prev, fields);
        const row = { ...fields, prevHash: prev, hash };
        prev = hash;
        return row;
      });
      await this.repo.append(rows);
    });
  }

  list(q: { subject?: string; agency?: string; channel?: string; after?: string | null; limit: number }) {
    return this.repo.list(q);
  }

  /**
   * Recomputes the keyed chain from the first record and compares it with every head the published
   * checkpoints recorded for it: names the first broken link and where the log departs from a
   * checkpoint (a record changed or removed, or the chain recomputed).
   */
  async verify(): Promise<AccessLogVerification> {
    // The head first: records appended while the log is read (every feed read adds one) are no mismatch.
    const head = await this.repo.head();
    const walk: ChainWalk = await walkChain(
      this.repo.inOrder(),
      (r) => ({ seq: r.seq, ref: r.seq, prevHash: r.prevHash, hash: r.hash }),
      ({ prevHash, hash: _hash, ...fields }) => accessHash(this.keys.linkKey, prevHash, fields),
      await this.checkpoints.anchorsOf(ACCESS_LOG_CHAIN),
      ACCESS_GENESIS_HASH,
      head,
    );
    const headMatches = walk.headMatches;
    const checkpoint = await this.checkpoints.newest();
    const departure = walk.departure ? (({ ref: _ref, ...d }) => d)(walk.departure) : null;
    return {
      ok: !walk.firstBreak && headMatches && !departure && (checkpoint?.authentic ?? true),
      checked: walk.checked,
      firstBreak: walk.firstBreak ? { seq: walk.firstBreak.seq, problem: walk.firstBreak.problem } : null,
      headMatches,
      checkpoint,
      departure,
    };
  }

  /** The log's head, as a checkpoint records it (none while the log is empty). */
  async chainHead(): Promise<ChainHeadEntry | null> {
    const head = await this.repo.head();
    return head.seq === '0' ? null : { chain: ACCESS_LOG_CHAIN, seq: head.seq, hash: head.hash };
  }

  /** The hash stored at a sequence number (a checkpoint received elsewhere is compared with it). */
  hashAt(seq: string): Promise<string | null> {
    return this.repo.hashAt(seq);
  }
}

/** Subjects of a record, as kind:id, from the ids a payload carries. */
export function subjectsOf(payload: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (kind: string, v: unknown): void => {
    if (typeof v === 'string' && v) out.push(`${kind}:${v}`);
  };
  add('vehicle', payload.vehicleId);
  add('person', payload.driverId);
  add('person', payload.escortId);
  add('waybill', payload.waybillId);
  add('violation', payload.violationId);
  for (const k of [
    'enterpriseId',
    'consignorId',
    'carrierId',
    'consigneeId',
    'generatorEnterpriseId',
    'receiverEnterpriseId',
  ])
    add('enterprise', payload[k]);
  for (const k of ['driver', 'escort']) {
    const p = payload[k] as { id?: unknown } | undefined;
    if (p && typeof p === 'object') add('person', p.id);
  }
  return [...new Set(out)];
}
