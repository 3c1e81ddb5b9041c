import { Injectable } from '@nestjs/common';
import { type Job, JobHandler, JobName } from '@lib/platform';
import { AuditRunService } from './audit-run.service.js';

/** The job that runs an audit. */
@Injectable()
export class AuditRunJob {
  constructor(private readonly runs: AuditRunService) {}

  @JobHandler(JobName.AuditRun)
  run(job: Job<JobName.AuditRun>): Promise<void> {
    return this.runs.run(job.data.auditId);
  }
}
