import { Injectable } from '@nestjs/common';
import {
  AccessLog,
  ACCESS_LOG_CHAIN,
  type ChainHeadEntry,
  ChainKeys,
  Checkpoints,
  duePeriods,
  headsRoot,
  NotFound,
  type Principal,
  type ProblemItem,
  RulesViolated,
  signedBytes,
  type SignedCheckpoint,
  type StoredCheckpoint,
} from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { LedgerRepository } from '../ledger.repository.js';
import type {
  ChainVerification,
  CheckpointHeadsPage,
  CheckpointSubmission,
  CityChainVerification,
  FacilityChainFinding,
  ReceivedCheckpointCheck,
  ReceivedDeparture,
} from './chain.dto.js';
import { type ChainRow, facilityChain, verifyChain } from './hash-chain.js';

const FACILITY_PREFIX = 'facility:';
/** Departed chains whose links are walked to name the first broken one (the rest are only listed). */
const WALKS_PER_CHECK = 100;

/**
 * The ledger's chains and their anchoring: publishes the signed checkpoints of every chain head
 * (each facility's, and the access log's), and verifies chains against their keyed links and the
 * heads the checkpoints recorded, including a checkpoint as an agency received it.
 */
@Injectable()
export class ChainIntegrityService {
  constructor(
    private readonly repo: LedgerRepository,
    private readonly registry: RegistryLookup,
    private readonly keys: ChainKeys,
    private readonly checkpoints: Checkpoints,
    private readonly accessLog: AccessLog,
  ) {}

  /** Every chain's head now: the ledger's facilities and the access log. */
  async headsNow(): Promise<ChainHeadEntry[]> {
    const heads: ChainHeadEntry[] = (await this.repo.chainHeads()).map((h) => ({
      chain: facilityChain(h.facilityId),
      seq: h.lastSeq,
      hash: h.lastHash,
    }));
    const log = await this.accessLog.chainHead();
    return log ? [...heads, log] : heads;
  }

  /** The scheduled run: the checkpoints of the local hour and day that ended, each once. */
  async publishDue(now: Date): Promise<SignedCheckpoint[]> {
    const out: SignedCheckpoint[] = [];
    for (const { kind, period } of duePeriods(now)) {
      if (await this.checkpoints.published(kind, period)) continue;
      out.push(await this.checkpoints.publish(kind, period, () => this.headsNow()));
    }
    return out;
  }

  /** A checkpoint now, outside the schedule (before an inspection, an export for a court). */
  publishNow(): Promise<SignedCheckpoint> {
    return this.checkpoints.publish('demand', null, () => this.headsNow());
  }

  private async checkpoint(id: string): Promise<StoredCheckpoint> {
    const c = await this.checkpoints.find(id);
    if (!c) throw new NotFound('checkpoint', id);
    return c;
  }

  async heads(id: string, after: string | undefined, limit: number): Promise<CheckpointHeadsPage> {
    const c = await this.checkpoint(id);
    const heads = await this.checkpoints.heads(c, after ?? '', limit);
    return {
      checkpointId: c.id,
      root: c.root,
      chains: c.chains,
      heads,
      next: heads.length === limit ? heads[heads.length - 1]!.chain : null,
    };
  }

  private async readable(facilityId: string, principal: Principal): Promise<void> {
    const f = (await this.registry.facilityMap([facilityId])).get(facilityId);
    if (!f || (principal.kind === 'enterprise' && f.enterpriseId !== principal.enterpriseId))
      throw new NotFound('facility', facilityId);
  }

  /**
   * One facility's chain against its keyed links, its checkpoints and its stored head. The head is
   * read before the rows (by the caller for a whole city), so movements booked meanwhile are no mismatch.
   */
  private async walk(
    facilityId: string,
    head: { lastSeq: string; lastHash: string } | null,
    rows: AsyncIterable<ChainRow>,
  ): Promise<FacilityChainFinding> {
    const anchors = await this.checkpoints.anchorsOf(facilityChain(facilityId));
    const walk = await verifyChain(this.keys.linkKey, rows, anchors, head);
    return {
      facilityId,
      checked: walk.checked,
      firstBreak: walk.firstBreak,
      headMatches: walk.headMatches,
      departure: walk.departure,
    };
  }

  /** Recomputes a facility's keyed chain from its first movement and compares it with every checkpoint. */
  async verifyFacility(facilityId: string, principal: Principal): Promise<ChainVerification> {
    await this.readable(facilityId, principal);
    const finding = await this.walk(facilityId, await this.repo.headOf(facilityId), this.repo.chain(facilityId));
    const checkpoint = await this.checkpoints.newest();
    return {
      facilityId,
      valid: intact(finding) && (checkpoint?.authentic ?? true),
      checked: finding.checked,
      firstBreak: finding.firstBreak,
      headMatches: finding.headMatches,
      checkpoint,
      departure: finding.departure,
    };
  }

  /**
   * Every facility's chain, in one pass over the movements (facility after facility), and every
   * chain a checkpoint anchored or a head names even if none of its movements is left.
   */
  async verifyCity(): Promise<CityChainVerification> {
    const checkpoint = await this.checkpoints.newest();
    const broken: FacilityChainFinding[] = [];
    const seen = new Set<string>();
    let checked = 0;
    const record = (f: FacilityChainFinding): void => {
      seen.add(f.facilityId);
      checked += f.checked;
      if (!intact(f)) broken.push(f);
    };
    // Heads before rows: a facility whose first movement is booked during the walk has none here
    // and reads its own just before its rows.
    const heads = new Map((await this.repo.chainHeads()).map((h) => [h.facilityId, h]));
    for await (const group of byFacility(this.repo.allChains())) {
      const head = heads.get(group.facilityId) ?? (await this.repo.headOf(group.facilityId));
      record(await this.walk(group.facilityId, head, group.rows));
    }
    const expected = new Set([
      ...heads.keys(),
      ...(await this.checkpoints.anchoredChains())
        .filter((c) => c.startsWith(FACILITY_PREFIX))
        .map((c) => c.slice(FACILITY_PREFIX.length)),
    ]);
    for (const facilityId of expected)
      if (!seen.has(facilityId)) record(await this.walk(facilityId, heads.get(facilityId) ?? null, emptyRows()));
    return {
      valid: broken.length === 0 && (checkpoint?.authentic ?? true),
      chains: seen.size,
      checked,
      checkpoint,
      broken,
    };
  }

  /**
   * A checkpoint as an agency received it: its signature must be this service's; then the
   * database is compared with the heads it recorded, taken from the list the agency kept when it
   * has one, else from the stored list if that still gives the signed root.
   */
  async verifyReceived(submission: CheckpointSubmission): Promise<ReceivedCheckpointCheck> {
    const c: SignedCheckpoint = { ...submission.checkpoint };
    if (c.keyId !== this.checkpoints.keyId)
      throw new RulesViolated([
        {
          path: 'checkpoint.keyId',
          rule: 'UNKNOWN_SIGNING_KEY',
          message: `checkpoint.keyId ${c.keyId} is not this service's signing key ${this.checkpoints.keyId} (GET /v1/checkpoints/public-key)`,
        },
      ]);
    if (!this.checkpoints.signedByUs(c))
      throw new RulesViolated([
        {
          path: 'checkpoint.signature',
          rule: 'SIGNATURE_INVALID',
          message: 'checkpoint.signature is not this service’s signature over this checkpoint: a field was changed',
        },
      ]);
    if (submission.heads) {
      const problems = headListProblems(c, submission.heads);
      if (problems.length) throw new RulesViolated(problems);
    }

    const stored = await this.checkpoints.find(c.id);
    let storedState: ReceivedCheckpointCheck['stored'] = 'missing';
    let storedHeads: ChainHeadEntry[] | null = null;
    if (stored) {
      const same = signedBytes(stored).equals(signedBytes(c)) && stored.signature === c.signature;
      storedHeads = same ? await this.checkpoints.allHeads(stored) : null;
      storedState =
        storedHeads && storedHeads.length === c.chains && headsRoot(storedHeads) === c.root ? 'matches' : 'altered';
    }
    const heads = submission.heads ?? (storedState === 'matches' ? storedHeads : null);
    const departures = heads ? await this.departures(heads) : [];
    return {
      checkpoint: c,
      signatureValid: true,
      stored: storedState,
      heads: submission.heads ? 'submitted' : heads ? 'stored' : null,
      compared: heads?.length ?? 0,
      valid: heads !== null && departures.length === 0 && storedState === 'matches',
      departures,
    };
  }

  /** The recorded heads that the database no longer holds, each with its chain's first broken link. */
  private async departures(heads: ChainHeadEntry[]): Promise<ReceivedDeparture[]> {
    const facilities = heads
      .filter((h) => h.chain.startsWith(FACILITY_PREFIX))
      .map((h) => ({ ...h, facilityId: h.chain.slice(FACILITY_PREFIX.length) }));
    const found = await this.repo.linksAt(facilities.map((h) => ({ facilityId: h.facilityId, seq: h.seq })));
    const out: ReceivedDeparture[] = [];
    for (const h of facilities) {
      const link = found.get(`${h.facilityId}|${h.seq}`);
      if (link?.hash === h.hash) continue;
      const walk =
        out.length < WALKS_PER_CHECK
          ? (await verifyChain(this.keys.linkKey, this.repo.chain(h.facilityId))).firstBreak
          : null;
      out.push({
        chain: h.chain,
        seq: h.seq,
        problem: link ? 'changed' : 'removed',
        expectedHash: h.hash,
        foundHash: link?.hash ?? null,
        ref: link?.id ?? null,
        firstBreak: walk ? { ref: walk.movementId, seq: walk.facilitySeq, problem: walk.problem } : null,
      });
    }
    const log = heads.find((h) => h.chain === ACCESS_LOG_CHAIN);
    if (log) {
      const hash = await this.accessLog.hashAt(log.seq);
      if (hash !== log.hash) {
        const walk = (await this.accessLog.verify()).firstBreak;
        out.push({
          chain: log.chain,
          seq: log.seq,
          problem: hash ? 'changed' : 'removed',
          expectedHash: log.hash,
          foundHash: hash,
          ref: hash ? log.seq : null,
          firstBreak: walk ? { ref: walk.seq, seq: walk.seq, problem: walk.problem } : null,
        });
      }
    }
    return out;
  }

  publicKey() {
    return this.checkpoints.publicKey();
  }

  async list(before: string | null, limit: number): Promise<{ items: SignedCheckpoint[]; next: string | null }> {
    const items = await this.checkpoints.list(before, limit);
    return {
      items: items.map(withoutNumber),
      next: items.length === limit ? items[items.length - 1]!.number : null,
    };
  }

  async view(id: string): Promise<SignedCheckpoint> {
    return withoutNumber(await this.checkpoint(id));
  }
}

const withoutNumber = ({ number: _number, ...c }: StoredCheckpoint): SignedCheckpoint => c;

const intact = (f: FacilityChainFinding): boolean => !f.firstBreak && f.headMatches && !f.departure;

/** A submitted head list must name each chain once and give the signed root. */
function headListProblems(c: SignedCheckpoint, heads: ChainHeadEntry[]): ProblemItem[] {
  const problems: ProblemItem[] = [];
  const seen = new Set<string>();
  heads.forEach((h, i) => {
    if (seen.has(h.chain))
      problems.push({ path: `heads[${i}].chain`, rule: 'DUPLICATE_CHAIN', message: `${h.chain} is listed twice` });
    seen.add(h.chain);
  });
  if (problems.length === 0 && (heads.length !== c.chains || headsRoot(heads) !== c.root))
    problems.push({
      path: 'heads',
      rule: 'HEADS_DO_NOT_MATCH_ROOT',
      message: `heads (${heads.length} chains) do not give the signed root of ${c.chains} chains: not the list of this checkpoint`,
    });
  return problems;
}

async function* emptyRows(): AsyncGenerator<ChainRow> {}

/**
 * Splits one ordered stream of movements into one stream per facility; what a consumer leaves
 * unread (it stops at a broken link) is skipped.
 */
async function* byFacility(
  rows: AsyncIterable<ChainRow>,
): AsyncGenerator<{ facilityId: string; rows: AsyncIterable<ChainRow> }> {
  const it = rows[Symbol.asyncIterator]();
  let current = await it.next();
  while (!current.done) {
    const facilityId = current.value.fields.facilityId;
    const group = async function* (): AsyncGenerator<ChainRow> {
      while (!current.done && current.value.fields.facilityId === facilityId) {
        const row = current.value;
        current = await it.next();
        yield row;
      }
    };
    yield { facilityId, rows: group() };
    while (!current.done && current.value.fields.facilityId === facilityId) current = await it.next();
  }
}
