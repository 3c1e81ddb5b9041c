import { createHash } from 'node:crypto';

/** One chain's head as a checkpoint records it: `facility:<id>` or `access-log`, its last sequence number and link. */
export interface ChainHeadEntry {
  chain: string;
  seq: string;
  hash: string;
}

const sha256 = (...parts: Array<Buffer | string>): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/**
 * A Merkle tree over the heads, as RFC 6962 §2.1 defines it (Certificate Transparency): leaf =
 * SHA-256(0x00 ‖ "chain\nseq\nhash"), node = SHA-256(0x01 ‖ left ‖ right), the left subtree holding
 * the largest power of two leaves smaller than the count; the root of no leaves is SHA-256(""). The
 * leaves are in the order of the chain names (byte order). The 0x00/0x01 prefixes keep a leaf from
 * passing for a node. Pure code.
 */
export function leafHash(head: ChainHeadEntry): Buffer {
  return sha256(LEAF, `${head.chain}\n${head.seq}\n${head.hash}`);
}

export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  const root = (from: number, to: number): Buffer => {
    const n = to - from;
    if (n === 0) return sha256('');
    if (n === 1) return leaves[from]!;
    let k = 1;
    while (k * 2 < n) k *= 2;
    return sha256(NODE, root(from, from + k), root(from + k, to));
  };
  return root(0, leaves.length);
}

/** Byte order of the chain names (they are ASCII), as PostgreSQL's "C" collation sorts them. */
export const byChain = (a: ChainHeadEntry, b: ChainHeadEntry): number =>
  a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0;

/** The root over a list of heads, in any order (they are sorted first); hex. */
export function headsRoot(heads: readonly ChainHeadEntry[]): string {
  return merkleRoot([...heads].sort(byChain).map(leafHash)).toString('hex');
}
