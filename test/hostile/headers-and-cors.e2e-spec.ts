import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/** helmet's headers on every answer, and CORS closed unless CORS_ORIGINS opens it to named origins. */
describe('security headers and CORS', () => {
  describe('by default', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it.each([
      ['an answer', '/v1/enterprises', 200],
      ['a problem', '/v1/no-such-route', 404],
      ['an unauthenticated refusal', '/v1/enterprises', 401],
    ])('sends helmet headers on %s', async (_what, path, status) => {
      const req = t.http().get(path);
      if (status !== 401) req.set(...bearer(t.adminKey));
      const res = await req;
      expect(res.status).toBe(status);
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringMatching(/max-age=\d+/),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('allows no cross-origin caller, also not in a preflight', async () => {
      const preflight = await t
        .http()
        .options('/v1/enterprises')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
      const get = await t
        .http()
        .get('/v1/enterprises')
        .set('Origin', 'https://evil.example')
        .set(...bearer(t.adminKey));
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('with CORS_ORIGINS', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { CORS_ORIGINS: 'https://console.wuxi.example' } });
    });
    afterAll(() => t.close());

    it('allows the named origin and no other', async () => {
      const ok = await t
        .http()
        .options('/v1/enterprises')
        .set('Origin', 'https://console.wuxi.example')
        .set('Access-Control-Request-Method', 'GET');
      expect(ok.headers['access-control-allow-origin']).toBe('https://console.wuxi.example');
      const other = await t
        .http()
        .options('/v1/enterprises')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'GET');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
