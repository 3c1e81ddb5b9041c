import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { Anchor } from './chain-walk.js';
import type { CheckpointKind, SignedCheckpoint } from './checkpoint.js';
import type { ChainHeadEntry } from './merkle.js';

export interface StoredCheckpoint extends SignedCheckpoint {
  number: string;
}

interface Row {
  number: string;
  id: string;
  kind: CheckpointKind;
  period: string;
  taken_at: Date;
  chains: number;
  root: string;
  key_id: string;
  algorithm: 'Ed25519';
  signature: string;
}

const toCheckpoint = (r: Row): StoredCheckpoint => ({
  number: String(r.number),
  id: r.id,
  kind: r.kind,
  period: r.period,
  takenAt: new Date(r.taken_at).toISOString(),
  chains: Number(r.chains),
  root: r.root,
  keyId: r.key_id,
  algorithm: r.algorithm,
  signature: r.signature,
});

const toHead = (r: { chain: string; seq: string; hash: string }): ChainHeadEntry => ({
  chain: r.chain,
  seq: String(r.seq),
  hash: r.hash,
});

/**
 * The checkpoints' SQL. chain_checkpoint_heads keeps a chain's head only for the checkpoints in
 * which it moved (a checkpoint's full list is, per chain, the newest entry at or before it);
 * chain_anchor_heads is the full list of the newest checkpoint, kept so that publishing and
 * checking the newest one read 10,000 rows, not the whole history.
 */
@Injectable()
export class CheckpointRepository {
  constructor(private readonly db: Database) {}

  /** Publishers queue here (inside their transaction): numbers are given out one at a time. */
  async lock(): Promise<void> {
    if (this.db.driverKind === 'postgres') await this.db.query('SELECT pg_advisory_xact_lock(7102015)');
  }

  async findById(id: string): Promise<StoredCheckpoint | null> {
    const [row] = await this.db.query<Row>('SELECT * FROM chain_checkpoints WHERE id = $1', [id]);
    return row ? toCheckpoint(row) : null;
  }

  async latest(): Promise<StoredCheckpoint | null> {
    const [row] = await this.db.query<Row>('SELECT * FROM chain_checkpoints ORDER BY number DESC LIMIT 1');
    return row ? toCheckpoint(row) : null;
  }

  async list(before: string | null, limit: number): Promise<StoredCheckpoint[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM chain_checkpoints WHERE ($1::bigint IS NULL OR number < $1) ORDER BY number DESC LIMIT $2',
      [before, limit],
    );
    return rows.map(toCheckpoint);
  }

  async insert(number: bigint, c: SignedCheckpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO chain_checkpoints (number, id, kind, period, taken_at, chains, root, key_id, algorithm, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [number.toString(), c.id, c.kind, c.period, c.takenAt, c.chains, c.root, c.keyId, c.algorithm, c.signature],
    );
  }

  async nextNumber(): Promise<bigint> {
    const [row] = await this.db.query<{ n: string }>('SELECT coalesce(max(number), 0) + 1 AS n FROM chain_checkpoints');
    return BigInt(row!.n);
  }

  /** The full head list of the newest checkpoint. */
  async anchorHeads(): Promise<ChainHeadEntry[]> {
    const rows = await this.db.query<{ chain: string; seq: string; hash: string }>(
      'SELECT chain, seq::text AS seq, hash FROM chain_anchor_heads ORDER BY chain',
    );
    return rows.map(toHead);
  }

  /** Records the heads that moved in checkpoint `number`. */
  async insertHeads(number: bigint, heads: ChainHeadEntry[]): Promise<void> {
    if (heads.length === 0) return;
    const params = [heads.map((h) => h.chain), heads.map((h) => h.seq), heads.map((h) => h.hash), number.toString()];
    await this.db.query(
      `INSERT INTO chain_checkpoint_heads (chain, checkpoint_number, seq, hash)
       SELECT chain, $4::bigint, seq, hash FROM unnest($1::text[], $2::bigint[], $3::text[]) AS t(chain, seq, hash)`,
      params,
    );
    await this.db.query(
      `INSERT INTO chain_anchor_heads (chain, checkpoint_number, seq, hash)
       SELECT chain, $4::bigint, seq, hash FROM unnest($1::text[], $2::bigint[], $3::text[]) AS t(chain, seq, hash)
       ON CONFLICT (chain) DO UPDATE SET checkpoint_number = EXCLUDED.checkpoint_number, seq = EXCLUDED.seq, hash = EXCLUDED.hash`,
      params,
    );
  }

  /** A page of checkpoint `number`'s full head list, in chain order, after `after`. */
  async headsOf(number: string, after: string, limit: number): Promise<ChainHeadEntry[]> {
    const rows = await this.db.query<{ chain: string; seq: string; hash: string }>(
      `SELECT a.chain, h.seq::text AS seq, h.hash
         FROM chain_anchor_heads a
         CROSS JOIN LATERAL (SELECT seq, hash FROM chain_checkpoint_heads
                              WHERE chain = a.chain AND checkpoint_number <= $1
                              ORDER BY checkpoint_number DESC LIMIT 1) h
        WHERE a.chain > $2
        ORDER BY a.chain LIMIT $3`,
      [number, after, limit],
    );
    return rows.map(toHead);
  }

  /** Every head a checkpoint recorded for one chain, oldest checkpoint first. */
  async anchorsOf(chain: string): Promise<Anchor[]> {
    const rows = await this.db.query<{ id: string; period: string; seq: string; hash: string }>(
      `SELECT c.id, c.period, h.seq::text AS seq, h.hash
         FROM chain_checkpoint_heads h JOIN chain_checkpoints c ON c.number = h.checkpoint_number
        WHERE h.chain = $1 ORDER BY h.checkpoint_number`,
      [chain],
    );
    return rows.map((r) => ({ checkpointId: r.id, period: r.period, seq: String(r.seq), hash: r.hash }));
  }
}
