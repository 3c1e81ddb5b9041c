import { type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../access/access-log.js';
import { uuidFromName } from '../ids/uuid7.js';
import { SHANGHAI_OFFSET_MS } from '../time/local-time.js';

/**
 * A checkpoint: the heads of every chain at one instant, reduced to a Merkle root and signed with
 * the service's Ed25519 key. Published to emergency management (integrity.checkpoint), whose copy
 * an insider cannot reach: a chain rewritten after a checkpoint no longer reaches the head it
 * signed. Pure code: data and keys in, data out; the time comes in as an argument.
 */
export const CHECKPOINT_KINDS = ['hour', 'day', 'demand'] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];

/** What is signed. */
export interface CheckpointBody {
  id: string;
  /** hour: the local hour that ended; day: the local day that ended; demand: asked for through the API. */
  kind: CheckpointKind;
  /** hour: 2026-12-07T14 (14:00–15:00 Asia/Shanghai); day: 2026-12-07; demand: the instant taken. */
  period: string;
  /** When the heads were read. */
  takenAt: string;
  /** How many chains (leaves). */
  chains: number;
  /** Merkle root over the heads (see merkle.ts), hex. */
  root: string;
  keyId: string;
  algorithm: 'Ed25519';
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Ed25519 over the UTF-8 bytes of the canonical JSON of the body (keys sorted, no spaces), base64. */
  signature: string;
}

/** The exact bytes signed: only the body's fields, whatever else the object carries. */
export function signedBytes(c: CheckpointBody): Buffer {
  const body: CheckpointBody = {
    id: c.id,
    kind: c.kind,
    period: c.period,
    takenAt: c.takenAt,
    chains: c.chains,
    root: c.root,
    keyId: c.keyId,
    algorithm: c.algorithm,
  };
  return Buffer.from(canonicalJson(body), 'utf8');
}

export function signCheckpoint(body: CheckpointBody, signingKey: KeyObject): SignedCheckpoint {
  return { ...body, signature: sign(null, signedBytes(body), signingKey).toString('base64') };
}

/** Whether the signature is this key's over this body (false for any malformed input, never a throw). */
export function checkpointSignatureValid(c: SignedCheckpoint, publicKey: KeyObject): boolean {
  try {
    if (c.algorithm !== 'Ed25519' || !/^[A-Za-z0-9+/]+={0,2}$/.test(c.signature)) return false;
    return verify(null, signedBytes(c), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

/** The same period always gives the same id, so a period's checkpoint and its event exist once. */
export const checkpointId = (kind: CheckpointKind, period: string): string =>
  uuidFromName(`integrity.checkpoint:${kind}:${period}`);

/**
 * The periods whose checkpoint is due at `now`: the local hour that last ended and the local day
 * that last ended (Asia/Shanghai). A run that finds them published already writes nothing.
 */
export function duePeriods(now: Date): Array<{ kind: 'hour' | 'day'; period: string }> {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  const hourEnded = new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), local.getUTCHours() - 1),
  );
  const dayEnded = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - 1));
  return [
    { kind: 'hour', period: hourEnded.toISOString().slice(0, 13) },
    { kind: 'day', period: dayEnded.toISOString().slice(0, 10) },
  ];
}
