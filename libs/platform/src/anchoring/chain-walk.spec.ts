import { createHash } from 'node:crypto';
import { type Anchor, type StoredLink, walkChain } from './chain-walk.js';

const GENESIS = '0'.repeat(64);
interface Row extends StoredLink {
  data: string;
}
const linkOf = (prev: string, data: string): string => createHash('sha256').update(prev).update(data).digest('hex');

/** A well-formed chain of n rows (data d1..dn). */
function chain(n: number): Row[] {
  const rows: Row[] = [];
  let prev = GENESIS;
  for (let i = 1; i <= n; i++) {
    const hash = linkOf(prev, `d${i}`);
    rows.push({ seq: String(i), ref: `m${i}`, prevHash: prev, hash, data: `d${i}` });
    prev = hash;
  }
  return rows;
}
/** The stored head is the last row's unless a test says otherwise. */
const walk = (
  rows: Row[],
  anchors: Anchor[] = [],
  head: { seq: string; hash: string } | null | undefined = undefined,
) =>
  walkChain(
    rows,
    (r) => r,
    (r) => linkOf(r.prevHash, r.data),
    anchors,
    GENESIS,
    head === undefined ? { seq: String(rows.length), hash: rows.at(-1)?.hash ?? GENESIS } : head,
  );
const anchor = (rows: Row[], seq: number, checkpointId = `c${seq}`): Anchor => ({
  checkpointId,
  period: `p${seq}`,
  seq: String(seq),
  hash: rows[seq - 1]!.hash,
});

/** Recomputes every link from row `from` on, as someone without the right key would. */
function recompute(rows: Row[], from: number): Row[] {
  const out = rows.map((r) => ({ ...r }));
  for (let i = from - 1; i < out.length; i++) {
    out[i]!.prevHash = i === 0 ? GENESIS : out[i - 1]!.hash;
    out[i]!.hash = createHash('sha256').update(`forged:${out[i]!.prevHash}${out[i]!.data}`).digest('hex');
  }
  return out;
}

describe('walking a chain against its links and its checkpoints', () => {
  const rows = chain(8);

  it('finds nothing wrong in an intact chain that reaches every anchored head', async () => {
    expect(await walk(rows, [anchor(rows, 3), anchor(rows, 8)])).toEqual({
      checked: 8,
      headMatches: true,
      lastHash: rows[7]!.hash,
      firstBreak: null,
      departure: null,
    });
  });

  it('names a row changed in place (its stored hash left alone) by its link, though every anchored head is still there', async () => {
    const changed = rows.map((r) => (r.seq === '5' ? { ...r, data: 'd5 but less' } : r));
    const w = await walk(changed, [anchor(rows, 3), anchor(rows, 8)]);
    expect(w.firstBreak).toEqual({ seq: '5', ref: 'm5', problem: 'hash' });
    expect(w.checked).toBe(4);
    expect(w.departure).toBeNull();
  });

  it('names the rewritten row and the checkpoint the recomputed chain departs from', async () => {
    const forged = recompute(
      rows.map((r) => (r.seq === '5' ? { ...r, data: 'd5 but less' } : r)),
      5,
    );
    const w = await walk(forged, [anchor(rows, 3), anchor(rows, 6), anchor(rows, 8)]);
    expect(w.firstBreak).toEqual({ seq: '5', ref: 'm5', problem: 'hash' });
    expect(w.departure).toEqual({
      checkpointId: 'c6',
      period: 'p6',
      seq: '6',
      ref: 'm6',
      problem: 'changed',
      expectedHash: rows[5]!.hash,
      foundHash: forged[5]!.hash,
      agreesUpToSeq: '3',
    });
  });

  it('catches a chain recomputed with the right key only by the checkpoints: every link verifies', async () => {
    // The key holder's rewrite: links made with the real function over changed data.
    const rewritten = chain(8).map((r) => ({ ...r }));
    rewritten[4]!.data = 'd5 but less';
    for (let i = 4; i < 8; i++) {
      rewritten[i]!.prevHash = rewritten[i - 1]!.hash;
      rewritten[i]!.hash = linkOf(rewritten[i]!.prevHash, rewritten[i]!.data);
    }
    const w = await walk(rewritten, [anchor(rows, 4), anchor(rows, 7)]);
    expect(w.firstBreak).toBeNull();
    expect(w.departure).toMatchObject({ seq: '7', problem: 'changed', agreesUpToSeq: '4' });
  });

  it('names removed rows: a gap by its sequence, a cut-off tail by the checkpoint that recorded it', async () => {
    const gap = await walk(
      rows.filter((r) => r.seq !== '4'),
      [anchor(rows, 4)],
    );
    expect(gap.firstBreak).toEqual({ seq: '5', ref: 'm5', problem: 'sequence' });
    expect(gap.departure).toMatchObject({ seq: '4', ref: null, problem: 'removed', foundHash: null });

    const cut = await walk(rows.slice(0, 6), [anchor(rows, 2), anchor(rows, 8)]);
    expect(cut.firstBreak).toBeNull();
    expect(cut.departure).toMatchObject({ seq: '8', problem: 'removed', agreesUpToSeq: '2' });
    expect((await walk([], [anchor(rows, 1)])).departure).toMatchObject({ seq: '1', problem: 'removed' });
  });

  it('names a link whose previous hash does not point at the row before it', async () => {
    const relinked = rows.map((r) => (r.seq === '3' ? { ...r, prevHash: 'f'.repeat(64) } : r));
    expect((await walk(relinked)).firstBreak).toEqual({ seq: '3', ref: 'm3', problem: 'prev_hash' });
  });

  it('reports the first checkpoint the chain departs from when two recorded different heads at one number', async () => {
    const forged = recompute(rows, 6);
    const w = await walk(forged, [anchor(rows, 7, 'old'), anchor(forged, 7, 'new')]);
    expect(w.departure).toMatchObject({ checkpointId: 'old', seq: '7', problem: 'changed' });
  });

  it('accepts links appended after the stored head was read, but not a head that names no stored link', async () => {
    // Read at seq 5, the chain has grown to 8 since: no mismatch.
    expect((await walk(rows, [], { seq: '5', hash: rows[4]!.hash })).headMatches).toBe(true);
    expect((await walk(rows, [], { seq: '0', hash: GENESIS })).headMatches).toBe(true);
    expect((await walk([], [], null)).headMatches).toBe(true);
    // A head moved to another hash, past the end, or gone while links are stored: a mismatch.
    expect((await walk(rows, [], { seq: '5', hash: rows[5]!.hash })).headMatches).toBe(false);
    expect((await walk(rows, [], { seq: '9', hash: 'f'.repeat(64) })).headMatches).toBe(false);
    expect((await walk(rows, [], null)).headMatches).toBe(false);
  });
});
