import { declaredRoutes } from '../support/routes.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('system routes', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('reports database and queue state on /health', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      database: { up: true, kind: t.config.database.kind },
      queue: { up: true, transport: t.config.queue.kind },
    });
  });

  it('exposes Prometheus metrics with the HTTP duration histogram', async () => {
    await t.http().get('/v1/api-keys');
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/api-keys",status="401"\} [1-9]/,
    );
  });

  it('publishes an OpenAPI 3 document listing every route, and Swagger UI', async () => {
    const res = await t.http().get('/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const documented = new Set(
      Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const routes = declaredRoutes(t.app).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
    const ui = await t.http().get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
