import { createHmac } from 'node:crypto';

/** The genesis link of the access log's chain. */
export const ACCESS_GENESIS_HASH = '0'.repeat(64);

/** How shared data left the service: a webhook delivery, the pull feed, the live stream, an API read, a granted request. */
export const ACCESS_CHANNELS = ['webhook', 'feed', 'stream', 'api', 'grant'] as const;
export type AccessChannel = (typeof ACCESS_CHANNELS)[number];

/** One access to shared or personal data, as written (the fields the hash covers). */
export interface AccessRecord {
  seq: string;
  at: string;
  keyId: string | null;
  principal: string;
  agency: string | null;
  channel: AccessChannel;
  action: string;
  /** What was seen, as kind:id (vehicle:…, person:…, enterprise:…, waybill:…, violation:…). */
  subjects: string[];
  /** Event ids, endpoint, request id: what identifies the data given out. */
  detail: Record<string, unknown>;
  purpose: string | null;
  grantId: string | null;
}

/** Stable JSON: object keys sorted at every level, so what PostgreSQL's jsonb reorders still hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const ORDER: Array<keyof AccessRecord> = [
  'seq',
  'at',
  'keyId',
  'principal',
  'agency',
  'channel',
  'action',
  'subjects',
  'detail',
  'purpose',
  'grantId',
];

/** The access log's single chain, as checkpoints name it. */
export const ACCESS_LOG_CHAIN = 'access-log';

/**
 * hash = HMAC-SHA256(link key, previous hash ‖ canonical JSON of the record), as the ledger's chain:
 * without the key (LEDGER_CHAIN_KEY) nobody can make a link that verifies.
 */
export function accessHash(linkKey: Buffer, prevHash: string, r: AccessRecord): string {
  return createHmac('sha256', linkKey)
    .update(prevHash)
    .update(canonicalJson(ORDER.map((k) => r[k])))
    .digest('hex');
}
