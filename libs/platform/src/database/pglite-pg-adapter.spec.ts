import { EventEmitter } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import { openPglite, pgliteDriver } from './pglite-pg-adapter.js';

/**
 * The scenario STACK.md warns about: a transaction that rolls back while others write. The other
 * write starts once the transaction has written (a signal, not a guess at how long that takes);
 * the transaction rolls back once `holdUntil` says so, given the other write's completion.
 */
async function interleave(
  ds: DataSource,
  holdUntil: (otherWrite: Promise<unknown>) => Promise<unknown>,
): Promise<string[]> {
  await ds.query('CREATE TABLE IF NOT EXISTS t (v text)');
  let written!: () => void;
  const doomedWritten = new Promise<void>((r) => (written = r));
  // Wrapped: a promise resolved with a promise would wait for it.
  let started!: (other: { write: Promise<unknown> }) => void;
  const otherStarted = new Promise<{ write: Promise<unknown> }>((r) => (started = r));
  const rolledBack = ds
    .transaction(async (m) => {
      await m.query(`INSERT INTO t VALUES ('doomed')`);
      written();
      await holdUntil((await otherStarted).write);
      throw new Error('roll back');
    })
    .catch(() => 'rolled back');
  await doomedWritten;
  const other = { write: ds.query(`INSERT INTO t VALUES ('committed by someone else')`) };
  started(other);
  await Promise.all([other.write, rolledBack]);
  return (await ds.query<Array<{ v: string }>>('SELECT v FROM t')).map((r) => r.v);
}

/** What a naive adapter does (typeorm-pglite 0.3.4): every runner shares the one session. */
function naiveDriver(db: PGlite): unknown {
  const client = Object.assign(new EventEmitter(), {
    query: async (sql: string, params?: unknown[]) => {
      const r = params?.length ? await db.query(sql, params) : (await db.exec(sql)).at(-1)!;
      return { rows: r.rows, rowCount: r.affectedRows ?? 0, command: '' };
    },
  });
  class Pool extends EventEmitter {
    connect(cb: (e: Error | null, c: unknown, release: () => void) => void): void {
      cb(null, client, () => undefined);
    }
    end(cb: () => void): void {
      cb();
    }
  }
  return { Pool, defaults: {} };
}

describe('PGlite behind a pg-shaped pool', () => {
  it('keeps a committed write when another transaction rolls back (one session, leased)', async () => {
    const db = await openPglite(null);
    const ds = await new DataSource({
      type: 'postgres',
      driver: pgliteDriver(db, { acquireTimeoutMs: 5000 }),
    }).initialize();
    // The other write waits for the lease, so it cannot finish first: hold a moment, then roll
    // back. Whatever the machine's speed, the write lands after the rollback and stays.
    expect(await interleave(ds, () => new Promise((r) => setTimeout(r, 50)))).toEqual(['committed by someone else']);
    await ds.destroy();
    await db.close();
  });

  it('loses that write without the lease (why the lease exists)', async () => {
    const db = await openPglite(null);
    const ds = await new DataSource({ type: 'postgres', driver: naiveDriver(db) }).initialize();
    // Nothing makes the other write wait: roll back only once it is done, inside the open transaction.
    expect(await interleave(ds, (otherWrite) => otherWrite)).toEqual([]);
    await ds.destroy();
    await db.close();
  });

  it('returns int8 and numeric as strings, as pg does', async () => {
    const db = await openPglite(null);
    const ds = await new DataSource({
      type: 'postgres',
      driver: pgliteDriver(db, { acquireTimeoutMs: 5000 }),
    }).initialize();
    const [row] = await ds.query<Array<{ big: unknown; num: unknown; at: unknown }>>(
      `SELECT 9007199254740993::int8 AS big, 1.10::numeric AS num, now() AS at`,
    );
    expect(row).toEqual({ big: '9007199254740993', num: '1.10', at: expect.any(Date) });
    await ds.destroy();
    await db.close();
  });
});
