/**
 * Walking one hash chain, the same for the ledger's and the access log's: every link is recomputed
 * (the caller's keyed hash) and every head a published checkpoint anchored on this chain is looked
 * for. Pure code: rows in, findings out.
 */
export type LinkProblem = 'sequence' | 'prev_hash' | 'hash';

/** A link as stored: its sequence number, what names it (a movement id, an access record's seq) and its hashes. */
export interface StoredLink {
  seq: string;
  ref: string;
  prevHash: string;
  hash: string;
}

/** A head of this chain as a checkpoint recorded it. */
export interface Anchor {
  checkpointId: string;
  period: string;
  seq: string;
  hash: string;
}

/** Where the chain no longer matches a checkpoint: the anchored link changed, or it is gone. */
export interface Departure {
  checkpointId: string;
  period: string;
  /** The anchored sequence number. */
  seq: string;
  /** The link now stored at that number (null when it is gone). */
  ref: string | null;
  problem: 'changed' | 'removed';
  expectedHash: string;
  foundHash: string | null;
  /** The highest sequence number at which an earlier checkpoint still agrees ('0': none): the change lies after it. */
  agreesUpToSeq: string;
}

export interface ChainWalk {
  /** Links verified before the first broken one (all of them when none is broken). */
  checked: number;
  /**
   * The stored head (read before the walk, so links appended meanwhile do not count against it)
   * names a link the walk found, with that link's hash; no stored head: the chain was empty.
   */
  headMatches: boolean;
  /** The last verified link's hash (the genesis hash when none). */
  lastHash: string;
  firstBreak: { seq: string; ref: string; problem: LinkProblem } | null;
  departure: Departure | null;
}

export async function walkChain<R>(
  rows: AsyncIterable<R> | Iterable<R>,
  link: (row: R) => StoredLink,
  /** The link's hash recomputed with the key, over its stored previous hash. */
  recompute: (row: R) => string,
  anchors: readonly Anchor[],
  genesis: string,
  /** The chain's stored head, read before the rows. */
  head: { seq: string; hash: string } | null,
): Promise<ChainWalk> {
  const pending = [...anchors].sort((a, b) =>
    BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0,
  );
  let next = 0;
  let agrees = '0';
  let departure: Departure | null = null;
  let prev = genesis;
  let expected = 1n;
  let checked = 0;
  let firstBreak: ChainWalk['firstBreak'] = null;
  let headMatches = head === null || (head.seq === '0' && head.hash === genesis);
  const departs = (a: Anchor, found: StoredLink | null): Departure => ({
    checkpointId: a.checkpointId,
    period: a.period,
    seq: a.seq,
    ref: found?.ref ?? null,
    problem: found ? 'changed' : 'removed',
    expectedHash: a.hash,
    foundHash: found?.hash ?? null,
    agreesUpToSeq: agrees,
  });
  for await (const row of rows) {
    const l = link(row);
    const seq = BigInt(l.seq);
    if (head === null) headMatches = false;
    else if (l.seq === head.seq) headMatches = l.hash === head.hash;
    if (!firstBreak) {
      const problem: LinkProblem | null =
        seq !== expected ? 'sequence' : l.prevHash !== prev ? 'prev_hash' : recompute(row) !== l.hash ? 'hash' : null;
      if (problem) firstBreak = { seq: l.seq, ref: l.ref, problem };
      else {
        prev = l.hash;
        expected++;
        checked++;
      }
    }
    while (!departure && next < pending.length && BigInt(pending[next]!.seq) <= seq) {
      const a = pending[next++]!;
      if (BigInt(a.seq) < seq) departure = departs(a, null);
      else if (a.hash !== l.hash) departure = departs(a, l);
      else agrees = a.seq;
    }
  }
  if (!departure && next < pending.length) departure = departs(pending[next]!, null);
  return { checked, headMatches, lastHash: prev, firstBreak, departure };
}
