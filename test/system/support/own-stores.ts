import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitFor } from '../../support/processes.js';

/**
 * The fault scenarios' own PostgreSQL and Redis: started from the machine's binaries in a
 * temporary folder on spare ports, so that a scenario can stop, kill and restart them without
 * touching the services on 5432 and 6379.
 */

const isRoot = process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

/** initdb and pg_ctl: Debian keeps them off the PATH, in /usr/lib/postgresql/<version>/bin. */
function pgBin(name: string): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const newest = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', name)))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (newest) return join(debian, newest, 'bin', name);
  }
  return name;
}

export class OwnPostgres {
  readonly dir: string;
  private readonly data: string;
  port = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'hc-sys-pg-'));
    this.data = join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private run(name: string, args: string[]): void {
    const [cmd, argv] = asPostgres(pgBin(name), args);
    execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  }

  async init(): Promise<this> {
    mkdirSync(this.data);
    if (isRoot) {
      execFileSync('chown', ['-R', 'postgres:postgres', this.dir]);
    }
    this.run('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    this.port = await freePort();
    await this.start();
    return this;
  }

  async start(): Promise<void> {
    this.run('pg_ctl', [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c max_connections=200 -c fsync=on`,
      'start',
    ]);
    await waitFor(
      async () => {
        const c = new pg.Client({ connectionString: this.url() });
        await c.connect();
        await c.end();
        return true;
      },
      30_000,
      'own PostgreSQL answering',
    );
  }

  /** `fast`: the server ends every session and stops cleanly (a restart); `immediate`: like a crash. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async createDatabase(name: string): Promise<string> {
    const c = new pg.Client({ connectionString: this.url() });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    return this.url(name);
  }

  destroy(): void {
    try {
      this.stop('immediate');
    } catch {
      /* not running */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class OwnRedis {
  readonly dir: string;
  port = 0;
  private pid = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'hc-sys-redis-'));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async init(): Promise<this> {
    this.port = await freePort();
    await this.start();
    return this;
  }

  /** Append-only persistence on (fsync every second), as production runs it. */
  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore', detached: false },
    );
    this.pid = child.pid!;
    await waitFor(
      async () =>
        execFileSync('redis-cli', ['-p', String(this.port), 'ping'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim() === 'PONG',
      30_000,
      'own Redis answering',
    );
  }

  /**
   * `shutdown`: Redis flushes its append-only file and exits (a restart); `kill`: SIGKILL, a crash
   * of the process (what it acknowledged was written to the file, but not necessarily synced).
   */
  async stop(how: 'shutdown' | 'kill' = 'shutdown'): Promise<void> {
    if (how === 'kill') process.kill(this.pid, 'SIGKILL');
    else
      try {
        execFileSync('redis-cli', ['-p', String(this.port), 'shutdown']);
      } catch {
        /* the connection closes as the server exits */
      }
    const pid = this.pid;
    await waitFor(
      async () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      30_000,
      'own Redis stopped',
    );
  }

  /**
   * Cuts `bytes` off the end of the append-only file of a stopped Redis: what a crash of its host
   * loses when the last second was not yet synced (Redis loads a truncated file up to its last
   * whole command).
   */
  loseTail(bytes: number): number {
    const dir = join(this.dir, 'appendonlydir');
    const incr = readdirSync(dir)
      .filter((f) => f.endsWith('.incr.aof'))
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (!incr) throw new Error('no append-only file to cut');
    const size = statSync(incr).size;
    const cut = Math.min(bytes, Math.floor(size / 2));
    truncateSync(incr, size - cut);
    return cut;
  }

  async destroy(): Promise<void> {
    try {
      if (this.pid) process.kill(this.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
