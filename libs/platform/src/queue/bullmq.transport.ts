import { Logger } from '@nestjs/common';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type EnqueueOptions, type JobHandlerFn, JobQueue, type QueueHealth, QueueUnavailable } from './job-queue.js';
import {
  backoffMs,
  FAILED_JOB_RETENTION_SECONDS,
  JOB_DEFINITIONS,
  type JobName,
  type JobPayloads,
  QUEUE_DEFINITIONS,
  QueueName,
} from './jobs.js';
import { runWithTimeout } from './run-with-timeout.js';

/**
 * BullMQ on Redis: producers fail fast when Redis is unreachable (so the api can answer 503 and
 * the client retries) while workers keep reconnecting in the background.
 */
export class BullmqTransport extends JobQueue {
  readonly transport = 'bullmq' as const;
  private readonly log = new Logger('Queue');
  private readonly producer: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly workerConnections: Redis[] = [];

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    super();
    this.producer = new Redis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 3000,
      lazyConnect: true,
    });
    this.producer.on('error', () => undefined);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.producer as unknown as ConnectionOptions, prefix: this.prefix });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  private options(name: JobName, options: EnqueueOptions = {}) {
    const def = JOB_DEFINITIONS[name];
    return {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: def.attempts,
      // Custom strategy so the delays match the in-process transport exactly.
      backoff: { type: 'platform', delay: def.backoff.delayMs },
      removeOnComplete: { count: def.keepCompleted },
      removeOnFail: { age: FAILED_JOB_RETENTION_SECONDS },
    };
  }

  async enqueue<N extends JobName>(name: N, data: JobPayloads[N], options?: EnqueueOptions): Promise<void> {
    try {
      await this.queue(JOB_DEFINITIONS[name].queue).add(name, data, this.options(name, options));
    } catch (err) {
      throw new QueueUnavailable(err);
    }
  }

  async enqueueBulk<N extends JobName>(
    jobs: Array<{ name: N; data: JobPayloads[N]; options?: EnqueueOptions }>,
  ): Promise<void> {
    const byQueue = new Map<
      QueueName,
      Array<{ name: string; data: unknown; opts: ReturnType<BullmqTransport['options']> }>
    >();
    for (const j of jobs) {
      const q = JOB_DEFINITIONS[j.name].queue;
      const list = byQueue.get(q) ?? [];
      list.push({ name: j.name, data: j.data, opts: this.options(j.name, j.options) });
      byQueue.set(q, list);
    }
    try {
      await Promise.all([...byQueue].map(([q, list]) => this.queue(q).addBulk(list)));
    } catch (err) {
      throw new QueueUnavailable(err);
    }
  }

  async consume(handlers: Map<JobName, JobHandlerFn>): Promise<void> {
    for (const q of Object.values(QueueName)) {
      const def = QUEUE_DEFINITIONS[q];
      const connection = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
      connection.on('error', () => undefined);
      this.workerConnections.push(connection);
      const worker = new Worker(
        q,
        async (job) => {
          const name = job.name as JobName;
          const handler = handlers.get(name);
          if (!handler) throw new Error(`no handler for job ${job.name}`);
          await runWithTimeout(
            handler({ id: job.id ?? '', name, data: job.data as never, attempt: job.attemptsMade + 1 }),
            JOB_DEFINITIONS[name].timeoutMs,
            `job ${name}`,
          );
        },
        {
          connection: connection as unknown as ConnectionOptions,
          prefix: this.prefix,
          concurrency: def.concurrency,
          lockDuration: def.lockDurationMs,
          settings: {
            backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: { name: string }) =>
              job ? backoffMs(JOB_DEFINITIONS[job.name as JobName], attemptsMade) : 1000,
          },
        },
      );
      worker.on('failed', (job, err) => {
        if (!job) return;
        const final = job.attemptsMade >= (job.opts.attempts ?? 1);
        this.log[final ? 'error' : 'warn'](
          { job: job.name, jobId: job.id, attempt: job.attemptsMade, error: err.message },
          final ? 'job failed for good' : 'job failed, will retry',
        );
      });
      worker.on('error', (err) => this.log.warn({ queue: q, error: err.message }, 'worker connection error'));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    // Repeating jobs: one scheduler per job in Redis, so any number of workers run it once per period.
    for (const name of Object.keys(JOB_DEFINITIONS) as JobName[]) {
      const every = JOB_DEFINITIONS[name].repeatEveryMs;
      if (every)
        await this.queue(JOB_DEFINITIONS[name].queue).upsertJobScheduler(
          `repeat:${name}`,
          { every },
          { name, data: {}, opts: this.options(name) },
        );
    }
  }

  /**
   * Resolves when no job is waiting or running in any queue (delayed ones are not counted), as the
   * in-process transport's idle() does: tests wait on it for a job they queued to have run.
   */
  async idle(): Promise<void> {
    const queues = Object.values(QueueName).map((q) => this.queue(q));
    for (;;) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('wait', 'active', 'prioritized')));
      if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async health(): Promise<QueueHealth> {
    try {
      await runWithTimeout(this.producer.ping(), 1000, 'redis ping');
      return { up: true, transport: this.transport };
    } catch (err) {
      return { up: false, transport: this.transport, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled([...this.workerConnections, this.producer].map((c) => c.quit()));
    for (const c of [...this.workerConnections, this.producer]) c.disconnect();
  }
}
