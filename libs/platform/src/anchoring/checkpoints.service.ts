import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { Outbox } from '../outbox/outbox.js';
import type { Anchor } from './chain-walk.js';
import { ChainKeys } from './chain-keys.js';
import { checkpointId, type CheckpointKind, type SignedCheckpoint } from './checkpoint.js';
import { CheckpointRepository, type StoredCheckpoint } from './checkpoint.repository.js';
import { byChain, type ChainHeadEntry, headsRoot } from './merkle.js';

/** The newest published checkpoint as the database holds it, and whether that is what was signed. */
export interface CheckpointCheck {
  id: string;
  kind: CheckpointKind;
  period: string;
  takenAt: string;
  /** The signature is this service's over the stored body, and the stored head list gives the signed root. */
  authentic: boolean;
  /** key: signed by another key; signature: the stored body is not what was signed; heads: the stored head list was changed. */
  problem: 'key' | 'signature' | 'heads' | null;
}

/**
 * Signed checkpoints of every chain head (the ledger's facilities, the access log): publishes them
 * with their event in one transaction, keeps their head lists, and says whether the stored copy
 * is still what was signed. The chains' owners give the heads; this service does not know them.
 */
@Injectable()
export class Checkpoints {
  constructor(
    private readonly db: Database,
    private readonly repo: CheckpointRepository,
    private readonly keys: ChainKeys,
    private readonly outbox: Outbox,
  ) {}

  /** Whether a period's checkpoint exists (the scheduled run's cheap question). */
  async published(kind: CheckpointKind, period: string): Promise<boolean> {
    return (await this.repo.findById(checkpointId(kind, period))) !== null;
  }

  /**
   * Signs and publishes the checkpoint of the heads `readHeads` gives, once per (kind, period): a
   * second call returns the first checkpoint. A chain that was anchored before and has no head now
   * keeps its last anchored head, so that the list never loses a chain quietly (verify then finds
   * its links gone).
   */
  async publish(
    kind: CheckpointKind,
    period: string | null,
    readHeads: () => Promise<ChainHeadEntry[]>,
  ): Promise<SignedCheckpoint> {
    return this.db.transaction(async () => {
      await this.repo.lock();
      const takenAt = new Date();
      const label = period ?? takenAt.toISOString();
      const id = checkpointId(kind, label);
      const existing = await this.repo.findById(id);
      if (existing) return withoutNumber(existing);
      const previous = new Map((await this.repo.anchorHeads()).map((h) => [h.chain, h]));
      const current = await readHeads();
      const moved = current.filter((h) => {
        const p = previous.get(h.chain);
        return !p || p.seq !== h.seq || p.hash !== h.hash;
      });
      const seen = new Set(current.map((h) => h.chain));
      const heads = [...current, ...[...previous.values()].filter((h) => !seen.has(h.chain))].sort(byChain);
      const number = await this.repo.nextNumber();
      const signed = this.keys.sign({
        id,
        kind,
        period: label,
        takenAt: takenAt.toISOString(),
        chains: heads.length,
        root: headsRoot(heads),
      });
      await this.repo.insert(number, signed);
      await this.repo.insertHeads(number, moved);
      await this.outbox.append('integrity.checkpoint', { ...signed }, { id, occurredAt: takenAt });
      return signed;
    });
  }

  /** The newest checkpoint, checked against its signature and its stored head list. */
  async newest(): Promise<CheckpointCheck | null> {
    const latest = await this.repo.latest();
    if (!latest) return null;
    const heads = await this.repo.anchorHeads();
    const problem =
      latest.keyId !== this.keys.keyId
        ? 'key'
        : !this.keys.signed(latest)
          ? 'signature'
          : heads.length !== latest.chains || headsRoot(heads) !== latest.root
            ? 'heads'
            : null;
    return {
      id: latest.id,
      kind: latest.kind,
      period: latest.period,
      takenAt: latest.takenAt,
      authentic: problem === null,
      problem,
    };
  }

  /** Every head the checkpoints recorded for one chain (`facility:<id>`, `access-log`). */
  anchorsOf(chain: string): Promise<Anchor[]> {
    return this.repo.anchorsOf(chain);
  }

  /** Every chain the newest checkpoint names. */
  async anchoredChains(): Promise<string[]> {
    return (await this.repo.anchorHeads()).map((h) => h.chain);
  }

  async find(id: string): Promise<StoredCheckpoint | null> {
    return this.repo.findById(id);
  }

  list(before: string | null, limit: number): Promise<StoredCheckpoint[]> {
    return this.repo.list(before, limit);
  }

  /** A page of a stored checkpoint's head list, in the order its Merkle leaves take. */
  heads(c: StoredCheckpoint, after: string, limit: number): Promise<ChainHeadEntry[]> {
    return this.repo.headsOf(c.number, after, limit);
  }

  /** A stored checkpoint's whole head list. */
  async allHeads(c: StoredCheckpoint): Promise<ChainHeadEntry[]> {
    const out: ChainHeadEntry[] = [];
    for (let page = await this.repo.headsOf(c.number, '', 5000); ;) {
      out.push(...page);
      if (page.length < 5000) return out;
      page = await this.repo.headsOf(c.number, page[page.length - 1]!.chain, 5000);
    }
  }

  publicKey() {
    return this.keys.publicKey();
  }

  /** Whether this service's key signed the checkpoint as given. */
  signedByUs(c: SignedCheckpoint): boolean {
    return this.keys.signed(c);
  }

  get keyId(): string {
    return this.keys.keyId;
  }
}

const withoutNumber = ({ number: _number, ...c }: StoredCheckpoint): SignedCheckpoint => c;
