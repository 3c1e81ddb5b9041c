import { SetMetadata } from '@nestjs/common';

/**
 * Ordered streams: items appended under a key (a vehicle) are consumed per shard (hash of the key),
 * by exactly one consumer at a time, in the order they were appended, after a hold period that
 * lets stragglers catch up (so a consumer can sort each key's items by time). Used for GPS fixes:
 * each vehicle's fixes are evaluated in order, by one worker at a time, and a worker that dies
 * hands its shards to the others.
 */
export enum StreamName {
  Fixes = 'fixes',
}

export interface StreamDefinition {
  /** Number of shards; each is owned by one consumer at a time. Changing it needs a drained stream. */
  shards: number;
  /** How long an item waits after it was appended, so that items of one key arriving close together are consumed together. */
  holdMs: number;
  /** Most items handed to the consumer in one batch. */
  maxBatch: number;
  /** How often owned shards get a tick (time-driven rules). */
  tickMs: number;
  /** A batch that fails this many times in a row is moved to the dead list so the shard goes on. */
  maxAttempts: number;
}

export const STREAM_DEFINITIONS: { [S in StreamName]: StreamDefinition } = {
  [StreamName.Fixes]: { shards: 16, holdMs: 250, maxBatch: 5000, tickMs: 15_000, maxAttempts: 10 },
};

export interface StreamEntry<T = unknown> {
  key: string;
  item: T;
  /** Epoch ms when the item was appended. */
  appendedAt: number;
}

/** The one consumer of a stream in a process. All methods for one shard are called one at a time. */
export interface StreamConsumer<T = unknown> {
  /** Called when this process starts owning a shard (at start, or taking over a dead worker's). */
  onAcquire(shard: number): Promise<void>;
  /**
   * Entries whose hold has passed, in append order; when it resolves they are gone from the
   * stream (throw to retry them). `lookahead` holds the entries behind them that are still on
   * hold: a consumer may use those that belong before a due entry (same key, earlier time), as
   * long as it recognises them when they come again as due entries.
   */
  onBatch(shard: number, entries: StreamEntry<T>[], lookahead: StreamEntry<T>[]): Promise<void>;
  /** Periodically, for time-driven work on the shard's keys. */
  onTick(shard: number, now: number): Promise<void>;
  /** Called before the shard is handed over or the process stops (checkpoint here). */
  onRelease(shard: number): Promise<void>;
}

const STREAM_CONSUMER = 'hazchem:stream-consumer';
/** Marks a provider as the consumer of a stream (exactly one per stream, checked at boot). */
export const ConsumesStream = (name: StreamName): ClassDecorator => SetMetadata(STREAM_CONSUMER, name);
export const STREAM_CONSUMER_METADATA = STREAM_CONSUMER;

/** FNV-1a over the key: the same key always lands on the same shard, in every process. */
export function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

export interface StreamStats {
  shards: number;
  owned: number[];
  pending: number;
  dead: number;
}

export abstract class ShardedStreams {
  abstract append<T>(name: StreamName, entries: Array<{ key: string; item: T }>): Promise<void>;
  abstract consume(name: StreamName, consumer: StreamConsumer): Promise<void>;
  abstract stats(name: StreamName): Promise<StreamStats>;
  /**
   * Gives every shard this process consumes its tick now, as of `now` (one at a time with its
   * batches, as the periodic ticks are), and resolves when they are done. The periodic ticks
   * take the wall clock; this lets a caller choose the instant (tests of time-driven rules).
   */
  abstract tickNow(name: StreamName, now: number): Promise<void>;
  abstract close(): Promise<void>;
}
