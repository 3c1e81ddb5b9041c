import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, type Repository } from 'typeorm';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * The one door to the database for repositories. `transaction()` opens a unit of work and makes
 * it ambient (AsyncLocalStorage), so every repository call inside it joins the same transaction
 * without passing managers around; outside one, statements autocommit.
 */
@Injectable()
export class Database {
  private readonly current = new AsyncLocalStorage<EntityManager>();

  constructor(readonly dataSource: DataSource) {}

  /** The ambient transaction's manager, or the autocommit manager. */
  get manager(): EntityManager {
    return this.current.getStore() ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  repository<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.manager.getRepository(entity);
  }

  query<T = unknown>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.manager.query(sql, params) as Promise<T[]>;
  }

  /**
   * Runs `work` in one transaction; nested calls join the outer one. Everything `work` writes
   * commits or rolls back together (a violation with its outbox row, a movement with its balance).
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const outer = this.current.getStore();
    if (outer) return work(outer);
    const run = (manager: EntityManager): Promise<T> => {
      serializeQueries(manager);
      return this.current.run(manager, () => work(manager));
    };
    return isolation ? this.dataSource.transaction(isolation, run) : this.dataSource.transaction(run);
  }

  get driverKind(): 'postgres' | 'pglite' {
    return (this.dataSource.options as { extra?: { pglite?: boolean } }).extra?.pglite ? 'pglite' : 'postgres';
  }
}

/**
 * A transaction is one connection, and one connection runs one statement at a time. Code in a
 * transaction may still start several reads at once (Promise.all over lookups): node-postgres
 * would queue them itself but deprecates that (pg 9 refuses it), so they are queued here, in the
 * order they were started.
 */
function serializeQueries(manager: EntityManager): void {
  const runner = manager.queryRunner;
  if (!runner) return;
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  (runner as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
    const next = tail.then(() => query(...args));
    tail = next.catch(() => undefined);
    return next;
  };
}
