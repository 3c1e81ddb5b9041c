import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort, type Spawned, spawnEntry, waitFor } from '../../support/processes.js';
import { OwnPostgres, OwnRedis } from './own-stores.js';

const API = 'dist/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/src/main.js';
const RECEIVER = 'test/system/support/receiver.mjs';

export interface Service {
  name: string;
  port: number;
  base: string;
  proc: Spawned;
}

export interface ReceivedDelivery {
  at: number;
  idempotencyKey: string | null;
  signature: string | null;
  raw: string;
  body: { id: string; type: string; cursor: string; sequence: number; data: Record<string, unknown> };
}

/**
 * One scenario's whole system as real processes: its own PostgreSQL and Redis, api and worker
 * processes started from the built entry points, and an agency's webhook receiver. Every
 * process's output is kept (also of those killed) for the log checks.
 */
export class Rig {
  readonly pg = new OwnPostgres();
  readonly redis = new OwnRedis();
  readonly adminKey = `hc_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  readonly apis: Service[] = [];
  readonly workers: Service[] = [];
  private readonly all: Spawned[] = [];
  dbUrl = '';
  receiverPort = 0;
  private receiver: Spawned | null = null;
  readonly receiverLog: string;

  private constructor(private readonly extraEnv: Record<string, string>) {
    this.receiverLog = join(this.redis.dir, 'received.jsonl');
  }

  static async start(options: { apis?: number; workers?: number; env?: Record<string, string> } = {}): Promise<Rig> {
    const rig = new Rig(options.env ?? {});
    await rig.pg.init();
    await rig.redis.init();
    rig.dbUrl = await rig.pg.createDatabase('hc');
    rig.receiverPort = await freePort();
    // The first api migrates the database; the others start on it at once.
    await rig.startApi();
    await Promise.all([
      ...Array.from({ length: (options.apis ?? 1) - 1 }, () => rig.startApi()),
      ...Array.from({ length: options.workers ?? 1 }, () => rig.startWorker()),
    ]);
    return rig;
  }

  env(): Record<string, string> {
    return {
      DATABASE_URL: this.dbUrl,
      REDIS_URL: this.redis.url,
      QUEUE_PREFIX: 'sys',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: this.adminKey,
      SHUTDOWN_GRACE_MS: '3000',
      // A receiver that was down is tried again within 10 s of its return (the default cap is 30 min).
      WEBHOOK_RETRY_CAP_MS: '10000',
      ...this.extraEnv,
    };
  }

  get bases(): string[] {
    return this.apis.map((a) => a.base);
  }

  async startApi(port?: number): Promise<Service> {
    const p = port ?? (await freePort());
    const proc = spawnEntry(API, { ...this.env(), PORT: String(p) });
    this.all.push(proc);
    const service = { name: `api-${this.apis.length}`, port: p, base: `http://127.0.0.1:${p}`, proc };
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`api exited: ${proc.output()}`);
        return (await fetch(`${service.base}/health`)).status === 200;
      },
      90_000,
      'api health 200',
    );
    this.apis.push(service);
    return service;
  }

  async startWorker(): Promise<Service> {
    const proc = spawnEntry(WORKER, this.env());
    this.all.push(proc);
    await waitFor(async () => proc.output().includes('consuming jobs'), 90_000, 'worker consuming');
    const service = { name: `worker-${this.workers.length}`, port: 0, base: '', proc };
    this.workers.push(service);
    return service;
  }

  /** Kills a process (SIGKILL by default: no clean-up at all) and forgets it. */
  async kill(service: Service, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    service.proc.child.kill(signal);
    await service.proc.exited;
    for (const list of [this.apis, this.workers]) {
      const i = list.indexOf(service);
      if (i >= 0) list.splice(i, 1);
    }
  }

  /** The agency's receiver, answering every delivery after `delayMs`. */
  async startReceiver(delayMs = 0): Promise<void> {
    const proc = spawnEntry(RECEIVER, {
      RECEIVER_PORT: String(this.receiverPort),
      LOG_FILE: this.receiverLog,
      RECEIVER_DELAY_MS: String(delayMs),
    });
    this.receiver = proc;
    await waitFor(async () => proc.output().includes('listening'), 15_000, 'receiver listening');
  }

  async stopReceiver(): Promise<void> {
    if (!this.receiver) return;
    this.receiver.child.kill('SIGKILL');
    await this.receiver.exited;
    this.receiver = null;
  }

  get receiverUrl(): string {
    return `http://127.0.0.1:${this.receiverPort}/hazchem/events`;
  }

  received(): ReceivedDelivery[] {
    if (!existsSync(this.receiverLog)) return [];
    return readFileSync(this.receiverLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const d = JSON.parse(l) as Omit<ReceivedDelivery, 'body'>;
        return { ...d, body: JSON.parse(d.raw) as ReceivedDelivery['body'] };
      });
  }

  /** One query on a fresh connection (the scenario restarts the server under long-lived ones). */
  async query<T extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.dbUrl });
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  }

  /** Fixes appended to the stream and not yet consumed by a worker. */
  async pendingFixes(): Promise<number> {
    const redis = new Redis(this.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      const lengths = await Promise.all(Array.from({ length: 16 }, (_, s) => redis.llen(`sys:stream:fixes:${s}`)));
      return lengths.reduce((a, b) => a + b, 0);
    } finally {
      redis.disconnect();
    }
  }

  /** Everything every process of the scenario printed (also the killed ones). */
  output(): string {
    return this.all.map((p) => p.output()).join('\n');
  }

  async close(): Promise<void> {
    for (const p of [...this.all, ...(this.receiver ? [this.receiver] : [])]) p.child.kill('SIGKILL');
    await Promise.all(this.all.map((p) => p.exited));
    await this.stopReceiver();
    this.pg.destroy();
    await this.redis.destroy();
  }
}
