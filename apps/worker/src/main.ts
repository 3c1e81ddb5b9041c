import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, describeDatabase, JobRunner, runMain, stopOnSignals, PlatformLogger } from '@lib/platform';
import { WorkerModule } from './worker.module.js';

/** The worker process: consumes the BullMQ queues. Any number may run side by side. */
await runMain(async (config) => {
  if (config.queue.kind !== 'bullmq') {
    throw new ConfigError(
      'REDIS_URL',
      'must be set for a separate worker process (without it the queue runs inside the api: use npm start)',
    );
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PlatformLogger));
  stopOnSignals(app, config);
  await app.init();
  await app.get(JobRunner).start();
  new NestLogger('Worker').log(`consuming jobs — ${describeDatabase(config)}, queue prefix ${config.queue.prefix}`);
});
