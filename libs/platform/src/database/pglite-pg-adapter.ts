import { EventEmitter } from 'node:events';
import { PGlite, types } from '@electric-sql/pglite';

/**
 * A `pg`-shaped module over one PGlite instance, handed to TypeORM's postgres driver as `driver`.
 *
 * PGlite is a single PostgreSQL session. TypeORM assumes a pool of independent connections: it
 * opens `BEGIN` on one query runner while other runners keep issuing autocommitted statements.
 * On a shared session those statements silently join the open transaction and a later ROLLBACK
 * undoes them (seen here; see shared/STACK.md). So this pool has exactly one connection and a
 * FIFO lease: a query runner holds the session from connect() until release(), and everyone else
 * waits. Code inside a transaction must use that transaction's manager (Database.manager does so).
 */
export interface PgliteLease {
  /** Milliseconds a caller may wait for the session before the wait is reported as an error. */
  acquireTimeoutMs: number;
}

interface PgResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: { name: string; dataTypeID: number }[];
}

class SessionLock {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly timeoutMs: number) {}

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new Error(
            `embedded database busy for ${this.timeoutMs} ms: a query outside the current transaction waits for it (use Database.manager)`,
          ),
        );
      }, this.timeoutMs);
      this.waiters.push(grant);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }

  get waiting(): number {
    return this.waiters.length;
  }
}

/** Normalises a PGlite result to what `pg` returns and TypeORM reads. */
function toPgResult(r: {
  rows: unknown[];
  affectedRows?: number;
  command?: string;
  rowCount?: number;
  fields: PgResult['fields'];
}): PgResult {
  return {
    rows: r.rows,
    rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length,
    command: (r.command ?? '').toUpperCase(),
    fields: r.fields,
  };
}

class PgliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(
    sql: string,
    params?: unknown[] | ((err: Error | null, r?: PgResult) => void),
    cb?: (err: Error | null, r?: PgResult) => void,
  ): Promise<PgResult> {
    const callback = typeof params === 'function' ? params : cb;
    const values = Array.isArray(params) ? params : undefined;
    try {
      const result =
        values && values.length > 0
          ? toPgResult(await this.db.query(sql, values))
          : // Without parameters use the simple protocol so multi-statement migrations work; TypeORM
            // expects the last statement's result, as pg returns it.
            toPgResult((await this.db.exec(sql)).at(-1) ?? { rows: [], fields: [] });
      callback?.(null, result);
      return result;
    } catch (err) {
      callback?.(err as Error);
      throw err;
    }
  }

  release(): void {
    /* the lease is returned by the pool's release callback */
  }
}

export interface PgliteDriverModule {
  Pool: new () => EventEmitter;
  defaults: Record<string, unknown>;
  /** The instance, for dump/health/close by the platform. */
  instance: PGlite;
  /** How many callers are queued for the session (exported as a metric). */
  waiting(): number;
}

/**
 * Same type parsing as `pg`: int8 and numeric come back as strings (no silent precision loss),
 * so repositories map values identically on PGlite and PostgreSQL.
 */
export const pgCompatibleParsers = {
  [types.INT8]: (v: string) => v,
  [types.NUMERIC]: (v: string) => v,
};

export function pgliteDriver(db: PGlite, lease: PgliteLease): PgliteDriverModule {
  const lock = new SessionLock(lease.acquireTimeoutMs);
  const client = new PgliteClient(db);
  class Pool extends EventEmitter {
    connect(
      callback?: (err: Error | null, client?: PgliteClient, release?: (err?: unknown) => void) => void,
    ): Promise<PgliteClient> {
      const leased = lock.acquire().then(() => client);
      if (!callback) return leased;
      // The pg pool API is callback-based; TypeORM passes a callback and releases through it.
      void (async () => {
        let leasedClient: PgliteClient;
        try {
          leasedClient = await leased;
        } catch (err) {
          callback(err as Error);
          return;
        }
        let released = false;
        callback(null, leasedClient, () => {
          if (released) return;
          released = true;
          lock.release();
        });
      })();
      return leased;
    }

    async query(sql: string, params?: unknown[]): Promise<PgResult> {
      await lock.acquire();
      try {
        return await client.query(sql, params);
      } finally {
        lock.release();
      }
    }

    end(cb?: (err?: Error) => void): Promise<void> {
      // The instance belongs to the platform's database lifecycle, which closes it after TypeORM.
      cb?.();
      return Promise.resolve();
    }
  }
  return { Pool, defaults: {}, instance: db, waiting: () => lock.waiting };
}

/** Opens (or creates) the embedded database; `dataDir` null means in memory. */
export async function openPglite(dataDir: string | null, template?: Blob): Promise<PGlite> {
  return PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template ? { loadDataDir: template } : {}),
    parsers: pgCompatibleParsers,
  });
}
