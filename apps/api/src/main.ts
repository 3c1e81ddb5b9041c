import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, describeDatabase, runMain, stopOnSignals } from '@lib/platform';
import { Jt808Gateway } from '@lib/telematics';
import { bootstrapAdminKey, createApiApp } from './api-app.js';

/**
 * The api process. `--with-worker` (what `npm start` passes) also runs the worker's job handlers
 * here; on the embedded default (no REDIS_URL) it always does, since the queue lives in-process.
 */
await runMain(async (config) => {
  const withWorker = process.argv.includes('--with-worker') || config.queue.kind === 'in-process';
  const app = await createApiApp(config, { consumeJobs: withWorker });
  stopOnSignals(app, config);
  const adminKey = await bootstrapAdminKey(app);
  await app.listen(config.http.port, config.http.host).catch((err: { code?: string }) => {
    throw new ConfigError(
      'PORT',
      `cannot listen on ${config.http.host}:${config.http.port} (${err.code ?? String(err)})`,
    );
  });
  // On the embedded default the one process also holds the JT/T 808 gateway.
  if (config.queue.kind === 'in-process') await app.get(Jt808Gateway).listen();
  const log = new Logger('Api');
  log.log(
    `listening on ${await app.getUrl()} — ${describeDatabase(config)}, queue ${config.queue.kind}${withWorker ? ', with worker' : ''}`,
  );
  if (adminKey && adminKey === config.auth.adminApiKey) {
    // The operator gave it: printing it would only copy a secret into the logs (issue 15).
    log.log(`first admin API key created from ADMIN_API_KEY (key id ${adminKey.slice(3, 15)})`);
  } else if (adminKey) {
    // Generated here: printed once, outside the log stream, for the operator who started the first instance.
    process.stdout.write(`\nFirst admin API key (shown once, store it now):\n  ${adminKey}\n\n`);
  }
});
