import { canonicalJson } from '../access/access-log.js';
import { checkpointId, checkpointSignatureValid, duePeriods, signCheckpoint, signedBytes } from './checkpoint.js';
import { deriveChainKeys } from './key-derivation.js';

describe('checkpoints', () => {
  const keys = deriveChainKeys('a-real-ledger-chain-key-from-the-vault');
  const body = {
    id: checkpointId('hour', '2026-12-07T14'),
    kind: 'hour' as const,
    period: '2026-12-07T14',
    takenAt: '2026-12-07T07:02:11.000Z',
    chains: 3,
    root: 'e'.repeat(64),
    keyId: keys.keyId,
    algorithm: 'Ed25519' as const,
  };
  const signed = signCheckpoint(body, keys.signingKey);

  it('signs the canonical JSON of the body, which a receiver rebuilds from the fields in any order', () => {
    expect(signed.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(checkpointSignatureValid(signed, keys.publicKey)).toBe(true);
    const reordered = JSON.parse(
      JSON.stringify({ signature: signed.signature, ...Object.fromEntries(Object.entries(body).toReversed()) }),
    );
    expect(checkpointSignatureValid(reordered, keys.publicKey)).toBe(true);
    expect(signedBytes(signed).toString()).toBe(canonicalJson(body));
    expect(signedBytes(signed).toString()).not.toContain('signature');
  });

  it.each([
    ['root', { root: 'f'.repeat(64) }],
    ['chains', { chains: 4 }],
    ['period', { period: '2026-12-07T15' }],
    ['takenAt', { takenAt: '2026-12-07T07:02:12.000Z' }],
    ['kind', { kind: 'day' as const }],
    ['id', { id: checkpointId('hour', '2026-12-07T15') }],
  ])('refuses a checkpoint whose %s was changed after signing', (_field, change) => {
    expect(checkpointSignatureValid({ ...signed, ...change }, keys.publicKey)).toBe(false);
  });

  it('refuses a signature by another key and malformed signatures, without throwing', () => {
    const other = deriveChainKeys('somebody-elses-ledger-chain-key-0000');
    expect(checkpointSignatureValid(signCheckpoint(body, other.signingKey), keys.publicKey)).toBe(false);
    for (const signature of ['', 'not base64!', 'AAAA', signed.signature.slice(4)])
      expect(checkpointSignatureValid({ ...signed, signature }, keys.publicKey)).toBe(false);
  });

  it('derives the id from kind and period, so a period has one checkpoint', () => {
    expect(checkpointId('hour', '2026-12-07T14')).toBe(body.id);
    expect(checkpointId('day', '2026-12-07T14')).not.toBe(body.id);
    expect(checkpointId('hour', '2026-12-07T13')).not.toBe(body.id);
  });

  it.each([
    // [instant (UTC), local hour that ended, local day that ended]
    ['2026-12-07T07:02:00Z', '2026-12-07T14', '2026-12-06'], // 15:02 in Wuxi
    ['2026-12-07T06:59:59Z', '2026-12-07T13', '2026-12-06'],
    ['2026-12-07T16:00:00Z', '2026-12-07T23', '2026-12-07'], // local midnight: the hour 23 and the whole day
    ['2026-12-07T16:04:00Z', '2026-12-07T23', '2026-12-07'],
    ['2026-12-07T15:59:00Z', '2026-12-07T22', '2026-12-06'], // 23:59: the day is not over yet
    ['2026-12-31T16:01:00Z', '2026-12-31T23', '2026-12-31'], // new year
    ['2027-03-01T16:30:00Z', '2027-03-01T23', '2027-03-01'],
    ['2028-02-29T00:00:00Z', '2028-02-29T07', '2028-02-28'], // leap day
  ])('at %s the due periods are the hour %s and the day %s (Asia/Shanghai)', (at, hour, day) => {
    expect(duePeriods(new Date(at))).toEqual([
      { kind: 'hour', period: hour },
      { kind: 'day', period: day },
    ]);
  });
});
