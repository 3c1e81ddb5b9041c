import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, addDays, type Job, JobHandler, JobName, JobQueue } from '@lib/platform';
import { FixesRepository } from './fixes.repository.js';

/**
 * Daily partitions of the fixes table: the next week is always created ahead; partitions older
 * than the retention are dropped whole (cheap, no vacuum). Runs at start and every six hours.
 */
@Injectable()
export class FixPartitionsJob implements OnApplicationBootstrap {
  private readonly log = new Logger('FixPartitions');

  constructor(
    private readonly fixes: FixesRepository,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue
      .enqueue(JobName.FixPartitions, {}, { jobId: `fix-partitions-${new Date().toISOString().slice(0, 13)}` })
      .catch(() => undefined);
  }

  @JobHandler(JobName.FixPartitions)
  async run(_job: Job<JobName.FixPartitions>): Promise<void> {
    const today = new Date().toISOString().slice(0, 10);
    const days = Array.from({ length: 9 }, (_, i) => addDays(today, i - 1));
    const created = await this.fixes.ensurePartitions(days);
    const dropped = await this.fixes.dropBefore(addDays(today, -this.config.telematics.fixRetentionDays));
    if (created.length || dropped.length) this.log.log({ created, dropped }, 'fix partitions maintained');
  }
}
