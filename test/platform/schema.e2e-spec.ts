import { createTestApp, type TestApp } from '../support/test-app.js';

describe('schema', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('is exactly what the entities describe (migrations and entities never drift apart)', async () => {
    const pending = await t.db.dataSource.driver.createSchemaBuilder().log();
    // Constraints and indexes named fk_/uq_/ck_/ix_ are owned by the migrations (entities describe
    // columns), so the builder's wish to drop them is expected; anything else is drift.
    const ownedByMigrations = /(DROP CONSTRAINT|DROP INDEX) "(public"\.")?(fk|uq|ck|ix)_/;
    expect(pending.upQueries.map((q) => q.query).filter((q) => !ownedByMigrations.test(q))).toEqual([]);
  });

  it('has every migration applied', async () => {
    expect(await t.db.dataSource.showMigrations()).toBe(false);
  });
});
