import { DomainError } from '../errors/domain-error.js';
import type { JobName, JobPayloads } from './jobs.js';

export interface EnqueueOptions {
  /** Deduplicates: a job with the same id is not added twice while it exists. */
  jobId?: string;
  delayMs?: number;
}

export interface Job<N extends JobName = JobName> {
  id: string;
  name: N;
  data: JobPayloads[N];
  /** 1 on the first run. */
  attempt: number;
}

export type JobHandlerFn<N extends JobName = JobName> = (job: Job<N>) => Promise<void>;

export interface QueueHealth {
  up: boolean;
  transport: 'bullmq' | 'in-process';
  detail?: string;
}

/**
 * The queue as producers and the job runner see it. Two transports implement it: BullMQ on Redis,
 * and an in-process one for the embedded default. Handlers never know which one runs them.
 */
export abstract class JobQueue {
  abstract readonly transport: 'bullmq' | 'in-process';

  abstract enqueue<N extends JobName>(name: N, data: JobPayloads[N], options?: EnqueueOptions): Promise<void>;

  abstract enqueueBulk<N extends JobName>(
    jobs: Array<{ name: N; data: JobPayloads[N]; options?: EnqueueOptions }>,
  ): Promise<void>;

  /** Starts consuming every queue with the given handlers (one per job name). */
  abstract consume(handlers: Map<JobName, JobHandlerFn>): Promise<void>;

  abstract health(): Promise<QueueHealth>;

  /** Stops consuming (waiting for running jobs) and closes connections. */
  abstract close(): Promise<void>;
}

/** Thrown by enqueue when the transport cannot take the job now (Redis down): the caller answers 503. */
export class QueueUnavailable extends DomainError {
  readonly retryAfterSeconds = 1;
  constructor(cause: unknown) {
    super(
      'QUEUE_UNAVAILABLE',
      503,
      `the queue cannot take work now (${cause instanceof Error ? cause.message : String(cause)}); retry`,
      {
        retryable: true,
      },
    );
  }
}
