import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisStreams } from '../../libs/platform/src/queue/redis-streams.js';
import { shardOf, type StreamConsumer, type StreamEntry, StreamName } from '../../libs/platform/src/queue/streams.js';
import { waitFor } from '../support/processes.js';
import { OwnRedis } from './support/own-stores.js';

/**
 * A worker whose lease runs out while it works on a batch (a long pause, a stalled event loop)
 * must leave the batch in the shard's list for the new owner: trimming it would lose those
 * entries to the new owner, which has not read them.
 */
describe('a consumer that lost its lease during a batch', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    Logger.overrideLogger(false);
    redis = await new OwnRedis().init();
  });
  afterAll(() => redis?.destroy());

  it('leaves the batch in the list and stops working on the shard', async () => {
    const streams = new RedisStreams(redis.url, 'lease', { [StreamName.Fixes]: { holdMs: 0 } });
    await streams.connect();
    const admin = new Redis(redis.url);
    const shard = 3;
    const keys = Array.from({ length: 200 }, (_, i) => `vehicle-${i}`).filter((k) => shardOf(k, 16) === shard);
    expect(keys.length).toBeGreaterThan(3);
    const batches: number[] = [];
    const consumer: StreamConsumer = {
      onAcquire: async () => undefined,
      onTick: async () => undefined,
      onRelease: async () => undefined,
      onBatch: async (s: number, entries: StreamEntry[]) => {
        if (s !== shard) return;
        batches.push(entries.length);
        // Meanwhile the lease lapsed and another worker took the shard.
        await admin.set(`lease:stream:fixes:lease:${shard}`, 'another-worker', 'PX', 60_000);
      },
    };
    try {
      await streams.consume(StreamName.Fixes, consumer);
      await waitFor(async () => (await streams.stats(StreamName.Fixes)).owned.includes(shard), 10_000, 'shard owned');
      await streams.append(
        StreamName.Fixes,
        keys.map((key) => ({ key, item: { key } })),
      );
      await waitFor(async () => batches.length > 0, 10_000, 'the batch consumed');
      await waitFor(
        async () => !(await streams.stats(StreamName.Fixes)).owned.includes(shard),
        10_000,
        'the shard dropped',
      );
      // The entries are still there for the new owner, and this consumer did not try them again.
      expect(await admin.llen(`lease:stream:fixes:${shard}`)).toBe(keys.length);
      await new Promise((r) => setTimeout(r, 500));
      expect(batches).toEqual([keys.length]);
    } finally {
      admin.disconnect();
      await streams.close();
    }
  });
});
