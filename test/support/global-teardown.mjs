import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';

export default async function globalTeardown() {
  if (process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS hc_tpl_${process.env.HC_TEST_RUN_ID} WITH (FORCE)`);
    await admin.end();
  } else if (process.env.HC_TEST_PGLITE_TEMPLATE) {
    rmSync(dirname(process.env.HC_TEST_PGLITE_TEMPLATE), { recursive: true, force: true });
  }
}
