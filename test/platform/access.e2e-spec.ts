import { Controller, Get, Module } from '@nestjs/common';
import { Allow } from '@lib/platform';
import { declaredRoutes } from '../support/routes.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

@Controller('v1/forgotten')
class ForgottenController {
  // Deliberately declares no access rule: the guard must refuse it and the walk must find it.
  @Get()
  leak(): { secret: string } {
    return { secret: 'should never be served' };
  }
}

@Controller('v1/declared')
class DeclaredController {
  @Get()
  @Allow('agency:transport')
  ok(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ForgottenController, DeclaredController] })
class ProbeModule {}

describe('access declarations (deny by default)', () => {
  describe('the real api', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp()));
    afterAll(() => t.close());

    it('declares who may call every route', () => {
      const routes = declaredRoutes(t.app);
      expect(routes.length).toBeGreaterThan(3);
      const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.path}`);
      expect(undeclared).toEqual([]);
    });
  });

  describe('a route that forgot its declaration', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ imports: [{ module: ProbeModule }] })));
    afterAll(() => t.close());

    it('is found by the walk', () => {
      const undeclared = declaredRoutes(t.app).filter((r) => r.access === undefined);
      expect(undeclared.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/forgotten']);
    });

    it('is refused even to admin, while a declared one serves its principal only', async () => {
      const refused = await t
        .http()
        .get('/v1/forgotten')
        .set(...bearer(t.adminKey));
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('ROUTE_NOT_DECLARED');
      expect(JSON.stringify(refused.body)).not.toContain('should never be served');

      const transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
      const police = await t.mintKey({ principal: 'agency', agency: 'police' });
      expect(
        (
          await t
            .http()
            .get('/v1/declared')
            .set(...bearer(transport))
        ).status,
      ).toBe(200);
      expect(
        (
          await t
            .http()
            .get('/v1/declared')
            .set(...bearer(police))
        ).status,
      ).toBe(403);
      expect(
        (
          await t
            .http()
            .get('/v1/declared')
            .set(...bearer(t.adminKey))
        ).status,
      ).toBe(403);
    });
  });
});
