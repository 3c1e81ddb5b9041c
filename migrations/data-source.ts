// The data source the TypeORM CLI uses (npm run migration:run / migration:generate), built from
// the same configuration and entity list (apps/contexts.ts, each context's own list) as the apps.
import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig, openPglite, pgliteDriver, SnakeNamingStrategy } from '@lib/platform';
import { ENTITIES } from '../apps/contexts.js';
import { migrations } from './index.js';

const config = loadConfig(process.env);
const common = {
  type: 'postgres' as const,
  entities: ENTITIES,
  migrations,
  migrationsTableName: 'schema_migrations',
  namingStrategy: new SnakeNamingStrategy(),
};

export default config.database.kind === 'postgres'
  ? new DataSource({ ...common, url: config.database.url })
  : new DataSource({
      ...common,
      driver: pgliteDriver(await openPglite(join(config.database.dataDir ?? './data', 'pgdata')), {
        acquireTimeoutMs: 60_000,
      }),
      extra: { pglite: true },
    });
