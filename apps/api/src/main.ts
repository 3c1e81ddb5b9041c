import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, describeDatabase, runMain, stopOnSignals } from '@lib/platform';
import { Jt808Gateway } from '@lib/telematics';
import { bootstrapAdminKey, createApiApp, servesConsole } from './api-app.js';

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
  const jt808Port = config.queue.kind === 'in-process' ? await app.get(Jt808Gateway).listen() : null;
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const log = new Logger('Api');
  log.log(
    `listening on ${url} — ${describeDatabase(config)}, queue ${config.queue.kind}${withWorker ? ', with worker' : ''}`,
  );
  const given = adminKey !== null && adminKey === config.auth.adminApiKey;
  if (given) {
    // The operator gave it: printing it would only copy a secret into the logs (issue 15).
    log.log(`first admin API key created from ADMIN_API_KEY (key id ${adminKey.slice(3, 15)})`);
  }
  // What a newcomer needs, printed last and together, outside the log stream, so that it does not
  // scroll away (issue 19). A generated key is printed here once, for the operator who started the
  // first instance.
  process.stdout.write(
    `\nThe service is up (${describeDatabase(config)}, queue ${config.queue.kind}):\n` +
      `  API:       ${url}  (OpenAPI: ${url}/docs)\n` +
      (servesConsole() ? `  console:   ${url}/console/\n` : '') +
      (jt808Port !== null ? `  JT/T 808:  port ${jt808Port}\n` : '') +
      (adminKey && !given ? `\nFirst admin API key (shown once, store it now):\n  ${adminKey}\n` : '') +
      '\n',
  );
});
