import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { BullmqTransport } from './bullmq.transport.js';
import { InProcessTransport } from './in-process.transport.js';
import { JobHandlerRegistry, JobRunner } from './job-handler.js';
import { JobQueue } from './job-queue.js';

export function createJobQueue(config: AppConfig): JobQueue {
  return config.queue.kind === 'bullmq'
    ? new BullmqTransport(config.queue.redisUrl, config.queue.prefix)
    : new InProcessTransport();
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
    JobHandlerRegistry,
    JobRunner,
  ],
  exports: [JobQueue, JobHandlerRegistry, JobRunner],
})
export class QueueModule {}
