import { createHash } from 'node:crypto';
import { headsRoot, leafHash, merkleRoot } from './merkle.js';

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('merkle tree over chain heads (RFC 6962)', () => {
  // The reference vectors of Certificate Transparency's tests: leaf data and the root of the first n leaves.
  const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
  const roots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const leaves = data.map((d) => sha256(Buffer.from([0]), Buffer.from(d, 'hex')));

  it.each(roots.map((root, i) => [i + 1, root]))('gives the reference root of the first %i leaves', (n, root) => {
    expect(merkleRoot(leaves.slice(0, n as number)).toString('hex')).toBe(root);
  });

  it('gives SHA-256 of nothing for no leaves', () => {
    expect(merkleRoot([]).toString('hex')).toBe(sha256().toString('hex'));
  });

  const heads = [
    { chain: 'facility:0190f7a2-6b1e-7c3d-9a4b-2f1e0d9c8b7a', seq: '17', hash: 'a'.repeat(64) },
    { chain: 'access-log', seq: '3', hash: 'b'.repeat(64) },
    { chain: 'facility:0190f7a2-6b1e-7c3d-9a4b-000000000001', seq: '1', hash: 'c'.repeat(64) },
  ];

  it('hashes a head as SHA-256(0x00 ‖ "chain\\nseq\\nhash")', () => {
    expect(leafHash(heads[1]!).toString('hex')).toBe(
      sha256(Buffer.from([0]), Buffer.from(`access-log\n3\n${'b'.repeat(64)}`)).toString('hex'),
    );
  });

  it('orders the heads by chain name, so any order of the same heads gives the same root', () => {
    const sorted = [heads[1]!, heads[2]!, heads[0]!];
    expect(headsRoot(heads)).toBe(merkleRoot(sorted.map(leafHash)).toString('hex'));
    expect(headsRoot(heads.toReversed())).toBe(headsRoot(heads));
  });

  it.each([
    ['a changed hash', { ...heads[0]!, hash: 'd'.repeat(64) }],
    ['an earlier sequence number', { ...heads[0]!, seq: '16' }],
    ['another chain', { ...heads[0]!, chain: 'facility:0190f7a2-6b1e-7c3d-9a4b-2f1e0d9c8b7b' }],
  ])('changes the root for %s', (_what, changed) => {
    expect(headsRoot([changed, heads[1]!, heads[2]!])).not.toBe(headsRoot(heads));
  });

  it('changes the root when a chain is left out', () => {
    expect(headsRoot(heads.slice(0, 2))).not.toBe(headsRoot(heads));
  });
});
