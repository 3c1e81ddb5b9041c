import { createTestApp, type TestApp } from '../support/test-app.js';

describe('schema', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('is exactly what the entities describe (migrations and entities never drift apart)', async () => {
    const pending = await t.db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has every migration applied', async () => {
    expect(await t.db.dataSource.showMigrations()).toBe(false);
  });
});
