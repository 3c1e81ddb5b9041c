import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { InProcessStreams } from './in-process-streams.js';
import { shardOf, type StreamConsumer, type StreamEntry, StreamName } from './streams.js';

class Recorder implements StreamConsumer<{ n: number }> {
  readonly batches: Array<{ shard: number; due: number[]; ahead: number[] }> = [];
  acquired: number[] = [];
  released: number[] = [];
  failuresLeft = 0;
  async onAcquire(shard: number): Promise<void> {
    this.acquired.push(shard);
  }
  async onBatch(
    shard: number,
    entries: StreamEntry<{ n: number }>[],
    lookahead: StreamEntry<{ n: number }>[],
  ): Promise<void> {
    if (this.failuresLeft-- > 0) throw new Error('database down');
    this.batches.push({ shard, due: entries.map((e) => e.item.n), ahead: lookahead.map((e) => e.item.n) });
  }
  async onTick(): Promise<void> {}
  async onRelease(shard: number): Promise<void> {
    this.released.push(shard);
  }
}

describe('InProcessStreams', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sends a key to the same shard every time, and spreads keys over the shards', () => {
    expect(shardOf('vehicle-1', 16)).toBe(shardOf('vehicle-1', 16));
    const used = new Set(Array.from({ length: 1000 }, (_, i) => shardOf(`vehicle-${i}`, 16)));
    expect(used.size).toBe(16);
  });

  it('holds entries, then hands them over in append order per shard, with what is still on hold as look-ahead', async () => {
    // A fake clock: the hold is about time, and a loaded CI machine must not change what the test sees.
    jest.useFakeTimers({ now: Date.parse('2026-11-30T00:00:00Z') });
    try {
      const streams = new InProcessStreams({ [StreamName.Fixes]: { holdMs: 150 } });
      const consumer = new Recorder();
      await streams.consume(StreamName.Fixes, consumer);
      expect(consumer.acquired).toHaveLength(16);
      await streams.append(
        StreamName.Fixes,
        [1, 2, 3].map((n) => ({ key: 'v', item: { n } })),
      );
      await jest.advanceTimersByTimeAsync(60);
      expect(consumer.batches).toEqual([]);
      await streams.append(StreamName.Fixes, [{ key: 'v', item: { n: 4 } }]);
      await jest.advanceTimersByTimeAsync(110); // t = 170: 1–3 are due (150), 4 is not (210)
      expect(consumer.batches).toEqual([{ shard: shardOf('v', 16), due: [1, 2, 3], ahead: [4] }]);
      await jest.advanceTimersByTimeAsync(100);
      expect(consumer.batches.flatMap((b) => b.due)).toEqual([1, 2, 3, 4]);
      expect((await streams.stats(StreamName.Fixes)).pending).toBe(0);
      await streams.close();
      expect(consumer.released).toHaveLength(16);
    } finally {
      jest.useRealTimers();
    }
  });

  it('ticks every shard on demand, as of the instant given, once the batch under way is done', async () => {
    const streams = new InProcessStreams({ [StreamName.Fixes]: { holdMs: 0 } });
    const seen: string[] = [];
    let batchStarted!: () => void;
    const started = new Promise<void>((r) => (batchStarted = r));
    let finishBatch!: () => void;
    const finish = new Promise<void>((r) => (finishBatch = r));
    await streams.consume(StreamName.Fixes, {
      onAcquire: async () => undefined,
      onBatch: async () => {
        batchStarted();
        await finish;
        seen.push('batch');
      },
      onTick: async (shard, now) => void seen.push(`tick ${shard} ${now}`),
      onRelease: async () => undefined,
    });
    await streams.append(StreamName.Fixes, [{ key: 'v', item: { n: 1 } }]);
    await started;
    const ticked = streams.tickNow(StreamName.Fixes, 1_000_000);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([]);
    finishBatch();
    await ticked;
    expect(seen).toEqual(['batch', ...Array.from({ length: 16 }, (_, s) => `tick ${s} 1000000`)]);
    await streams.close();
  });

  it('keeps a failed batch at the head of its shard and retries it', async () => {
    const streams = new InProcessStreams({ [StreamName.Fixes]: { holdMs: 0 } });
    const consumer = new Recorder();
    consumer.failuresLeft = 2;
    await streams.consume(StreamName.Fixes, consumer);
    await streams.append(
      StreamName.Fixes,
      [5, 6].map((n) => ({ key: 'w', item: { n } })),
    );
    await streams.drained(StreamName.Fixes);
    expect(consumer.batches.flatMap((b) => b.due)).toEqual([5, 6]);
    expect((await streams.stats(StreamName.Fixes)).dead).toBe(0);
    await streams.close();
  });
});
