/**
 * Every queue and job of the service, in one place. A job's payload is a member of JobPayloads,
 * so the enqueue site and the handler agree at compile time. Payloads carry ids and small values.
 */
export enum QueueName {
  /** Housekeeping: small, unordered, retried. */
  Platform = 'platform',
  /** Periodic maintenance (partitions, sweeps): one at a time. */
  Maintenance = 'maintenance',
  /** Matching vehicles' progress to their e-waybills. */
  Waybill = 'waybill',
  /** Delivering published events to agencies' webhooks. */
  Exchange = 'exchange',
  /** Inventory audit runs: long, one at a time per process. */
  Audit = 'audit',
}

export enum JobName {
  /** Records when an API key was last used (debounced per key by the auth guard). */
  ApiKeyUsed = 'platform.api-key-used',
  /** Creates the next days' partitions of the fixes table and drops those past the retention. */
  FixPartitions = 'telematics.fix-partitions',
  /** Drops Idempotency-Key records older than their retention. */
  IdempotencyCleanup = 'platform.idempotency-cleanup',
  /** A vehicle on an active e-waybill has new evaluated fixes: match them to the trip. */
  WaybillProgress = 'waybill.progress',
  /** Waybills that have not departed in time, or are overdue. */
  WaybillSweep = 'waybill.sweep',
  /** Sends one endpoint's due webhook deliveries, oldest first (one sender per endpoint at a time). */
  WebhookDeliver = 'exchange.webhook-deliver',
  /** Finds endpoints with due deliveries that no job is looking after (a lost enqueue, a restart). */
  WebhookSweep = 'exchange.webhook-sweep',
  /** Escalates violation alerts that no receiving agency acknowledged in time. */
  AlertEscalation = 'exchange.alert-escalation',
  /** Publishes licence.expiring for licences that expire within 30 days (once per licence and expiry). */
  LicenceExpiry = 'registry.licence-expiry',
  /** Matches sales of 剧毒/易制爆 with their filings; publishes controlled.sale_unfiled past 5 days (once per sale). */
  ControlledSaleFilings = 'registry.controlled-sale-filings',
  /** Runs one inventory audit (an enterprise, a district or the city). */
  AuditRun = 'audit.run',
  /** Publishes supervision orders that passed their deadline (once per deadline). */
  SupervisionOverdue = 'audit.supervision-overdue',
  /** Publishes the signed checkpoint of every chain head for the local hour and day that ended (once per period). */
  ChainCheckpoint = 'ledger.chain-checkpoint',
}

export interface JobPayloads {
  [JobName.ApiKeyUsed]: { keyId: string; usedAt: string };
  [JobName.FixPartitions]: Record<string, never>;
  [JobName.IdempotencyCleanup]: Record<string, never>;
  [JobName.WaybillProgress]: { waybillId: string; vehicleId: string; upTo: number };
  [JobName.WaybillSweep]: Record<string, never>;
  [JobName.WebhookDeliver]: { endpointId: string };
  [JobName.WebhookSweep]: Record<string, never>;
  [JobName.AlertEscalation]: Record<string, never>;
  [JobName.LicenceExpiry]: Record<string, never>;
  [JobName.ControlledSaleFilings]: Record<string, never>;
  [JobName.AuditRun]: { auditId: string };
  [JobName.SupervisionOverdue]: Record<string, never>;
  [JobName.ChainCheckpoint]: Record<string, never>;
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
  /** Runs on its own every this many ms (once across all workers), with an empty payload. */
  repeatEveryMs?: number;
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
  [JobName.FixPartitions]: {
    queue: QueueName.Maintenance,
    attempts: 5,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 120_000,
    keepCompleted: 10,
    repeatEveryMs: 6 * 3600_000,
  },
  [JobName.IdempotencyCleanup]: {
    queue: QueueName.Maintenance,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 10_000 },
    timeoutMs: 60_000,
    keepCompleted: 10,
    repeatEveryMs: 3600_000,
  },
  [JobName.WaybillProgress]: {
    queue: QueueName.Waybill,
    attempts: 5,
    backoff: { type: 'exponential', delayMs: 1000 },
    timeoutMs: 30_000,
    keepCompleted: 100,
  },
  [JobName.WaybillSweep]: {
    queue: QueueName.Maintenance,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5000 },
    timeoutMs: 60_000,
    keepCompleted: 10,
    repeatEveryMs: 60_000,
  },
  [JobName.WebhookDeliver]: {
    queue: QueueName.Exchange,
    // The delivery's own retry schedule (configuration) lives in the database; a failed job only
    // means the handler itself broke (the database was away), so it is retried quickly.
    attempts: 10,
    backoff: { type: 'exponential', delayMs: 500 },
    timeoutMs: 120_000,
    keepCompleted: 10,
  },
  [JobName.WebhookSweep]: {
    queue: QueueName.Maintenance,
    attempts: 3,
    backoff: { type: 'fixed', delayMs: 5000 },
    timeoutMs: 30_000,
    keepCompleted: 10,
    repeatEveryMs: 15_000,
  },
  [JobName.AlertEscalation]: {
    queue: QueueName.Maintenance,
    attempts: 3,
    backoff: { type: 'fixed', delayMs: 5000 },
    timeoutMs: 60_000,
    keepCompleted: 10,
    repeatEveryMs: 30_000,
  },
  [JobName.LicenceExpiry]: {
    queue: QueueName.Maintenance,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 60_000 },
    timeoutMs: 120_000,
    keepCompleted: 10,
    repeatEveryMs: 6 * 3600_000,
  },
  [JobName.ControlledSaleFilings]: {
    queue: QueueName.Maintenance,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 60_000 },
    timeoutMs: 120_000,
    keepCompleted: 10,
    repeatEveryMs: 3600_000,
  },
  [JobName.AuditRun]: {
    queue: QueueName.Audit,
    // A failed run starts over (its partial results are dropped first).
    attempts: 2,
    backoff: { type: 'fixed', delayMs: 10_000 },
    timeoutMs: 30 * 60_000,
    keepCompleted: 20,
  },
  [JobName.SupervisionOverdue]: {
    queue: QueueName.Maintenance,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 10_000 },
    timeoutMs: 60_000,
    keepCompleted: 10,
    repeatEveryMs: 5 * 60_000,
  },
  [JobName.ChainCheckpoint]: {
    queue: QueueName.Maintenance,
    attempts: 5,
    backoff: { type: 'exponential', delayMs: 10_000 },
    timeoutMs: 120_000,
    keepCompleted: 10,
    // Looks every 5 minutes: a period's checkpoint goes out within 5 minutes of its end (once).
    repeatEveryMs: 5 * 60_000,
  },
};

export const QUEUE_DEFINITIONS: { [Q in QueueName]: QueueDefinition } = {
  [QueueName.Platform]: { concurrency: 4, lockDurationMs: 30_000 },
  [QueueName.Maintenance]: { concurrency: 1, lockDurationMs: 150_000 },
  [QueueName.Waybill]: { concurrency: 4, lockDurationMs: 60_000 },
  // Webhook senders mostly wait on receivers: more lanes than there can be endpoints (5 agencies ×
  // 20, webhook.service.ts), so a receiver that hangs holds only its own endpoint's lane.
  [QueueName.Exchange]: { concurrency: 128, lockDurationMs: 150_000 },
  [QueueName.Audit]: { concurrency: 1, lockDurationMs: 300_000 },
};

export const FAILED_JOB_RETENTION_SECONDS = 7 * 24 * 3600;

/** Backoff before attempt `attempt + 1` (attempt counts from 1), the same on both transports. */
export function backoffMs(def: JobDefinition, attempt: number): number {
  return def.backoff.type === 'fixed' ? def.backoff.delayMs : def.backoff.delayMs * 2 ** (attempt - 1);
}
