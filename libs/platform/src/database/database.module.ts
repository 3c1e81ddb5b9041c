import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource, type EntitySchema, type MigrationInterface } from 'typeorm';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError, redactUrl } from '../config/app-config.js';
import { Database } from './database.js';
import { openPglite, pgliteDriver } from './pglite-pg-adapter.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export type MigrationClass = new () => MigrationInterface;
/** A TypeORM entity: a decorated class (or a schema). Each context exports its list; the apps join them. */
// oxlint-disable-next-line typescript/no-unsafe-function-type
export type EntityClass = Function | EntitySchema;
export const MIGRATIONS = Symbol('MIGRATIONS');

/** A lock id shared by every process that may run migrations against one database. */
const MIGRATION_LOCK = 7_102_808;

/**
 * The data source of a process. `entities`: every context's list, joined where the process is wired
 * (apps/contexts.ts); a data source that only runs migrations (the test setup) needs none.
 */
export async function createDataSource(
  config: AppConfig,
  migrations: MigrationClass[],
  entities: EntityClass[] = [],
): Promise<DataSource> {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
  };
  if (config.database.kind === 'postgres') {
    return new DataSource({
      ...common,
      url: config.database.url,
      poolSize: config.database.poolSize,
      connectTimeoutMS: 5000,
      extra: { idleTimeoutMillis: 10_000 },
    }).initialize();
  }
  const dataDir = config.database.dataDir;
  if (dataDir) lockDataDir(dataDir);
  const instance = await openPglite(dataDir ? join(dataDir, 'pgdata') : null, config.database.template);
  return new DataSource({
    ...common,
    driver: pgliteDriver(instance, { acquireTimeoutMs: 60_000 }),
    // Marks the data source as embedded for Database.driverKind and the lifecycle below.
    extra: { pglite: true },
  }).initialize();
}

/** Runs pending migrations; on PostgreSQL under an advisory lock so concurrent starts do not race. */
export async function runMigrations(dataSource: DataSource): Promise<number> {
  const embedded = (dataSource.options as { extra?: { pglite?: boolean } }).extra?.pglite === true;
  if (embedded) return (await dataSource.runMigrations({ transaction: 'each' })).length;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return (await dataSource.runMigrations({ transaction: 'each' })).length;
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

const lockFiles = new Set<string>();

/**
 * One process per embedded database: PGlite has no server to arbitrate, and two processes on one
 * folder would corrupt it. A pid file in DATA_DIR marks the owner; a stale one (dead pid) is taken over.
 */
function lockDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const lock = join(dataDir, 'owner.pid');
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(lock, 'utf8'));
    let alive = false;
    try {
      alive = owner > 0 && owner !== process.pid && process.kill(owner, 0);
    } catch {
      alive = false;
    }
    if (alive)
      throw new ConfigError('DATA_DIR', `${dataDir} is in use by process ${owner} (one process per embedded database)`);
    writeFileSync(lock, String(process.pid));
  }
  lockFiles.add(lock);
}

function unlockDataDirs(): void {
  for (const lock of lockFiles) rmSync(lock, { force: true });
  lockFiles.clear();
}

/** Closes the data source and, on the embedded default, the PGlite instance (flushing it to disk). */
export async function closeDataSource(dataSource: DataSource): Promise<void> {
  const driver = (dataSource.options as { driver?: { instance?: { close(): Promise<void> } } }).driver;
  if (dataSource.isInitialized) await dataSource.destroy();
  if (driver?.instance) {
    await driver.instance.close();
    unlockDataDirs();
  }
}

export function describeDatabase(config: AppConfig): string {
  return config.database.kind === 'postgres'
    ? `PostgreSQL ${redactUrl(config.database.url)}`
    : `embedded PostgreSQL (PGlite) ${config.database.dataDir ?? 'in memory'}`;
}

@Global()
@Module({})
export class DatabaseModule {
  /** The database connection for a process; migrations and entities are given by the app that wires it. */
  static forRoot(migrations: MigrationClass[], entities: EntityClass[]): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: MIGRATIONS, useValue: migrations },
        {
          provide: DataSource,
          inject: [AppConfig],
          // Migrations run before any provider can touch a table (api and worker alike; the advisory
          // lock makes concurrent starts safe).
          useFactory: async (config: AppConfig) => {
            const dataSource = await createDataSource(config, migrations, entities);
            await runMigrations(dataSource);
            return dataSource;
          },
        },
        Database,
      ],
      exports: [Database, DataSource, MIGRATIONS],
    };
  }
}
