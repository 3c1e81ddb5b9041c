import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { QueueUnavailable } from './job-queue.js';
import {
  ShardedStreams,
  shardOf,
  STREAM_DEFINITIONS,
  type StreamConsumer,
  type StreamEntry,
  type StreamName,
  type StreamStats,
} from './streams.js';

/** Renews a lease only if this consumer still holds it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/**
 * Removes a consumed batch from the head of a shard's list only if this consumer still holds the
 * shard's lease: a consumer that lost its lease while it worked must not trim entries that the
 * new owner has not read (they would be lost to it).
 */
const TRIM_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('ltrim', KEYS[2], ARGV[2], -1) return 1 else return 0 end`;
/** Moves a batch that failed too often to the dead list, under the same condition. */
const BURY_IF_OWNER = `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('rpush', KEYS[3], unpack(ARGV, 2))
redis.call('ltrim', KEYS[2], #ARGV - 1, -1)
return 1`;
/** Releases a lease only if this consumer still holds it. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

const LEASE_MS = 10_000;
const POLL_MS = 25;

interface Consumption {
  name: StreamName;
  consumer: StreamConsumer;
  owned: Set<number>;
  failures: Map<number, number>;
  retryAt: Map<number, number>;
  loop: Promise<void>;
  lastTick: number;
  /** Ticks asked for by tickNow, run by the loop (one at a time with the batches). */
  tickRequests: Array<{ now: number; done: (err?: unknown) => void }>;
  /** Redis came back after an outage: replay the owned shards from their checkpoints. */
  resync: boolean;
}

/**
 * Ordered streams on Redis: one list per shard (RPUSH in, LRANGE + LTRIM out), owned through
 * leases (SET NX PX) renewed by the owner. Consumers announce themselves in a sorted set and each
 * takes about shards / consumers leases; when one dies its leases expire and the others take its
 * shards over. Entries leave the list only after the consumer's batch succeeded (at-least-once;
 * the consumer makes effects idempotent).
 */
export class RedisStreams extends ShardedStreams {
  private readonly log = new Logger('Streams');
  private readonly producer: Redis;
  private readonly client: Redis;
  private readonly id = randomUUID();
  private readonly consumptions: Consumption[] = [];
  private closing = false;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly overrides: Partial<Record<StreamName, { holdMs?: number }>> = {},
  ) {
    super();
    this.producer = new Redis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 3000,
      lazyConnect: true,
    });
    this.producer.on('error', () => undefined);
    this.client = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
    this.client.on('error', () => undefined);
    // A reconnect may follow a Redis crash that lost the last entries it had acknowledged (its
    // append-only file is synced every second): their fixes are stored in PostgreSQL, so every
    // owned shard is replayed from its checkpoint, as on a takeover. Replays are no-op writes.
    let connected = false;
    this.client.on('ready', () => {
      if (connected) for (const c of this.consumptions) c.resync = true;
      connected = true;
    });
  }

  async connect(): Promise<void> {
    await Promise.all([this.producer.connect(), this.client.connect()]);
  }

  private def(name: StreamName) {
    return { ...STREAM_DEFINITIONS[name], ...this.overrides[name] };
  }

  private key(name: StreamName, ...parts: Array<string | number>): string {
    return [this.prefix, 'stream', name, ...parts].join(':');
  }

  async append<T>(name: StreamName, entries: Array<{ key: string; item: T }>): Promise<void> {
    if (entries.length === 0) return;
    const shards = this.def(name).shards;
    const now = Date.now();
    const byShard = new Map<number, string[]>();
    for (const e of entries) {
      const s = shardOf(e.key, shards);
      const list = byShard.get(s) ?? [];
      list.push(JSON.stringify({ k: e.key, t: now, v: e.item }));
      byShard.set(s, list);
    }
    const pipeline = this.producer.multi();
    for (const [s, items] of byShard) pipeline.rpush(this.key(name, s), ...items);
    try {
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
    } catch (err) {
      throw new QueueUnavailable(err);
    }
  }

  async consume(name: StreamName, consumer: StreamConsumer): Promise<void> {
    const c: Consumption = {
      name,
      consumer,
      owned: new Set(),
      failures: new Map(),
      retryAt: new Map(),
      loop: Promise.resolve(),
      lastTick: Date.now(),
      tickRequests: [],
      resync: false,
    };
    c.loop = this.run(c);
    this.consumptions.push(c);
  }

  private async run(c: Consumption): Promise<void> {
    const def = this.def(c.name);
    let lastMembership = 0;
    while (!this.closing) {
      try {
        const now = Date.now();
        if (now - lastMembership > LEASE_MS / 4 || c.resync) {
          await this.rebalance(c, def.shards);
          lastMembership = now;
        }
        if (c.resync) {
          this.log.warn({ stream: c.name, shards: [...c.owned] }, 'Redis reconnected: replaying the owned shards');
          for (const s of c.owned) await c.consumer.onAcquire(s);
          c.resync = false;
        }
        await Promise.all([...c.owned].map((s) => this.drainShard(c, s, def)));
        if (now - c.lastTick >= def.tickMs) {
          c.lastTick = now;
          for (const s of c.owned) await c.consumer.onTick(s, now);
        }
        for (const request of c.tickRequests.splice(0)) {
          try {
            for (const s of c.owned) await c.consumer.onTick(s, request.now);
            request.done();
          } catch (err) {
            request.done(err);
          }
        }
      } catch (err) {
        this.log.warn(
          { stream: c.name, error: (err as Error).message },
          'stream consumer loop error (Redis unavailable?)',
        );
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Keeps this consumer's fair share of leases: renews its own, takes free ones, gives back extras. */
  private async rebalance(c: Consumption, shards: number): Promise<void> {
    const members = this.key(c.name, 'consumers');
    const now = Date.now();
    await this.client.zadd(members, now, this.id);
    await this.client.zremrangebyscore(members, 0, now - LEASE_MS);
    const count = Math.max(1, await this.client.zcard(members));
    const target = Math.ceil(shards / count);
    for (const s of Array.from(c.owned)) {
      const ok = await this.client.eval(RENEW, 1, this.key(c.name, 'lease', s), this.id, LEASE_MS);
      if (ok !== 1) {
        this.log.warn({ stream: c.name, shard: s }, 'lease lost; shard dropped');
        c.owned.delete(s);
      }
    }
    while (c.owned.size > target) {
      const s = Math.max(...c.owned);
      c.owned.delete(s);
      await c.consumer.onRelease(s);
      await this.client.eval(RELEASE, 1, this.key(c.name, 'lease', s), this.id);
    }
    for (let s = 0; s < shards && c.owned.size < target; s++) {
      if (c.owned.has(s)) continue;
      const got = await this.client.set(this.key(c.name, 'lease', s), this.id, 'PX', LEASE_MS, 'NX');
      if (got === 'OK') {
        const from = Date.now();
        await c.consumer.onAcquire(s);
        c.owned.add(s);
        this.log.debug(
          { stream: c.name, shard: s, consumer: this.id, work: 'acquire', from, to: Date.now() },
          'shard work',
        );
      }
    }
  }

  private async drainShard(
    c: Consumption,
    shard: number,
    def: { holdMs: number; maxBatch: number; maxAttempts: number },
  ): Promise<void> {
    if ((c.retryAt.get(shard) ?? 0) > Date.now()) return;
    const list = this.key(c.name, shard);
    const from = Date.now();
    const raw = await this.client.lrange(list, 0, def.maxBatch - 1);
    if (raw.length === 0) return;
    const now = Date.now();
    const entries: StreamEntry[] = [];
    const lookahead: StreamEntry[] = [];
    for (const r of raw) {
      const e = JSON.parse(r) as { k: string; t: number; v: unknown };
      (lookahead.length === 0 && e.t + def.holdMs <= now ? entries : lookahead).push({
        key: e.k,
        item: e.v,
        appendedAt: e.t,
      });
    }
    if (entries.length === 0) return;
    const lease = this.key(c.name, 'lease', shard);
    try {
      await c.consumer.onBatch(shard, entries, lookahead);
      const trimmed = await this.client.eval(TRIM_IF_OWNER, 2, lease, list, this.id, entries.length);
      c.failures.delete(shard);
      // Who consumed which shard when: the scale-out test checks no shard is worked on by two at once.
      this.log.debug(
        { stream: c.name, shard, consumer: this.id, work: 'batch', entries: entries.length, from, to: Date.now() },
        'shard work',
      );
      if (trimmed !== 1) this.dropLostShard(c, shard);
    } catch (err) {
      const n = (c.failures.get(shard) ?? 0) + 1;
      c.failures.set(shard, n);
      c.retryAt.set(shard, Date.now() + Math.min(30_000, 200 * 2 ** n));
      this.log.warn({ stream: c.name, shard, attempt: n, error: (err as Error).message }, 'stream batch failed');
      if (n >= def.maxAttempts) {
        const buried = await this.client.eval(
          BURY_IF_OWNER,
          3,
          lease,
          list,
          this.key(c.name, 'dead'),
          this.id,
          ...raw.slice(0, entries.length),
        );
        c.failures.delete(shard);
        if (buried === 1)
          this.log.error({ stream: c.name, shard, entries: entries.length }, 'stream batch moved to the dead list');
        else this.dropLostShard(c, shard);
      }
    }
  }

  /** The lease ran out while this consumer worked: the shard is another's now; stop working on it. */
  private dropLostShard(c: Consumption, shard: number): void {
    this.log.warn({ stream: c.name, shard }, 'lease lost during a batch; its entries are left to the new owner');
    c.owned.delete(shard);
  }

  tickNow(name: StreamName, now: number): Promise<void> {
    const c = this.consumptions.find((x) => x.name === name);
    if (!c || this.closing) return Promise.reject(new Error(`stream ${name} is not being consumed here`));
    return new Promise((resolve, reject) =>
      c.tickRequests.push({ now, done: (err) => (err ? reject(err) : resolve()) }),
    );
  }

  async stats(name: StreamName): Promise<StreamStats> {
    const shards = this.def(name).shards;
    const lengths = await Promise.all(Array.from({ length: shards }, (_, s) => this.client.llen(this.key(name, s))));
    return {
      shards,
      owned: [...(this.consumptions.find((c) => c.name === name)?.owned ?? [])],
      pending: lengths.reduce((a, b) => a + b, 0),
      dead: await this.client.llen(this.key(name, 'dead')),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const c of this.consumptions) {
      await c.loop;
      for (const request of c.tickRequests.splice(0)) request.done(new Error('streams are closing'));
      for (const s of c.owned) {
        await c.consumer
          .onRelease(s)
          .catch((err: unknown) => this.log.warn({ shard: s, error: (err as Error).message }, 'release failed'));
        await this.client.eval(RELEASE, 1, this.key(c.name, 'lease', s), this.id).catch(() => undefined);
      }
      await this.client.zrem(this.key(c.name, 'consumers'), this.id).catch(() => undefined);
    }
    await Promise.allSettled([this.producer.quit(), this.client.quit()]);
    this.producer.disconnect();
    this.client.disconnect();
  }
}
