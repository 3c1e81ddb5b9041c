import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, type Spawned, spawnEntry, waitFor } from '../support/processes.js';
import { databaseUrl, TEST_ENV } from '../support/stores.js';

const API = 'dist/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/src/main.js';

const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

async function health(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return res.status;
}

describe('process lifecycle (built entry points, real processes)', () => {
  it('stops on a bad PORT with one line naming it', async () => {
    const p = spawnEntry(API, { PORT: 'abc' });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(lines(p.output())).toEqual([expect.stringMatching(/^configuration error: PORT: must be an integer/)]);
  });

  it('stops within 15 s on an unreachable DATABASE_URL with one line naming it and why', async () => {
    const p = spawnEntry(API, { DATABASE_URL: 'postgres://127.0.0.1:1/x' });
    const { code, afterMs } = await p.exited;
    expect(code).not.toBe(0);
    expect(afterMs).toBeLessThan(15_000);
    expect(lines(p.output())).toEqual([
      expect.stringMatching(/^configuration error: DATABASE_URL: cannot connect .*ECONNREFUSED/),
    ]);
  });

  it('refuses a separate worker without REDIS_URL', async () => {
    const p = spawnEntry(WORKER, {});
    expect((await p.exited).code).toBe(1);
    expect(lines(p.output())).toEqual([expect.stringMatching(/^configuration error: REDIS_URL: must be set/)]);
  });

  describe('on the embedded default', () => {
    let dataDir: string;
    let port: number;
    let api: Spawned;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'hc-proc-'));
      port = await freePort();
      api = spawnEntry(API, { PORT: String(port), DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '5000' }, ['--with-worker']);
      await waitFor(async () => (await health(port)) === 200, 60_000, 'health 200');
    });
    afterAll(() => {
      api.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('prints the first admin key once and refuses a second process on the same DATA_DIR', async () => {
      expect(api.output()).toMatch(/First admin API key \(shown once, store it now\):\n {2}hc_[0-9a-f]{12}_\S{43}\n/);
      const second = spawnEntry(API, { PORT: String(await freePort()), DATA_DIR: dataDir });
      expect((await second.exited).code).toBe(1);
      expect(second.output()).toMatch(/configuration error: DATA_DIR: .* is in use by process \d+/);
    });

    it('finishes an in-flight request, closes queue and database, and exits 0 within 10 s of SIGTERM', async () => {
      const key = /hc_[0-9a-f]{12}_\S{43}/.exec(api.output())![0];
      const body = JSON.stringify({ principal: 'agency', agency: 'police', name: 'slow client' });
      let killedAt = 0;
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/api-keys',
            headers: {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
              Authorization: `Bearer ${key}`,
            },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          },
        );
        req.on('error', reject);
        // Half the body now, SIGTERM, the rest a second later: the request is in flight throughout.
        req.write(body.slice(0, 20));
        setTimeout(() => {
          killedAt = Date.now();
          api.child.kill('SIGTERM');
        }, 100);
        setTimeout(() => req.end(body.slice(20)), 1100);
      });
      const res = await answer;
      expect(res.status).toBe(201);
      const { code } = await api.exited;
      expect(code).toBe(0);
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      const out = api.output();
      expect(out).toContain('SIGTERM received');
      expect(out.indexOf('"queue closed"')).toBeGreaterThan(-1);
      expect(out.indexOf('"database closed"')).toBeGreaterThan(out.indexOf('"queue closed"'));
    });
  });

  // Separate api and worker processes exist only on PostgreSQL and Redis (the CI's second pass).
  if (TEST_ENV.databaseUrl && TEST_ENV.redisUrl)
    describe('on PostgreSQL and Redis, api and worker as separate processes', () => {
      it('runs jobs in the worker process, and stops both cleanly', async () => {
        const name = `hc_proc_${Date.now().toString(36)}`;
        const admin = new pg.Client({ connectionString: TEST_ENV.databaseUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        const env = {
          DATABASE_URL: databaseUrl(TEST_ENV.databaseUrl!, name),
          REDIS_URL: TEST_ENV.redisUrl,
          QUEUE_PREFIX: name,
        };
        const port = await freePort();
        const api = spawnEntry(API, { ...env, PORT: String(port) });
        const worker = spawnEntry(WORKER, env);
        try {
          await waitFor(async () => (await health(port)) === 200, 60_000, 'health 200');
          const key = /hc_[0-9a-f]{12}_\S{43}/.exec(api.output())![0];
          await fetch(`http://127.0.0.1:${port}/v1/api-keys`, { headers: { Authorization: `Bearer ${key}` } });
          const db = new pg.Client({ connectionString: env.DATABASE_URL });
          await db.connect();
          await waitFor(
            async () => (await db.query('SELECT 1 FROM api_keys WHERE last_used_at IS NOT NULL')).rowCount === 1,
            15_000,
            'job done by the worker',
          );
          await db.end();
          expect(worker.output()).toContain('consuming jobs');
          api.child.kill('SIGTERM');
          worker.child.kill('SIGTERM');
          const [a, w] = await Promise.all([api.exited, worker.exited]);
          expect([a.code, w.code]).toEqual([0, 0]);
          expect(a.afterMs).toBeLessThan(120_000);
        } finally {
          api.child.kill('SIGKILL');
          worker.child.kill('SIGKILL');
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        }
      });
    });
});
