// The fault scenarios (npm run test:system): real processes on their own PostgreSQL and Redis,
// one file at a time (they load the 2-core machine fully), each bounded in time.
import { readFileSync } from 'node:fs';

const base = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).jest;

export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/system/**/*.system-spec.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 600_000,
  maxWorkers: 1,
};
