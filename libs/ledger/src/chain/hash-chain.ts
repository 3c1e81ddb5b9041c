import { createHash } from 'node:crypto';

/** The genesis link of every facility's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a movement that its hash covers, in a fixed order (strings as stored). */
export interface ChainedFields {
  id: string;
  facilityId: string;
  facilitySeq: string;
  enterpriseId: string;
  type: string;
  chemicalId: string;
  lotId: string;
  quantityKg: string;
  originalValue: string;
  originalUnit: string;
  occurredAt: string;
  recordedAt: string;
  actorKeyId: string | null;
  groupId: string;
  counterpartyFacilityId: string | null;
  counterpartyEnterpriseId: string | null;
  sourceMovementId: string | null;
  reversesId: string | null;
  wasteCode: string | null;
  disposalMethod: string | null;
  reason: string | null;
  countId: string | null;
  waybillId: string | null;
  manifestId: string | null;
}

const ORDER: Array<keyof ChainedFields> = [
  'id',
  'facilityId',
  'facilitySeq',
  'enterpriseId',
  'type',
  'chemicalId',
  'lotId',
  'quantityKg',
  'originalValue',
  'originalUnit',
  'occurredAt',
  'recordedAt',
  'actorKeyId',
  'groupId',
  'counterpartyFacilityId',
  'counterpartyEnterpriseId',
  'sourceMovementId',
  'reversesId',
  'wasteCode',
  'disposalMethod',
  'reason',
  'countId',
  'waybillId',
  'manifestId',
];

/** hash = SHA-256(previous hash ‖ canonical JSON of the fields): altering any field or any earlier row breaks every later link. */
export function chainHash(prevHash: string, fields: ChainedFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update(JSON.stringify(ORDER.map((k) => fields[k])))
    .digest('hex');
}

export interface ChainRow {
  fields: ChainedFields;
  prevHash: string;
  hash: string;
}

export type ChainBreak = { movementId: string; facilitySeq: string; problem: 'sequence' | 'prev_hash' | 'hash' };

/** Walks one facility's chain in sequence order and names the first broken link, if any. */
export async function verifyChain(
  rows: AsyncIterable<ChainRow> | Iterable<ChainRow>,
): Promise<{ checked: number; lastHash: string; firstBreak: ChainBreak | null }> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1n;
  let checked = 0;
  for await (const row of rows) {
    const at = { movementId: row.fields.id, facilitySeq: row.fields.facilitySeq };
    if (BigInt(row.fields.facilitySeq) !== expectedSeq)
      return { checked, lastHash: prev, firstBreak: { ...at, problem: 'sequence' } };
    if (row.prevHash !== prev) return { checked, lastHash: prev, firstBreak: { ...at, problem: 'prev_hash' } };
    if (chainHash(prev, row.fields) !== row.hash)
      return { checked, lastHash: prev, firstBreak: { ...at, problem: 'hash' } };
    prev = row.hash;
    expectedSeq++;
    checked++;
  }
  return { checked, lastHash: prev, firstBreak: null };
}
