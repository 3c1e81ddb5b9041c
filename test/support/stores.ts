/**
 * Which stores the suite runs on, decided once by the environment of `npm test`:
 * DATABASE_URL set → real PostgreSQL (each test file gets its own database cloned from a
 * migrated template); unset → embedded PGlite (each file loads a migrated template in memory).
 * REDIS_URL set → BullMQ with a per-file prefix; unset → the in-process queue.
 */
export const TEST_ENV = {
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  runId: process.env.HC_TEST_RUN_ID ?? 'local',
  pgliteTemplate: process.env.HC_TEST_PGLITE_TEMPLATE,
};

export const templateDatabaseName = (runId: string): string => `hc_tpl_${runId}`;

export function databaseUrl(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}
