import { AsyncLocalStorage } from 'node:async_hooks';
import { jest } from '@jest/globals';
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
    // A fake clock: the backoff is about time, and a loaded machine must not change what the test sees.
    jest.useFakeTimers({ now: Date.parse('2026-11-30T00:00:00Z') });
    try {
      const attempts: Array<{ attempt: number; at: number }> = [];
      const started = Date.now();
      await queue.consume(
        handlers(async (job) => {
          attempts.push({ attempt: (job as Job).attempt, at: Date.now() - started });
          throw new Error('database unavailable');
        }),
      );
      await queue.enqueue(JobName.ApiKeyUsed, { keyId: 'x', usedAt: '' });
      // ApiKeyUsed: exponential from 1 s: the second attempt 1 s after the first, the third 2 s
      // after the second (each run a tick after its timer: the job waits for setImmediate).
      const gaps = (): number[] => attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
      await jest.advanceTimersByTimeAsync(999);
      expect(attempts).toEqual([{ attempt: 1, at: 0 }]);
      await jest.advanceTimersByTimeAsync(1500);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      expect(gaps()[0]).toBeGreaterThanOrEqual(1000);
      expect(gaps()[0]).toBeLessThan(1010);
      expect(queue.failed).toEqual([]);
      await jest.advanceTimersByTimeAsync(2000);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(gaps()[1]).toBeGreaterThanOrEqual(2000);
      expect(gaps()[1]).toBeLessThan(2010);
      expect(queue.failed.map((f) => f.error)).toEqual(['database unavailable']);
    } finally {
      jest.useRealTimers();
    }
  });

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
