import { Injectable } from '@nestjs/common';
import { JobHandler, JobName } from '@lib/platform';
import { ChainIntegrityService } from './chain-integrity.service.js';

/**
 * integrity.checkpoint after each local hour and each local day (Asia/Shanghai): the run looks
 * every few minutes and publishes what is due; the id derives from the period, so a repeated or
 * concurrent run publishes nothing twice. A run that fails throws, and the queue retries it.
 */
@Injectable()
export class ChainCheckpointJob {
  constructor(private readonly chains: ChainIntegrityService) {}

  @JobHandler(JobName.ChainCheckpoint)
  async run(): Promise<void> {
    await this.chains.publishDue(new Date());
  }
}
