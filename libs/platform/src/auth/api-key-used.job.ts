import { Injectable } from '@nestjs/common';
import { type Job, JobHandler } from '../queue/job-handler.js';
import { JobName } from '../queue/jobs.js';
import { ApiKeyService } from './api-key.service.js';

@Injectable()
export class ApiKeyUsedJob {
  constructor(private readonly keys: ApiKeyService) {}

  @JobHandler(JobName.ApiKeyUsed)
  async handle(job: Job<JobName.ApiKeyUsed>): Promise<void> {
    await this.keys.recordUse(job.data.keyId, new Date(job.data.usedAt));
  }
}
