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

  // (It stops at the first refusal; how long a process takes to start is the machine's, not ours.)
  it('stops on an unreachable DATABASE_URL with one line naming it and why', async () => {
    const p = spawnEntry(API, { DATABASE_URL: 'postgres://127.0.0.1:1/x' });
    const { code } = await p.exited;
    expect(code).not.toBe(0);
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
    let jt808: string;
    let api: Spawned;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'hc-proc-'));
      port = await freePort();
      // The embedded api also holds the JT/T 808 gateway: on a free port, not 6808, which another
      // process on a shared machine may hold.
      jt808 = String(await freePort());
      api = spawnEntry(API, { PORT: String(port), JT808_PORT: jt808, DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '5000' }, [
        '--with-worker',
      ]);
      // A first start creates and migrates the database: give it more than the one test's time.
      // (If the process dies instead, say so with what it printed, rather than wait it out.)
      const started = waitFor(async () => (await health(port)) === 200, 110_000, 'health 200');
      const died = api.exited.then(({ code }) => `the api exited (${code}) before answering: ${api.output()}`);
      const failure = await Promise.race([started.then(() => null), died]);
      if (failure !== null) throw new Error(failure);
    }, 120_000);
    afterAll(() => {
      api.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('prints the first admin key once and refuses a second process on the same DATA_DIR', async () => {
      expect(api.output()).toMatch(/First admin API key \(shown once, store it now\):\n {2}hc_[0-9a-f]{12}_\S{43}\n/);
      const second = spawnEntry(API, {
        PORT: String(await freePort()),
        JT808_PORT: String(await freePort()),
        DATA_DIR: dataDir,
      });
      expect((await second.exited).code).toBe(1);
      expect(second.output()).toMatch(/configuration error: DATA_DIR: .* is in use by process \d+/);
    });

    it('prints the address, the console, the JT/T 808 port and the key last and together; no route or request lines at info (issue 19)', async () => {
      const out = api.output();
      // Nest's ~200 start-up lines (modules initialised, routes mapped) are debug, not info.
      expect(out).not.toMatch(/RouterExplorer|RoutesResolver|InstanceLoader|Mapped \{/);
      const at = out.indexOf('The service is up');
      expect(at).toBeGreaterThan(-1);
      expect(out.slice(at)).toMatch(
        new RegExp(
          '^The service is up \\(embedded PostgreSQL \\(PGlite\\) .*, queue in-process\\):\n' +
            `  API: +http://127\\.0\\.0\\.1:${port} +\\(OpenAPI: http://127\\.0\\.0\\.1:${port}/docs\\)\n` +
            `  console: +http://127\\.0\\.0\\.1:${port}/console/\n` +
            `  JT/T 808: +port ${jt808}\n\n` +
            'First admin API key \\(shown once, store it now\\):\n {2}hc_[0-9a-f]{12}_\\S{43}\n\n',
        ),
      );
      // The log stream says the same first (for log collectors); the block comes after it.
      expect(out.slice(0, at)).toContain('"msg":"listening on http://127.0.0.1:');
      // A request that succeeded is not logged at info; a refused one is, at warn.
      const key = /hc_[0-9a-f]{12}_\S{43}/.exec(out)![0];
      const before = api.output().length;
      const ok = await fetch(`http://127.0.0.1:${port}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(200);
      const refused = await fetch(`http://127.0.0.1:${port}/v1/api-keys`);
      expect(refused.status).toBe(401);
      await waitFor(async () => api.output().slice(before).includes('"status":401'), 10_000, 'the 401 logged');
      const logged = lines(api.output().slice(before)).filter((l) => l.includes('"path":"/v1/api-keys"'));
      expect(logged).toEqual([expect.stringMatching(/^\{"level":40,.*"status":401/)]);
    });

    it('finishes an in-flight request, closes queue and database, and exits 0 (in time, by its own watchdog) on SIGTERM', async () => {
      const key = /hc_[0-9a-f]{12}_\S{43}/.exec(api.output())![0];
      const body = JSON.stringify({ principal: 'agency', agency: 'police', name: 'slow client' });
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
              // The server answers 100 Continue once it holds the request: from then on it is in flight.
              Expect: '100-continue',
            },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          },
        );
        req.on('error', reject);
        // Half the body, SIGTERM, and the rest only once the process says it is stopping: the
        // request is in flight throughout, whatever the machine's speed.
        req.on('continue', () => {
          req.write(body.slice(0, 20));
          api.child.kill('SIGTERM');
          waitFor(async () => api.output().includes('SIGTERM received'), 60_000, 'SIGTERM logged').then(
            () => req.end(body.slice(20)),
            reject,
          );
        });
        req.flushHeaders();
      });
      const res = await answer;
      expect(res.status).toBe(201);
      // 0, not 1: the process's own watchdog exits 1 when stopping takes over SHUTDOWN_GRACE_MS + 2 s.
      const { code } = await api.exited;
      expect(code).toBe(0);
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
          // Two processes start (one migrates a new database): on a busy machine that takes a while.
          await waitFor(async () => (await health(port)) === 200, 110_000, 'health 200');
          await waitFor(async () => worker.output().includes('consuming jobs'), 110_000, 'worker consuming');
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
          api.child.kill('SIGTERM');
          worker.child.kill('SIGTERM');
          const [a, w] = await Promise.all([api.exited, worker.exited]);
          // 0, not 1: each process's own watchdog exits 1 when stopping takes too long.
          expect([a.code, w.code]).toEqual([0, 0]);
        } finally {
          api.child.kill('SIGKILL');
          worker.child.kill('SIGKILL');
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        }
      }, 300_000);
    });
});
