import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ApiKeySecrets1795942800000 } from '../../migrations/1795942800000-api-key-secrets.js';
import { expectProblem } from '../support/hostile.js';
import { freePort, spawnEntry, waitFor } from '../support/processes.js';
import { databaseUrl, TEST_ENV } from '../support/stores.js';
import { bootstrapAdminKey } from '../../apps/api/src/api-app.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { submit, tripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/** The secret part of a key hc_<key id>_<secret>. */
const secretOf = (key: string): string => key.slice(16);

/** One request from a chosen loopback address (all of 127/8 reaches the server): the throttle counts per address. */
function call(
  t: TestApp,
  path: string,
  key: string,
  from: string,
): Promise<{ status: number; headers: Record<string, string>; body: Json }> {
  const url = new URL(path, t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        localAddress: from,
        headers: { Authorization: `Bearer ${key}` },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface OpenStream {
  /** Everything the stream has sent so far. */
  text(): string;
  /** When the server ended the stream (ms since the epoch). */
  ended: Promise<number>;
  close(): void;
}

/** Opens GET /v1/exchange/stream and keeps reading; resolves once the server answered 200. */
function openStream(t: TestApp, key: string, query: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = request(`${t.baseUrl}/v1/exchange/stream${query}`, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    });
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<number>((done) => res.on('close', () => done(Date.now())));
      resolve({ text: () => text, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** When the stream ended, or Infinity if it had not after `ms`. */
async function endOf(stream: OpenStream, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<number>((r) => (timer = setTimeout(() => r(Number.POSITIVE_INFINITY), ms)));
  try {
    return await Promise.race([stream.ended, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Issue 15's findings about secrets and keys, replayed through the public API: a minted key or a
 * webhook secret kept in clear in the Idempotency-Key records, a flood of bad keys locking out the
 * valid admin key, a revoked (or expired) key's open SSE stream going on, and ADMIN_API_KEY printed.
 */
describe('API key secrets and key lifetimes against an attacker', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ env: { EXCHANGE_RELAY_INTERVAL_MS: '50' } })));
  afterAll(() => t.close());

  const idempotencyRecords = async (): Promise<string> =>
    JSON.stringify(await t.db.query('SELECT owner, key, fingerprint, status, response FROM idempotency_keys'));
  const mint = (body: Json, idempotencyKey?: string) => {
    const req = t
      .http()
      .post('/v1/api-keys')
      .set(...bearer(t.adminKey));
    if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
    return req.send(body);
  };
  const revoke = async (key: string): Promise<void> => {
    const list = await t
      .http()
      .get('/v1/api-keys?limit=500')
      .set(...bearer(t.adminKey));
    const id = (list.body.items as Array<{ id: string; keyId: string }>).find((k) =>
      key.startsWith(`hc_${k.keyId}_`),
    )!.id;
    const res = await t
      .http()
      .delete(`/v1/api-keys/${id}`)
      .set(...bearer(t.adminKey));
    expect(res.status).toBe(204);
  };

  describe('Idempotency-Key records', () => {
    // First: it runs the migration down and up again on this file's database.
    it('lose the key and webhook secrets an earlier version kept, when the migration runs, and nothing else', async () => {
      const minted = await mint({ principal: 'admin', name: 'kept by the old version' }, 'old-mint');
      const key = minted.body.key as string;
      const transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
      const registered = await t
        .http()
        .post('/v1/exchange/webhooks')
        .set(...bearer(transport))
        .set('Idempotency-Key', 'old-webhook')
        .send({ url: 'http://127.0.0.1:9/old', types: ['violation.*'] });
      expect(registered.status).toBe(201);
      const secret = registered.body.secret as string;
      // What the earlier version kept: the first answers as they were, secrets included.
      await t.db.query(`UPDATE idempotency_keys SET response = $2 WHERE key = $1`, ['old-mint', minted.body]);
      await t.db.query(`UPDATE idempotency_keys SET response = $2 WHERE key = $1`, ['old-webhook', registered.body]);
      const unrelated = { id: 'x', key: 'not-a-secret', secret: 'nor-this' };
      await t.db.query(
        `INSERT INTO idempotency_keys (owner, key, fingerprint, status, response, created_at) VALUES ($1, 'other', $2, 200, $3, now())`,
        [randomBytes(8).toString('hex'), 'f'.repeat(64), unrelated],
      );
      expect(await idempotencyRecords()).toContain(secretOf(key));
      expect(await idempotencyRecords()).toContain(secret);

      const runner = t.db.dataSource.createQueryRunner();
      try {
        const migration = new ApiKeySecrets1795942800000();
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
      }

      const records = await idempotencyRecords();
      expect(records).not.toContain(secretOf(key));
      expect(records).not.toContain(secret);
      const [mintRow] = await t.db.query<{ response: Json }>(`SELECT response FROM idempotency_keys WHERE key = $1`, [
        'old-mint',
      ]);
      expect(mintRow!.response).toMatchObject({ id: minted.body.id, keyId: minted.body.keyId, key: null });
      expect((mintRow!.response.withheld as Json).key).toMatch(
        new RegExp(`^shown once.*DELETE /v1/api-keys/${minted.body.id as string}\\)`),
      );
      const [hookRow] = await t.db.query<{ response: Json }>(`SELECT response FROM idempotency_keys WHERE key = $1`, [
        'old-webhook',
      ]);
      expect(hookRow!.response).toMatchObject({ id: registered.body.id, secret: null });
      expect((hookRow!.response.withheld as Json).secret).toMatch(/^shown once/);
      const [other] = await t.db.query<{ response: Json }>(`SELECT response FROM idempotency_keys WHERE key = 'other'`);
      expect(other!.response).toEqual(unrelated);
      // The key itself still works: only the kept copy of its secret is gone.
      expect(
        (
          await t
            .http()
            .get('/v1/api-keys?limit=1')
            .set(...bearer(key))
        ).status,
      ).toBe(200);
    });

    it('keep no minted key: a replayed mint answers 201 with the key id and "shown once", and mints nothing', async () => {
      const body = { principal: 'agency', agency: 'transport', name: 'Wuxi transport bureau duty desk' };
      const first = await mint(body, 'mint-after-timeout');
      expect(first.status).toBe(201);
      const key = first.body.key as string;
      expect(key).toMatch(/^hc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(await idempotencyRecords()).not.toContain(secretOf(key));
      const keysBefore = await t.db.query('SELECT id FROM api_keys');

      // The client timed out and retries the same request with the same Idempotency-Key.
      const replay = await mint(body, 'mint-after-timeout');
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toMatchObject({
        id: first.body.id,
        keyId: first.body.keyId,
        principal: 'agency',
        agency: 'transport',
        key: null,
      });
      expect((replay.body.withheld as Json).key).toMatch(
        new RegExp(`^shown once, .*cannot be shown again.*revoke this key \\(DELETE /v1/api-keys/${first.body.id}\\)`),
      );
      expect(JSON.stringify(replay.body)).not.toContain(secretOf(key));
      expect(await t.db.query('SELECT id FROM api_keys')).toHaveLength(keysBefore.length);
      expect(await idempotencyRecords()).not.toContain(secretOf(key));
      // The first answer's key is the one that works.
      expect(
        (
          await t
            .http()
            .get('/v1/exchange/feed')
            .set(...bearer(key))
        ).status,
      ).toBe(200);
    });

    it('keep no webhook signing secret: a replayed registration answers with the endpoint id and "shown once"', async () => {
      const police = await t.mintKey({ principal: 'agency', agency: 'police' });
      const url = 'http://127.0.0.1:9/replayed';
      const register = () =>
        t
          .http()
          .post('/v1/exchange/webhooks')
          .set(...bearer(police))
          .set('Idempotency-Key', 'register-after-timeout')
          .send({ url, types: ['violation.*'] });
      const first = await register();
      expect(first.status).toBe(201);
      const secret = first.body.secret as string;
      expect(secret).toMatch(/^whsec_/);
      expect(await idempotencyRecords()).not.toContain(secret);
      const replay = await register();
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toMatchObject({ id: first.body.id, url, secret: null });
      expect((replay.body.withheld as Json).secret).toMatch(
        new RegExp(`^shown once, .*DELETE /v1/exchange/webhooks/${first.body.id}\\) and register it again`),
      );
      expect(JSON.stringify(replay.body)).not.toContain(secret);
      expect(await idempotencyRecords()).not.toContain(secret);
      const endpoints = await t
        .http()
        .get('/v1/exchange/webhooks')
        .set(...bearer(police));
      expect((endpoints.body as Json[]).filter((e) => e.url === url)).toHaveLength(1);
    });
  });

  it('lets the valid admin key through from an address that sent 20 bad keys, while a bad key from there gets 429', async () => {
    const from = '127.0.201.1';
    const knownId = t.adminKey.slice(0, 16); // hc_<the admin key's id>_
    for (let i = 0; i < 20; i++) {
      const guess = `${i % 2 === 0 ? knownId : `hc_${'e'.repeat(12)}_`}${'G'.repeat(42)}${i % 10}`;
      expect((await call(t, '/v1/api-keys?limit=1', guess, from)).status).toBe(401);
    }
    const held = await call(t, '/v1/api-keys?limit=1', `${knownId}${'G'.repeat(43)}`, from);
    expectProblem(held, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(held.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const admin = await call(t, '/v1/api-keys?limit=1', t.adminKey, from);
    expect(admin.status).toBe(200);
    expect(admin.body.items).toHaveLength(1);
    // The valid key did not reset the count: the next bad key from there is still held.
    expect((await call(t, '/v1/api-keys?limit=1', `hc_${'e'.repeat(12)}_${'H'.repeat(43)}`, from)).status).toBe(429);
    expect((await call(t, '/v1/api-keys?limit=1', t.adminKey, from)).status).toBe(200);
  });

  describe('keys that end', () => {
    it('closes the open SSE stream of a key revoked mid-stream within 5 s, after it gave out crew in clear', async () => {
      const police = await t.mintKey({ principal: 'agency', agency: 'police' });
      const stream = await openStream(t, police, '?after=0&types=waybill.*');
      try {
        const w = await tripWorld(t);
        const submitted = await submit(t, w);
        expect(submitted.status).toBe(200);
        const [driver] = await t.db.query<{ id_number: string }>('SELECT id_number FROM personnel WHERE id = $1', [
          w.driverId,
        ]);
        // What the attacker's stream was after: the crew's citizen id numbers, in clear for police.
        await until(() => stream.text().includes(driver!.id_number), 20_000, 'the crew reached the stream');

        await revoke(police);
        const revokedAt = Date.now();
        const endedAt = await endOf(stream, 8000);
        expect(endedAt - revokedAt).toBeLessThan(5000);
        expect(stream.text()).toContain(': the API key was revoked or has expired');
        const resumed = await t
          .http()
          .get('/v1/exchange/stream')
          .set(...bearer(police))
          .set('Last-Event-ID', '0');
        expectProblem(resumed, 401, 'UNAUTHENTICATED');
      } finally {
        stream.close();
      }
    });

    it('refuses an expired key on every door and closes its open stream within 5 s of expiry', async () => {
      // Minted to expire in an hour; the test then moves its expiry to now (it plays the clock), so
      // a slow machine cannot make the key expire before the checks that need it alive.
      const expiresAt = new Date(Date.now() + 3600_000);
      const res = await mint({
        principal: 'agency',
        agency: 'police',
        name: 'exercise 2026-12 duty desk',
        expiresAt: expiresAt.toISOString(),
      });
      expect(res.status).toBe(201);
      expect(res.body.expiresAt).toBe(expiresAt.toISOString());
      const key = res.body.key as string;
      const listed = await t
        .http()
        .get('/v1/api-keys?limit=500')
        .set(...bearer(t.adminKey));
      expect(listed.body.items).toContainEqual(
        expect.objectContaining({ id: res.body.id, expiresAt: expiresAt.toISOString() }),
      );
      expect(
        (
          await t
            .http()
            .get('/v1/exchange/feed')
            .set(...bearer(key))
        ).status,
      ).toBe(200);
      const stream = await openStream(t, key, '');
      try {
        const [row] = await t.db.query<{ at: Date }>(
          // (A CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].)
          'WITH expired AS (UPDATE api_keys SET expires_at = now() WHERE id = $1 RETURNING expires_at) SELECT expires_at AS at FROM expired',
          [res.body.id],
        );
        const expiredAt = new Date(row!.at).getTime();
        const endedAt = await endOf(stream, 10_000);
        expect(endedAt).toBeGreaterThanOrEqual(expiredAt);
        expect(endedAt - expiredAt).toBeLessThan(5000);
      } finally {
        stream.close();
      }
      for (const path of ['/v1/exchange/feed', '/v1/exchange/stream', '/v1/exchange/schemas']) {
        const after = await t
          .http()
          .get(path)
          .set(...bearer(key));
        expectProblem(after, 401, 'UNAUTHENTICATED');
        expect(after.body.detail).toBe('the API key is unknown, revoked or expired');
      }
      const write = await t
        .http()
        .post('/v1/exchange/webhooks')
        .set(...bearer(key))
        .send({ url: 'http://127.0.0.1:9/events', types: ['violation.*'] });
      expectProblem(write, 401, 'UNAUTHENTICATED');
    });

    it('refuses an expiry that is past, malformed or without its offset, naming expiresAt, and mints nothing', async () => {
      const before = (await t.db.query('SELECT id FROM api_keys')).length;
      const base = { principal: 'agency', agency: 'police', name: 'x' };
      const past = await mint({ ...base, expiresAt: new Date(Date.now() - 1000).toISOString() });
      expectProblem(past, 422, 'EXPIRY_NOT_IN_FUTURE', [{ path: 'expiresAt', rule: 'EXPIRY_NOT_IN_FUTURE' }]);
      const malformed = await mint({ ...base, expiresAt: 'next tuesday' });
      expectProblem(malformed, 400, 'VALIDATION_FAILED', [{ path: 'expiresAt', rule: 'isIso8601' }]);
      const local = await mint({ ...base, expiresAt: '2099-01-31T16:00:00' });
      expectProblem(local, 400, 'VALIDATION_FAILED', [{ path: 'expiresAt', rule: 'matches' }]);
      expect((await t.db.query('SELECT id FROM api_keys')).length).toBe(before);
    });
  });
});

describe('ADMIN_API_KEY once every admin key is revoked or expired', () => {
  const given = `hc_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ env: { ADMIN_API_KEY: given } })));
  afterAll(() => t.close());

  it('is not brought back by a restart: the start stops, naming ADMIN_API_KEY', async () => {
    expect(t.adminKey).toBe(given);
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const second = await t
      .http()
      .post('/v1/api-keys')
      .set(...bearer(given))
      .send({ principal: 'admin', name: 'night shift', expiresAt });
    expect(second.status).toBe(201);
    const list = await t
      .http()
      .get('/v1/api-keys')
      .set(...bearer(second.body.key as string));
    const firstId = (list.body.items as Array<{ id: string; keyId: string }>).find((k) =>
      given.startsWith(`hc_${k.keyId}_`),
    )!.id;
    const revoked = await t
      .http()
      .delete(`/v1/api-keys/${firstId}`)
      .set(...bearer(second.body.key as string));
    expect(revoked.status).toBe(204);
    // The second admin key expires (the test plays the clock rather than waiting for it).
    await t.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [second.body.id]);

    await expect(bootstrapAdminKey(t.app)).rejects.toThrow(
      /^ADMIN_API_KEY: names a key that exists already \(revoked, expired or not an admin key\)/,
    );
    expect(
      (
        await t
          .http()
          .get('/v1/api-keys')
          .set(...bearer(given))
      ).status,
    ).toBe(401);
  });
});

describe('a process started with ADMIN_API_KEY', () => {
  it('never prints the key, at start or at shutdown, and the key works', async () => {
    const adminKey = `hc_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const name = `hc_keys_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'hc-keys-'));
    let stores: Record<string, string | undefined> = { DATA_DIR: dataDir };
    if (TEST_ENV.databaseUrl) {
      const admin = new pg.Client({ connectionString: TEST_ENV.databaseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      stores = {
        DATABASE_URL: databaseUrl(TEST_ENV.databaseUrl, name),
        REDIS_URL: TEST_ENV.redisUrl,
        QUEUE_PREFIX: name,
      };
    }
    const port = await freePort();
    const api = spawnEntry('dist/apps/api/src/main.js', {
      ...stores,
      PORT: String(port),
      ADMIN_API_KEY: adminKey,
      LOG_LEVEL: 'debug',
    });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 120_000, 'health');
      const res = await fetch(`http://127.0.0.1:${port}/v1/api-keys`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(res.status).toBe(200);
      // Logged just after the server listens: wait for the line rather than race it.
      const created = `first admin API key created from ADMIN_API_KEY (key id ${adminKey.slice(3, 15)})`;
      await waitFor(async () => api.output().includes(created), 20_000, 'the key id logged');
      api.child.kill('SIGTERM');
      expect((await api.exited).code).toBe(0);
      const output = api.output();
      expect(output).toContain('SIGTERM received');
      expect(output).not.toContain(secretOf(adminKey));
      expect(output).not.toContain('First admin API key');
    } finally {
      api.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      if (TEST_ENV.databaseUrl) {
        const admin = new pg.Client({ connectionString: TEST_ENV.databaseUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
      if (TEST_ENV.redisUrl) {
        const redis = new Redis(TEST_ENV.redisUrl);
        const keys = await redis.keys(`${name}:*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      }
    }
  }, 150_000);
});
