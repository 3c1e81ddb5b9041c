import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
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

/**
 * The service as its production processes, for a benchmark: an api and `workers` worker
 * processes on a scratch database of DATABASE_URL's server and a fresh queue prefix on REDIS_URL.
 * `startWorkers` adds workers later (to fill a backlog first); `stop` ends everything.
 */
export async function benchProcesses(options: {
  workers: number;
  env?: Record<string, string>;
  /** Arguments of the api process (`--with-worker` runs the job handlers in it). */
  apiArgs?: string[];
  /** Node options of the worker processes (a CPU profile, say). */
  workerNodeOptions?: string[];
}): Promise<{
  base: string;
  adminKey: string;
  prefix: string;
  databaseUrl: string;
  startWorkers: (n: number) => void;
  stop: () => Promise<void>;
}> {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl)
    throw new Error('this benchmark needs DATABASE_URL and REDIS_URL (PostgreSQL and Redis)');
  const scratch = await scratchDatabase(databaseUrl);
  const prefix = `hcb${Date.now().toString(36)}`;
  const adminKey = `hc_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const env = {
    ...process.env,
    DATABASE_URL: scratch.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY: adminKey,
    ...options.env,
  };
  const spawnApp = (args: string[]): ChildProcess =>
    spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const processes = [spawnApp(['dist/apps/api/src/main.js', ...(options.apiArgs ?? [])])];
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/health`).catch(() => null))?.ok) break;
    if (i > 600) throw new Error('api did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const startWorkers = (n: number): void => {
    for (let w = 0; w < n; w++)
      processes.push(spawnApp([...(options.workerNodeOptions ?? []), 'dist/apps/worker/src/main.js']));
  };
  startWorkers(options.workers);
  return {
    base,
    adminKey,
    prefix,
    databaseUrl: scratch.url,
    startWorkers,
    stop: async () => {
      for (const p of processes) {
        p.kill('SIGTERM');
        await new Promise((r) => p.once('exit', r));
      }
      await scratch.drop();
    },
  };
}
