import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { JobQueue } from '../queue/job-queue.js';
import { runWithTimeout } from '../queue/run-with-timeout.js';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checkedAt: string;
  database: { up: boolean; kind: 'postgres' | 'pglite'; latencyMs?: number; detail?: string };
  queue: { up: boolean; transport: 'bullmq' | 'in-process'; detail?: string };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: Database,
    private readonly queue: JobQueue,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, queue] = await Promise.all([this.database(), this.queue.health()]);
    return {
      status: database.up && queue.up ? 'ok' : 'unavailable',
      checkedAt: new Date().toISOString(),
      database,
      queue,
    };
  }

  private async database(): Promise<HealthReport['database']> {
    const started = performance.now();
    try {
      await runWithTimeout(this.db.dataSource.query('SELECT 1'), 2000, 'database ping');
      return { up: true, kind: this.db.driverKind, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (err) {
      return {
        up: false,
        kind: this.db.driverKind,
        detail: err instanceof Error ? err.message.split('\n')[0] : 'unreachable',
      };
    }
  }
}
