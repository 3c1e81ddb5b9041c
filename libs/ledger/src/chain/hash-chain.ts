import { createHmac } from 'node:crypto';
import { type Anchor, type Departure, walkChain } from '@lib/platform';

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
  /** A correction booked late (issue 15): its reason and who confirmed it are part of the record. */
  correctionReason: string | null;
  correctionFilingId: string | null;
  correctedBy: string | null;
  correctedByKeyId: string | null;
  /**
   * The carriage of a leg a waybill booked (issue 17): its carrier, vehicle plate and waybill number.
   * Covered only when set, so every link hashed before these existed verifies as it did.
   */
  carrierEnterpriseId?: string | null;
  vehiclePlate?: string | null;
  waybillNumber?: string | null;
}

const CARRIAGE: Array<keyof ChainedFields> = ['carrierEnterpriseId', 'vehiclePlate', 'waybillNumber'];

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
  'correctionReason',
  'correctionFilingId',
  'correctedBy',
  'correctedByKeyId',
];

/** A facility's chain, as checkpoints name it. */
export const facilityChain = (facilityId: string): string => `facility:${facilityId}`;

/** What a link covers besides the previous hash: the fields in their fixed order, as JSON. */
export function chainPayload(fields: ChainedFields): string {
  const values = ORDER.map((k) => fields[k]);
  const carriage = CARRIAGE.map((k) => fields[k] ?? null);
  return JSON.stringify(carriage.some((v) => v !== null) ? [...values, ...carriage] : values);
}

/**
 * hash = HMAC-SHA256(link key, previous hash ‖ canonical JSON of the fields): altering any field or
 * any earlier row breaks every later link, and without the key (LEDGER_CHAIN_KEY) nobody can make
 * a link that verifies: a table owner who rewrites a movement cannot recompute the chain.
 */
export function chainHash(linkKey: Buffer, prevHash: string, fields: ChainedFields): string {
  return createHmac('sha256', linkKey).update(prevHash).update(chainPayload(fields)).digest('hex');
}

export interface ChainRow {
  fields: ChainedFields;
  prevHash: string;
  hash: string;
}

export type ChainBreak = { movementId: string; facilitySeq: string; problem: 'sequence' | 'prev_hash' | 'hash' };

/** Where the chain departs from a published checkpoint, in the ledger's words. */
export interface LedgerDeparture extends Omit<Departure, 'seq' | 'ref'> {
  facilitySeq: string;
  /** The movement now stored at that number (null: removed). */
  movementId: string | null;
}

/**
 * Walks one facility's chain in sequence order: names the first broken link, if any, and the
 * first head a checkpoint recorded that the chain no longer reaches.
 */
export async function verifyChain(
  linkKey: Buffer,
  rows: AsyncIterable<ChainRow> | Iterable<ChainRow>,
  anchors: readonly Anchor[] = [],
  /** The stored head (ledger_chain_heads), read before the rows; null: none stored. */
  head: { lastSeq: string; lastHash: string } | null = null,
): Promise<{
  checked: number;
  headMatches: boolean;
  lastHash: string;
  firstBreak: ChainBreak | null;
  departure: LedgerDeparture | null;
}> {
  const walk = await walkChain(
    rows,
    (r) => ({ seq: r.fields.facilitySeq, ref: r.fields.id, prevHash: r.prevHash, hash: r.hash }),
    (r) => chainHash(linkKey, r.prevHash, r.fields),
    anchors,
    GENESIS_HASH,
    head && { seq: head.lastSeq, hash: head.lastHash },
  );
  const d = walk.departure;
  return {
    checked: walk.checked,
    headMatches: walk.headMatches,
    lastHash: walk.lastHash,
    firstBreak: walk.firstBreak
      ? { movementId: walk.firstBreak.ref, facilitySeq: walk.firstBreak.seq, problem: walk.firstBreak.problem }
      : null,
    departure: d
      ? {
          checkpointId: d.checkpointId,
          period: d.period,
          facilitySeq: d.seq,
          movementId: d.ref,
          problem: d.problem,
          expectedHash: d.expectedHash,
          foundHash: d.foundHash,
          agreesUpToSeq: d.agreesUpToSeq,
        }
      : null,
  };
}
