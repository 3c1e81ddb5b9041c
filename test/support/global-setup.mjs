// Jest's global setup runs outside the test transform, so it loads the built service (npm test
// builds first): one migrated template database per run, copied by each test file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const dist = new URL('../../dist/', import.meta.url);

export default async function globalSetup() {
  const { closeDataSource, createDataSource, loadConfig, runMigrations } = await import(
    new URL('libs/platform/src/index.js', dist).href
  );
  const { migrations } = await import(new URL('migrations/index.js', dist).href);
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  process.env.HC_TEST_RUN_ID = runId;
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  if (process.env.DATABASE_URL) {
    const template = `hc_tpl_${runId}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${template}`;
    const ds = await createDataSource(
      base.with({ database: { kind: 'postgres', url: url.toString(), poolSize: 2 } }),
      migrations,
    );
    await runMigrations(ds);
    await closeDataSource(ds);
  } else {
    const ds = await createDataSource(base.with({ database: { kind: 'pglite', dataDir: null } }), migrations);
    await runMigrations(ds);
    const dump = await ds.options.driver.instance.dumpDataDir('none');
    const file = join(mkdtempSync(join(tmpdir(), 'hc-test-')), 'template.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    process.env.HC_TEST_PGLITE_TEMPLATE = file;
    await closeDataSource(ds);
  }
}
