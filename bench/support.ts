import { mkdtempSync, rmSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type AppConfig, loadConfig } from '@lib/platform';
import { bootstrapAdminKey, createApiApp } from '../apps/api/src/api-app.js';

/** A scratch database on the server of DATABASE_URL, dropped afterwards. */
export async function scratchDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hc_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Boots the real api for a benchmark: on a scratch database of DATABASE_URL's server and a fresh
 * queue prefix on REDIS_URL when they are set, otherwise on a fresh embedded database in a
 * temporary folder. Everything is removed afterwards.
 */
export async function benchApp(env: Record<string, string> = {}): Promise<{
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  adminKey: string;
  close: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'hc-bench-'));
  const scratch = process.env.DATABASE_URL ? await scratchDatabase(process.env.DATABASE_URL) : null;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: dir,
    PORT: '0',
    ...process.env,
    ...(scratch ? { DATABASE_URL: scratch.url, QUEUE_PREFIX: `hcb${Date.now().toString(36)}` } : {}),
    ...env,
  });
  const app = await createApiApp(config, { consumeJobs: true });
  const adminKey = (await bootstrapAdminKey(app)) ?? process.env.ADMIN_API_KEY ?? '';
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    config,
    baseUrl,
    adminKey,
    close: async () => {
      await app.close();
      await scratch?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Every benchmark ends by printing exactly one JSON line on stdout. */
export function report(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
