import { randomUUID } from 'node:crypto';
import { makeEnterprise } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('mints a key shown once, stores only its hash, lists it without a secret', async () => {
    const enterpriseId = (await makeEnterprise(t)).id as string;
    const res = await t
      .http()
      .post('/v1/api-keys')
      .set(...bearer(t.adminKey))
      .send({ principal: 'enterprise', enterpriseId, name: 'Jiangyin Chemical dispatch desk' });
    expect(res.status).toBe(201);
    const key = res.body.key as string;
    expect(key).toMatch(/^hc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toMatchObject({ principal: 'enterprise', enterpriseId, agency: null, revokedAt: null });

    const secret = key.slice(16);
    const rows = await t.db.query<Record<string, unknown>>('SELECT * FROM api_keys');
    expect(JSON.stringify(rows)).not.toContain(secret);

    const list = await t
      .http()
      .get('/v1/api-keys?limit=1')
      .set(...bearer(t.adminKey));
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const next = await t
      .http()
      .get(`/v1/api-keys?limit=10&cursor=${list.body.nextCursor as string}`)
      .set(...bearer(t.adminKey));
    expect(next.body.items.map((k: { id: string }) => k.id)).toContain(res.body.id);
    expect(JSON.stringify(next.body)).not.toContain(secret);
  });

  it('refuses an enterprise key for an enterprise that does not exist, naming the field', async () => {
    const res = await t
      .http()
      .post('/v1/api-keys')
      .set(...bearer(t.adminKey))
      .send({ principal: 'enterprise', enterpriseId: randomUUID(), name: 'x' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'enterpriseId' });
  });

  it('requires the scope that matches the principal', async () => {
    const noEnterprise = await t
      .http()
      .post('/v1/api-keys')
      .set(...bearer(t.adminKey))
      .send({ principal: 'enterprise', name: 'x' });
    expect(noEnterprise.status).toBe(400);
    expect(noEnterprise.body.errors).toEqual([expect.objectContaining({ path: 'enterpriseId' })]);
    const noAgency = await t
      .http()
      .post('/v1/api-keys')
      .set(...bearer(t.adminKey))
      .send({ principal: 'agency', name: 'x' });
    expect(noAgency.body.errors).toEqual([expect.objectContaining({ path: 'agency' })]);
  });

  it('refuses a revoked key at once', async () => {
    const key = await t.mintKey({ principal: 'admin' });
    expect(
      (
        await t
          .http()
          .get('/v1/api-keys')
          .set(...bearer(key))
      ).status,
    ).toBe(200);
    const id = (
      await t
        .http()
        .get('/v1/api-keys?limit=500')
        .set(...bearer(t.adminKey))
    ).body.items.find((k: { keyId: string }) => key.startsWith(`hc_${k.keyId}_`)).id as string;
    expect(
      (
        await t
          .http()
          .delete(`/v1/api-keys/${id}`)
          .set(...bearer(t.adminKey))
      ).status,
    ).toBe(204);
    expect(
      (
        await t
          .http()
          .delete(`/v1/api-keys/${id}`)
          .set(...bearer(t.adminKey))
      ).status,
    ).toBe(204);
    const after = await t
      .http()
      .get('/v1/api-keys')
      .set(...bearer(key));
    expect(after.status).toBe(401);
    expect(
      (
        await t
          .http()
          .delete(`/v1/api-keys/${randomUUID()}`)
          .set(...bearer(t.adminKey))
      ).status,
    ).toBe(404);
  });

  it('records when a key was last used, through the queue', async () => {
    const key = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    const keyId = key.slice(3, 15);
    await t
      .http()
      .get('/v1/api-keys')
      .set(...bearer(key)); // 403, but authenticated: a use
    await t.settle(async () => {
      const rows = await t.db.query<{ last_used_at: Date | null }>(
        'SELECT last_used_at FROM api_keys WHERE key_id = $1',
        [keyId],
      );
      return rows[0]?.last_used_at instanceof Date;
    });
  });

  it('slows down key guessing with 429 and Retry-After', async () => {
    let last = 0;
    let retryAfter: string | undefined;
    for (let i = 0; i < 25; i++) {
      const res = await t
        .http()
        .get('/v1/api-keys')
        .set(...bearer(`hc_${'0'.repeat(12)}_${'guess'.repeat(8)}${i}`));
      last = res.status;
      retryAfter = res.headers['retry-after'];
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
