// The data source the TypeORM CLI uses (npm run migration:run / migration:generate), built from
// the same configuration and entity list as the apps. Importing the api module registers every
// context's entities.
import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig, openPglite, pgliteDriver, registeredEntities, SnakeNamingStrategy } from '@lib/platform';
import { ApiModule } from '../apps/api/src/api.module.js';
import { migrations } from './index.js';

void ApiModule; // imported for its side effect: every context registers its entities

const config = loadConfig(process.env);
const common = {
  type: 'postgres' as const,
  entities: registeredEntities(),
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
