/**
 * Every queue and job of the service, in one place. A job's payload is a member of JobPayloads,
 * so the enqueue site and the handler agree at compile time. Payloads carry ids and small values.
 */
export enum QueueName {
  /** Housekeeping: small, unordered, retried. */
  Platform = 'platform',
}

export enum JobName {
  /** Records when an API key was last used (debounced per key by the auth guard). */
  ApiKeyUsed = 'platform.api-key-used',
}

export interface JobPayloads {
  [JobName.ApiKeyUsed]: { keyId: string; usedAt: string };
}

export interface JobDefinition {
  queue: QueueName;
  /** Total attempts, including the first. */
  attempts: number;
  backoff: { type: 'fixed' | 'exponential'; delayMs: number };
  /** A handler running longer than this fails (and is retried). */
  timeoutMs: number;
  /** How many completed jobs to keep for inspection; failed ones are kept for a week. */
  keepCompleted: number;
}

export interface QueueDefinition {
  /** Jobs one consumer process runs at once on this queue. */
  concurrency: number;
  /** BullMQ lock duration: longer than any single job's CPU slice between awaits. */
  lockDurationMs: number;
}

/** Retry, backoff, retention and timeouts: per job, here and nowhere else. */
export const JOB_DEFINITIONS: { [N in JobName]: JobDefinition } = {
  [JobName.ApiKeyUsed]: {
    queue: QueueName.Platform,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 1000 },
    timeoutMs: 10_000,
    keepCompleted: 100,
  },
};

export const QUEUE_DEFINITIONS: { [Q in QueueName]: QueueDefinition } = {
  [QueueName.Platform]: { concurrency: 4, lockDurationMs: 30_000 },
};

export const FAILED_JOB_RETENTION_SECONDS = 7 * 24 * 3600;

/** Backoff before attempt `attempt + 1` (attempt counts from 1), the same on both transports. */
export function backoffMs(def: JobDefinition, attempt: number): number {
  return def.backoff.type === 'fixed' ? def.backoff.delayMs : def.backoff.delayMs * 2 ** (attempt - 1);
}
