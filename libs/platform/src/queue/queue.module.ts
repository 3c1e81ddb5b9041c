import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { BullmqTransport } from './bullmq.transport.js';
import { InProcessTransport } from './in-process.transport.js';
import { BackgroundLoops } from './background-loops.js';
import { JobHandlerRegistry, JobRunner } from './job-handler.js';
import { JobQueue } from './job-queue.js';
import { InProcessStreams } from './in-process-streams.js';
import { RedisStreams } from './redis-streams.js';
import { ShardedStreams, StreamName } from './streams.js';

export function createStreams(config: AppConfig): ShardedStreams {
  const overrides =
    config.queue.fixHoldMs === undefined ? {} : { [StreamName.Fixes]: { holdMs: config.queue.fixHoldMs } };
  return config.queue.kind === 'bullmq'
    ? new RedisStreams(config.queue.redisUrl, config.queue.prefix, overrides)
    : new InProcessStreams(overrides);
}

export function createJobQueue(config: AppConfig): JobQueue {
  return config.queue.kind === 'bullmq'
    ? new BullmqTransport(config.queue.redisUrl, config.queue.prefix)
    : new InProcessTransport();
}

/**
 * A shared Redis client for contexts that keep data there (latest vehicle positions), or null on
 * the embedded default. Quit on shutdown so the process can exit.
 */
export const REDIS = Symbol('REDIS');

class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis!.disconnect());
  }
}

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: JobQueue,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const queue = createJobQueue(config);
        if (queue instanceof BullmqTransport) await queue.connect();
        return queue;
      },
    },
    {
      provide: ShardedStreams,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const streams = createStreams(config);
        if (streams instanceof RedisStreams) await streams.connect();
        return streams;
      },
    },
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Redis | null => {
        if (config.queue.kind !== 'bullmq') return null;
        const redis = new Redis(config.queue.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
        redis.on('error', () => undefined);
        return redis;
      },
    },
    RedisLifecycle,
    JobHandlerRegistry,
    JobRunner,
    BackgroundLoops,
  ],
  exports: [JobQueue, ShardedStreams, REDIS, JobHandlerRegistry, JobRunner, BackgroundLoops],
})
export class QueueModule {}
