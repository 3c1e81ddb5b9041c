import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const expectProblem = (
  res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
  code: string,
): void => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
    type: expect.stringMatching(/^urn:/),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(js|ts):\d+|SELECT|INSERT/);
};

/** Error bodies, validation, authentication and authorisation as every client sees them. */
describe('HTTP contract', () => {
  let t: TestApp;
  let policeKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    policeKey = await t.mintKey({ principal: 'agency', agency: 'police' });
  });
  afterAll(() => t.close());

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await t.http().get('/v1/no-such-thing');
    expectProblem(res, 404, 'NOT_FOUND');
    expect(res.body.detail).toContain('/v1/no-such-thing');
  });

  it('lists every unknown field and every wrong type in one 400, by path', async () => {
    const res = await t
      .http()
      .post('/v1/api-keys')
      .set(...bearer(t.adminKey))
      .send({ principal: 'agency', agency: 'army', name: 42, colour: 'red', extra: { a: 1 } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const paths = (res.body.errors as Array<{ path: string; rule: string }>).map((e) => `${e.path}:${e.rule}`).sort();
    expect(paths).toEqual(['agency:isIn', 'colour:unknownField', 'extra:unknownField', 'name:isString']);
    const count = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM api_keys');
    expect(Number(count[0]!.n)).toBe(2); // the admin key and the police key: nothing half-written
  });

  it('refuses malformed JSON, other content types and oversized bodies with problems', async () => {
    expectProblem(
      await t
        .http()
        .post('/v1/api-keys')
        .set(...bearer(t.adminKey))
        .set('Content-Type', 'application/json')
        .send('{"principal":'),
      400,
      'MALFORMED_JSON',
    );
    expectProblem(
      await t
        .http()
        .post('/v1/api-keys')
        .set(...bearer(t.adminKey))
        .set('Content-Type', 'text/plain')
        .send('principal=admin'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const huge = JSON.stringify({ name: 'x'.repeat(5 * 1024 * 1024), principal: 'admin' });
    expectProblem(
      await t
        .http()
        .post('/v1/api-keys')
        .set(...bearer(t.adminKey))
        .set('Content-Type', 'application/json')
        .send(huge),
      413,
      'BODY_TOO_LARGE',
    );
  });

  it('answers 401 without a key or with an unknown one, and 403 for the wrong principal', async () => {
    expectProblem(await t.http().get('/v1/api-keys'), 401, 'UNAUTHENTICATED');
    expectProblem(
      await t
        .http()
        .get('/v1/api-keys')
        .set(...bearer('hc_000000000000_not-a-real-key-not-a-real-key-00')),
      401,
      'UNAUTHENTICATED',
    );
    const res = await t
      .http()
      .get('/v1/api-keys')
      .set(...bearer(policeKey));
    expectProblem(res, 403, 'FORBIDDEN');
    expect(res.body.detail).toContain('agency police');
  });

  it('names the bad path parameter', async () => {
    const res = await t
      .http()
      .delete('/v1/api-keys/not-a-uuid')
      .set(...bearer(t.adminKey));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('echoes a request id on every answer, good or bad', async () => {
    const ok = await t.http().get('/health');
    const bad = await t.http().get('/v1/api-keys');
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.body.requestId).toBe(bad.headers['x-request-id']);
  });
});
