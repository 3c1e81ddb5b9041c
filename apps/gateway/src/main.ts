import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, runMain, stopOnSignals, PlatformLogger } from '@lib/platform';
import { Jt808Gateway } from '@lib/telematics';
import { GatewayModule } from './gateway.module.js';

/**
 * The JT/T 808 gateway process: terminals connect over TCP on JT808_PORT; their locations go into
 * the same ingest path as the HTTP API. Run as many as the connections need, behind a TCP balancer.
 */
await runMain(async (config) => {
  if (config.queue.kind !== 'bullmq') {
    throw new ConfigError(
      'REDIS_URL',
      'must be set for a separate gateway process (without it `npm start` listens for JT/T 808 itself)',
    );
  }
  const app = await NestFactory.createApplicationContext(GatewayModule.register(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PlatformLogger));
  stopOnSignals(app, config);
  await app.init();
  await app.get(Jt808Gateway).listen();
});
