import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import { InProcessTransport } from './in-process.transport.js';
import type { Job, JobHandlerFn } from './job-queue.js';
import { JobName } from './jobs.js';

const handlers = (fn: (job: Job<JobName.ApiKeyUsed>) => Promise<void>): Map<JobName, JobHandlerFn> =>
  new Map([[JobName.ApiKeyUsed, fn as JobHandlerFn]]);

describe('InProcessTransport', () => {
  let queue: InProcessTransport;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (queue = new InProcessTransport()));
  afterEach(() => queue.close(100));

  it('runs each job once, and a job id only once while it is pending', async () => {
    const seen: string[] = [];
    await queue.consume(handlers(async (job) => void seen.push(job.data.keyId)));
    await queue.enqueue(JobName.ApiKeyUsed, { keyId: 'a', usedAt: '' }, { jobId: 'same' });
    await queue.enqueue(JobName.ApiKeyUsed, { keyId: 'b', usedAt: '' }, { jobId: 'same' });
    await queue.enqueueBulk([1, 2, 3].map((i) => ({ name: JobName.ApiKeyUsed, data: { keyId: `k${i}`, usedAt: '' } })));
    await queue.idle();
    expect(seen.sort()).toEqual(['a', 'k1', 'k2', 'k3']);
  });

  it("retries a throwing handler with the definition's backoff, then gives up and keeps the failure", async () => {
    const attempts: Array<{ attempt: number; at: number }> = [];
    const started = Date.now();
    await queue.consume(
      handlers(async (job) => {
        attempts.push({ attempt: (job as Job).attempt, at: Date.now() - started });
        throw new Error('database unavailable');
      }),
    );
    await queue.enqueue(JobName.ApiKeyUsed, { keyId: 'x', usedAt: '' });
    const deadline = Date.now() + 6000;
    while (queue.failed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // ApiKeyUsed: exponential from 1 s: about 1 s before the second attempt, 2 s before the third.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1950);
    expect(queue.failed[0]!.error).toBe('database unavailable');
  }, 10_000);

  it('runs jobs outside the async context (the transaction) of whoever enqueued them', async () => {
    const context = new AsyncLocalStorage<string>();
    let seenInHandler: string | undefined = 'not run';
    await queue.consume(handlers(async () => void (seenInHandler = context.getStore())));
    await context.run('a request transaction', () => queue.enqueue(JobName.ApiKeyUsed, { keyId: 'x', usedAt: '' }));
    await queue.idle();
    expect(seenInHandler).toBeUndefined();
  });

  it('holds jobs enqueued before consumption starts and runs them when it does', async () => {
    const seen: string[] = [];
    await queue.enqueue(JobName.ApiKeyUsed, { keyId: 'early', usedAt: '' });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    await queue.consume(handlers(async (job) => void seen.push(job.data.keyId)));
    await queue.idle();
    expect(seen).toEqual(['early']);
  });
});
