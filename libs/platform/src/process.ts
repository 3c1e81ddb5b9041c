import type { INestApplicationContext } from '@nestjs/common';
import { ConfigError, loadProcessConfig, type AppConfig } from './config/app-config.js';
import { JobWiringError } from './queue/job-handler.js';
import { preflight } from './preflight.js';

/**
 * Runs a process's main: configuration is validated and the stores are checked before anything
 * starts; a bad variable or an unreachable store stops the process with one line and exit code 1.
 */
export async function runMain(main: (config: AppConfig) => Promise<void>): Promise<void> {
  try {
    const config = loadProcessConfig();
    await preflight(config);
    await main(config);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`configuration error: ${err.message}\n`);
    else if (err instanceof JobWiringError) process.stderr.write(`job wiring error: ${err.message}\n`);
    else process.stderr.write(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
}

/**
 * Graceful stop on SIGTERM or SIGINT: Nest closes the HTTP server (in-flight requests finish), then
 * the queue, then the database. If that takes longer than the grace period plus two seconds, the
 * process exits anyway with code 1, so an orchestrator is never left waiting.
 */
export function stopOnSignals(app: INestApplicationContext, config: AppConfig): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal} received: shutting down\n`);
    setTimeout(() => {
      process.stderr.write('shutdown took too long: exiting\n');
      process.exit(1);
    }, config.shutdownGraceMs + 2000).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
