import { createHash, createHmac } from 'node:crypto';
import { deriveChainKeys } from '@lib/platform';
import { chainHash, type ChainedFields, chainPayload, type ChainRow, GENESIS_HASH, verifyChain } from './hash-chain.js';

const linkKey = deriveChainKeys('a-real-ledger-chain-key-from-the-vault').linkKey;

const fields = (seq: number, quantityKg = '-10.000'): ChainedFields => ({
  id: `0190f7a2-6b1e-7c3d-9a4b-${String(seq).padStart(12, '0')}`,
  facilityId: '0190f7a2-6b1e-7c3d-9a4b-2f1e0d9c8b7a',
  facilitySeq: String(seq),
  enterpriseId: '0190f7a2-6b1e-7c3d-9a4b-2f1e0d9c8b7b',
  type: seq === 1 ? 'produce' : 'use',
  chemicalId: '0190f7a2-6b1e-7c3d-9a4b-2f1e0d9c8b7c',
  lotId: '0190f7a2-6b1e-7c3d-9a4b-2f1e0d9c8b7d',
  quantityKg: seq === 1 ? '1000.000' : quantityKg,
  originalValue: '10.000000',
  originalUnit: 'kg',
  occurredAt: `2026-12-07T0${seq}:00:00.000Z`,
  recordedAt: `2026-12-07T0${seq}:00:01.000Z`,
  actorKeyId: null,
  groupId: `0190f7a2-6b1e-7c3d-9a4b-${String(seq).padStart(12, '9')}`,
  counterpartyFacilityId: null,
  counterpartyEnterpriseId: null,
  sourceMovementId: null,
  reversesId: null,
  wasteCode: null,
  disposalMethod: null,
  reason: null,
  countId: null,
  waybillId: null,
  manifestId: null,
  correctionReason: null,
  correctionFilingId: null,
  correctedBy: null,
  correctedByKeyId: null,
});

/** Links the rows with a link function, as a writer (or a forger) would. */
function link(all: ChainedFields[], hash: (prev: string, f: ChainedFields) => string): ChainRow[] {
  let prev = GENESIS_HASH;
  return all.map((f) => {
    const row = { fields: f, prevHash: prev, hash: hash(prev, f) };
    prev = row.hash;
    return row;
  });
}

describe('the keyed hash chain of a facility', () => {
  const movements = [1, 2, 3, 4, 5].map((i) => fields(i));
  const rows = link(movements, (prev, f) => chainHash(linkKey, prev, f));

  it('is HMAC-SHA256 with the link key over the previous hash and the fields', () => {
    const f = movements[0]!;
    expect(chainHash(linkKey, GENESIS_HASH, f)).toBe(
      createHmac('sha256', linkKey).update(GENESIS_HASH).update(chainPayload(f)).digest('hex'),
    );
    expect(chainPayload(f)).toBe(JSON.stringify(Object.values(f)));
  });

  it("covers a waybill leg's carriage, and hashes a link without one as before carriage existed", () => {
    const f = movements[0]!;
    const empty = { ...f, carrierEnterpriseId: null, vehiclePlate: null, waybillNumber: null };
    // No carriage: the payload is the 28 fields as they always were, so old links still verify.
    expect(chainPayload(empty)).toBe(chainPayload(f));
    const carried = { ...f, carrierEnterpriseId: f.enterpriseId, vehiclePlate: '苏B12345', waybillNumber: 'DG1' };
    expect(chainPayload(carried)).toBe(JSON.stringify([...Object.values(f), f.enterpriseId, '苏B12345', 'DG1']));
    // Changing the plate of a booked leg breaks its link.
    expect(chainHash(linkKey, GENESIS_HASH, { ...carried, vehiclePlate: '苏B99999' })).not.toBe(
      chainHash(linkKey, GENESIS_HASH, carried),
    );
  });

  it('verifies a chain its writer linked with the key', async () => {
    expect(await verifyChain(linkKey, rows, [], { lastSeq: '5', lastHash: rows[4]!.hash })).toEqual({
      checked: 5,
      headMatches: true,
      lastHash: rows[4]!.hash,
      firstBreak: null,
      departure: null,
    });
  });

  it.each([
    [
      'without a key (plain SHA-256, as before)',
      (prev: string, f: ChainedFields) => createHash('sha256').update(prev).update(chainPayload(f)).digest('hex'),
    ],
    [
      'with a wrong key',
      (prev: string, f: ChainedFields) =>
        createHmac('sha256', 'the-table-owners-guess').update(prev).update(chainPayload(f)).digest('hex'),
    ],
  ])('names the first rewritten movement of a chain recomputed %s', async (_how, forge) => {
    // The forger rewrites the third movement and recomputes every link from it on.
    const forged = rows.map((r) => ({ ...r, fields: { ...r.fields } }));
    forged[2]!.fields.quantityKg = '-1.000';
    for (let i = 2; i < 5; i++) {
      forged[i]!.prevHash = forged[i - 1]!.hash;
      forged[i]!.hash = forge(forged[i]!.prevHash, forged[i]!.fields);
    }
    const walk = await verifyChain(linkKey, forged, [
      { checkpointId: 'c1', period: '2026-12-07T09', seq: '5', hash: rows[4]!.hash },
    ]);
    expect(walk.checked).toBe(2);
    expect(walk.firstBreak).toEqual({ movementId: movements[2]!.id, facilitySeq: '3', problem: 'hash' });
    expect(walk.departure).toMatchObject({
      checkpointId: 'c1',
      facilitySeq: '5',
      movementId: movements[4]!.id,
      problem: 'changed',
      expectedHash: rows[4]!.hash,
      foundHash: forged[4]!.hash,
    });
  });

  it('does not verify a chain linked with another LEDGER_CHAIN_KEY', async () => {
    const otherKey = deriveChainKeys('another-deployments-ledger-chain-key').linkKey;
    expect((await verifyChain(otherKey, rows)).firstBreak).toEqual({
      movementId: movements[0]!.id,
      facilitySeq: '1',
      problem: 'hash',
    });
  });
});
