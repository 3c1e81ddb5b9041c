import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import pg from 'pg';
import supertest from 'supertest';
import { type Agency, type AppConfig, Database, JobQueue, loadConfig, ShardedStreams, StreamName } from '@lib/platform';
import { bootstrapAdminKey, createApiApp } from '../../apps/api/src/api-app.js';
import { eventsOffSchema } from './published-events.js';
import { databaseUrl, TEST_ENV, templateDatabaseName } from './stores.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** supertest bound to the app's real listening server. */
  http: () => supertest.Agent;
  baseUrl: string;
  adminKey: string;
  db: Database;
  queue: JobQueue;
  /** Mints a key through the public API and returns it. */
  mintKey(
    request:
      | { principal: 'admin' }
      | { principal: 'agency'; agency: Agency }
      | { principal: 'enterprise'; enterpriseId: string },
  ): Promise<string>;
  /**
   * Without `until`: waits until no job is waiting or running (either transport), e.g. for a job
   * just queued to have run. With it: polls `until` (after the in-process queue is idle).
   */
  settle(until?: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** Waits until every fix appended to the stream has been consumed by the evaluator. */
  drainFixes(timeoutMs?: number): Promise<void>;
  /** Runs the evaluator's time-driven rules (SIGNAL_LOST) as of `now`, instead of waiting for its periodic tick. */
  tickFixes(now: number): Promise<void>;
  close(): Promise<void>;
}

let fileDatabases = 0;

/** A private database for one test file: cloned from the run's migrated template. */
async function privateDatabase(config: AppConfig): Promise<{ config: AppConfig; drop: () => Promise<void> }> {
  if (TEST_ENV.databaseUrl) {
    const name = `hc_t_${TEST_ENV.runId}_${process.pid}_${++fileDatabases}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_ENV.databaseUrl });
    await admin.connect();
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabaseName(TEST_ENV.runId)}`);
        break;
      } catch (err) {
        // Two files cloning the template at the same instant: PostgreSQL refuses one; try again.
        if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    await admin.end();
    return {
      config: config.with({
        database: { kind: 'postgres', url: databaseUrl(TEST_ENV.databaseUrl, name), poolSize: 10 },
      }),
      drop: async () => {
        const c = new pg.Client({ connectionString: TEST_ENV.databaseUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const template = new Blob([readFileSync(TEST_ENV.pgliteTemplate!)]);
  return {
    config: config.with({ database: { kind: 'pglite', dataDir: null, template } }),
    drop: async () => undefined,
  };
}

/** A private queue namespace for one test file; its keys are removed afterwards. */
function privateQueue(config: AppConfig): { config: AppConfig; drop: () => Promise<void> } {
  if (!TEST_ENV.redisUrl) return { config, drop: async () => undefined };
  const prefix = `hct_${TEST_ENV.runId}_${process.pid}_${randomBytes(3).toString('hex')}`;
  return {
    config: config.with({ queue: { kind: 'bullmq', redisUrl: TEST_ENV.redisUrl, prefix } }),
    drop: async () => {
      const redis = new Redis(TEST_ENV.redisUrl!);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    // A scenario loads an e-waybill now (loading may not precede its submission) and drives the trip
    // in the minutes after, so its fixes are dated up to a few minutes ahead of their receipt: a
    // clock ahead by the product's 10 s default. The tests of that rule set the default back.
    FIX_CLOCK_TOLERANCE_S: '300',
    ...overrides,
  });
}

/** Boots the real api (with its job handlers) on the configured stores, listening on a free port. */
export async function createTestApp(
  options: { imports?: DynamicModule[]; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await privateDatabase(testConfig(options.env));
  const queue = privateQueue(database.config);
  const config = queue.config;
  const app = await createApiApp(config, { consumeJobs: true, imports: options.imports });
  const adminKey = (await bootstrapAdminKey(app))!;
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const db = app.get(Database);
  const jobQueue = app.get(JobQueue);
  const http = (): supertest.Agent => supertest.agent(baseUrl);
  return {
    app,
    config,
    http,
    baseUrl,
    adminKey,
    db,
    queue: jobQueue,
    async mintKey(request) {
      const res = await http()
        .post('/v1/api-keys')
        .set('Authorization', `Bearer ${adminKey}`)
        .send({ name: `test ${request.principal}`, ...request });
      if (res.status !== 201) throw new Error(`minting a key failed: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { key: string }).key;
    },
    async settle(until, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      const idle = (jobQueue as { idle?: () => Promise<void> }).idle;
      if (!until) return idle?.call(jobQueue);
      if (jobQueue.transport === 'in-process') await idle?.call(jobQueue);
      while (!(await until())) {
        if (Date.now() > deadline) throw new Error('condition not reached before the timeout');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async drainFixes(timeoutMs = 60_000) {
      const streams = app.get(ShardedStreams);
      const deadline = Date.now() + timeoutMs;
      let quietSince = 0;
      for (;;) {
        const { pending } = await streams.stats(StreamName.Fixes);
        if (pending === 0) {
          quietSince ||= Date.now();
          // Entries leave the stream only once their batch is committed; wait a poll more for positions.
          if (Date.now() - quietSince > 150) return;
        } else quietSince = 0;
        if (Date.now() > deadline)
          throw new Error(`fixes stream not drained within ${timeoutMs} ms (${pending} pending)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    tickFixes(now) {
      return app.get(ShardedStreams).tickNow(StreamName.Fixes, now);
    },
    async close() {
      // Every event the file published is checked against its schema before its database goes.
      let offSchema: string[] = [];
      try {
        offSchema = await eventsOffSchema(db);
      } finally {
        await app.close();
        await queue.drop();
        await database.drop();
      }
      if (offSchema.length)
        throw new Error(`events that do not match their published schema:\n${offSchema.join('\n')}`);
    },
  };
}

export const bearer = (key: string): [string, string] => ['Authorization', `Bearer ${key}`];
