import { Logger } from '@nestjs/common';
import {
  ShardedStreams,
  shardOf,
  STREAM_DEFINITIONS,
  type StreamConsumer,
  type StreamEntry,
  type StreamName,
  type StreamStats,
} from './streams.js';

interface Running {
  consumer: StreamConsumer;
  timer: NodeJS.Timeout;
  ticks: NodeJS.Timeout;
  busy: Promise<void> | null;
  failures: Map<number, number>;
  dead: StreamEntry[];
}

/**
 * The embedded default's ordered streams: one array per shard in memory, all shards owned by this
 * process. What must survive a crash is in the database; the consumer recovers from it on acquire.
 */
export class InProcessStreams extends ShardedStreams {
  private readonly log = new Logger('Streams');
  private readonly lists = new Map<string, StreamEntry[][]>();
  private readonly running = new Map<StreamName, Running>();
  private closed = false;

  constructor(private readonly overrides: Partial<Record<StreamName, { holdMs?: number }>> = {}) {
    super();
  }

  private def(name: StreamName) {
    return { ...STREAM_DEFINITIONS[name], ...this.overrides[name] };
  }

  private shardsOf(name: StreamName): StreamEntry[][] {
    let l = this.lists.get(name);
    if (!l) {
      l = Array.from({ length: this.def(name).shards }, () => []);
      this.lists.set(name, l);
    }
    return l;
  }

  append<T>(name: StreamName, entries: Array<{ key: string; item: T }>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('streams are closing'));
    const lists = this.shardsOf(name);
    const now = Date.now();
    for (const e of entries) lists[shardOf(e.key, lists.length)]!.push({ key: e.key, item: e.item, appendedAt: now });
    return Promise.resolve();
  }

  async consume(name: StreamName, consumer: StreamConsumer): Promise<void> {
    const def = this.def(name);
    const lists = this.shardsOf(name);
    for (let s = 0; s < def.shards; s++) await consumer.onAcquire(s);
    const run = {
      consumer,
      failures: new Map<number, number>(),
      dead: [] as StreamEntry[],
      busy: null as Promise<void> | null,
    } as Running;
    const poll = async (): Promise<void> => {
      const now = Date.now();
      for (let s = 0; s < lists.length; s++) {
        const list = lists[s]!;
        let due = 0;
        while (due < list.length && due < def.maxBatch && list[due]!.appendedAt + def.holdMs <= now) due++;
        if (due === 0) continue;
        const batch = list.slice(0, due);
        try {
          await consumer.onBatch(s, batch, list.slice(due, due + def.maxBatch));
          list.splice(0, due);
          run.failures.delete(s);
        } catch (err) {
          const n = (run.failures.get(s) ?? 0) + 1;
          run.failures.set(s, n);
          this.log.warn({ stream: name, shard: s, attempt: n, error: (err as Error).message }, 'stream batch failed');
          if (n >= def.maxAttempts) {
            this.log.error({ stream: name, shard: s, entries: due }, 'stream batch moved to the dead list');
            run.dead.push(...list.splice(0, due));
            run.failures.delete(s);
          }
        }
      }
    };
    const loop = (): void => {
      if (this.closed || run.busy) return;
      const busy: Promise<void> = poll().finally(() => {
        if (run.busy === busy) run.busy = null;
      });
      run.busy = busy;
    };
    run.timer = setInterval(loop, Math.max(10, Math.min(50, def.holdMs / 2)));
    run.ticks = setInterval(() => {
      if (!this.closed) void this.tick(name, run, Date.now()).catch(() => undefined);
    }, def.tickMs);
    this.running.set(name, run);
  }

  /** Ticks every shard after the batch or tick under way; polls wait for it (busy) meanwhile. */
  private tick(name: StreamName, run: Running, now: number): Promise<void> {
    const before = run.busy;
    const tick = (async () => {
      await before?.catch(() => undefined);
      for (let s = 0; s < this.shardsOf(name).length; s++) await run.consumer.onTick(s, now);
    })();
    const busy = tick
      .catch((err: unknown) => this.log.warn({ stream: name, error: (err as Error).message }, 'stream tick failed'))
      .finally(() => {
        if (run.busy === busy) run.busy = null;
      });
    run.busy = busy;
    return tick;
  }

  async tickNow(name: StreamName, now: number): Promise<void> {
    const run = this.running.get(name);
    if (!run || this.closed) throw new Error(`stream ${name} is not being consumed here`);
    await this.tick(name, run, now);
  }

  /** Resolves when every appended entry has been consumed (tests). */
  async drained(name: StreamName, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.shardsOf(name).some((l) => l.length > 0) || this.running.get(name)?.busy) {
      if (Date.now() > deadline) throw new Error(`stream ${name} not drained within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stats(name: StreamName): Promise<StreamStats> {
    const lists = this.shardsOf(name);
    return Promise.resolve({
      shards: lists.length,
      owned: this.running.has(name) ? lists.map((_, i) => i) : [],
      pending: lists.reduce((n, l) => n + l.length, 0),
      dead: this.running.get(name)?.dead.length ?? 0,
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [name, run] of this.running) {
      clearInterval(run.timer);
      clearInterval(run.ticks);
      await run.busy;
      const lists = this.shardsOf(name);
      // Let what is already due go through, then checkpoint.
      for (let s = 0; s < lists.length; s++) {
        const list = lists[s]!;
        if (list.length > 0) {
          try {
            await run.consumer.onBatch(s, list.splice(0, list.length), []);
          } catch (err) {
            this.log.warn(
              { stream: name, shard: s, error: (err as Error).message },
              'entries left unconsumed at shutdown (recovered from the database at the next start)',
            );
          }
        }
        await run.consumer.onRelease(s);
      }
    }
    this.running.clear();
  }
}
