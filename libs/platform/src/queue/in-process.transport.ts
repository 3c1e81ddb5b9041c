import { AsyncResource } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import { uuid7 } from '../ids/uuid7.js';
import { type EnqueueOptions, type Job, type JobHandlerFn, JobQueue, type QueueHealth } from './job-queue.js';
import { backoffMs, JOB_DEFINITIONS, type JobName, type JobPayloads, QUEUE_DEFINITIONS, QueueName } from './jobs.js';
import { runWithTimeout } from './run-with-timeout.js';

interface Pending {
  job: Job;
}

class Lane {
  readonly waiting: Pending[] = [];
  active = 0;
  constructor(readonly concurrency: number) {}
}

/**
 * The embedded default's queue: the same job names, definitions and handlers as on BullMQ, run by
 * lanes inside this process. Jobs live in memory; what must survive a crash is in the database
 * (fixes, outbox rows) and is picked up again by the sweeps that own it.
 */
export class InProcessTransport extends JobQueue {
  readonly transport = 'in-process' as const;
  private readonly log = new Logger('Queue');
  private readonly lanes = new Map<QueueName, Lane>();
  private readonly ids = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly repeats = new Set<NodeJS.Timeout>();
  private handlers: Map<JobName, JobHandlerFn> | null = null;
  private closing = false;
  private idleWaiters: Array<() => void> = [];
  /** Jobs run in the async context of the queue's creation, never in an enqueuer's transaction. */
  private readonly scope = new AsyncResource('InProcessQueue');
  readonly failed: Array<{ job: Job; error: string; at: string }> = [];

  constructor() {
    super();
    for (const q of Object.values(QueueName)) this.lanes.set(q, new Lane(QUEUE_DEFINITIONS[q].concurrency));
  }

  async enqueue<N extends JobName>(name: N, data: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
    this.add(name, data, options);
    return Promise.resolve();
  }

  async enqueueBulk<N extends JobName>(
    jobs: Array<{ name: N; data: JobPayloads[N]; options?: EnqueueOptions }>,
  ): Promise<void> {
    for (const j of jobs) this.add(j.name, j.data, j.options ?? {});
    return Promise.resolve();
  }

  private add(name: JobName, data: unknown, options: EnqueueOptions): void {
    if (this.closing) throw new Error('queue is closing');
    const id = options.jobId ?? uuid7();
    if (this.ids.has(id)) return;
    this.ids.add(id);
    const job = { id, name, data, attempt: 1 } as Job;
    if (options.delayMs && options.delayMs > 0) this.later(job, options.delayMs);
    else this.push(job);
  }

  private later(job: Job, delayMs: number): void {
    this.scope.runInAsyncScope(() => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.push(job);
      }, delayMs);
      this.timers.add(t);
    });
  }

  private push(job: Job): void {
    const lane = this.lanes.get(JOB_DEFINITIONS[job.name].queue)!;
    lane.waiting.push({ job });
    this.scope.runInAsyncScope(() => setImmediate(() => this.drain(lane)));
  }

  private drain(lane: Lane): void {
    if (!this.handlers) return;
    while (lane.active < lane.concurrency && lane.waiting.length > 0) {
      const { job } = lane.waiting.shift()!;
      lane.active++;
      void this.run(job).finally(() => {
        lane.active--;
        this.drain(lane);
        this.notifyIdle();
      });
    }
  }

  private async run(job: Job): Promise<void> {
    const def = JOB_DEFINITIONS[job.name];
    const handler = this.handlers!.get(job.name)!;
    try {
      await runWithTimeout(handler(job), def.timeoutMs, `job ${job.name}`);
      this.ids.delete(job.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (job.attempt < def.attempts && !this.closing) {
        this.log.warn({ job: job.name, jobId: job.id, attempt: job.attempt, error: message }, 'job failed, will retry');
        this.later({ ...job, attempt: job.attempt + 1 }, backoffMs(def, job.attempt));
      } else {
        this.ids.delete(job.id);
        this.log.error({ job: job.name, jobId: job.id, attempt: job.attempt, error: message }, 'job failed for good');
        this.failed.push({ job, error: message, at: new Date().toISOString() });
        if (this.failed.length > 1000) this.failed.shift();
      }
    }
  }

  consume(handlers: Map<JobName, JobHandlerFn>): Promise<void> {
    this.handlers = handlers;
    for (const name of Object.keys(JOB_DEFINITIONS) as JobName[]) {
      const every = JOB_DEFINITIONS[name].repeatEveryMs;
      if (!every) continue;
      this.scope.runInAsyncScope(() => {
        const t = setInterval(() => {
          if (!this.closing) this.add(name, {}, { jobId: `repeat:${name}` });
        }, every);
        this.repeats.add(t);
      });
    }
    for (const lane of this.lanes.values()) this.scope.runInAsyncScope(() => setImmediate(() => this.drain(lane)));
    return Promise.resolve();
  }

  /** Resolves when no job is waiting or running (tests and shutdown use it). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return [...this.lanes.values()].every((l) => l.active === 0 && l.waiting.length === 0);
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  health(): Promise<QueueHealth> {
    return Promise.resolve({ up: !this.closing, transport: this.transport });
  }

  async close(graceMs = 5000): Promise<void> {
    this.closing = true;
    for (const t of this.repeats) clearInterval(t);
    for (const t of this.timers) clearTimeout(t);
    if (this.timers.size > 0) this.log.warn(`${this.timers.size} delayed or retrying job(s) dropped at shutdown`);
    this.timers.clear();
    if (this.handlers) {
      await Promise.race([this.idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    this.scope.emitDestroy();
  }
}
