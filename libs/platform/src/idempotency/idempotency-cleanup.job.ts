import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { type Job, JobHandler } from '../queue/job-handler.js';
import { JobName } from '../queue/jobs.js';

/** Idempotency keys are honoured for 24 hours (what clients retry within); older ones are dropped. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

@Injectable()
export class IdempotencyCleanupJob {
  constructor(private readonly db: Database) {}

  @JobHandler(JobName.IdempotencyCleanup)
  async run(_job: Job<JobName.IdempotencyCleanup>): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [
      IDEMPOTENCY_RETENTION_HOURS,
    ]);
  }
}
