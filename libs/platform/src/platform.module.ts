import { type DynamicModule, Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { IdempotencyCleanupJob } from './idempotency/idempotency-cleanup.job.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { AccessLog } from './access/access-log.service.js';
import { AccessLogRepository } from './access/access-log.repository.js';
import { ChainKeys } from './anchoring/chain-keys.js';
import { CheckpointRepository } from './anchoring/checkpoint.repository.js';
import { Checkpoints } from './anchoring/checkpoints.service.js';
import { AuthModule } from './auth/auth.module.js';
import { BackgroundLoops } from './queue/background-loops.js';
import { AppConfig } from './config/app-config.js';
import { ApiKeyEntity } from './auth/api-key.entity.js';
import { closeDataSource, DatabaseModule, type EntityClass, type MigrationClass } from './database/database.module.js';
import { FilingEntity } from './filings/filing.entity.js';
import { FilingsModule } from './filings/filings.module.js';
import { HealthService } from './health/health.service.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsService } from './metrics/metrics.service.js';
import { OutboxEntity } from './outbox/outbox.entity.js';
import { Outbox } from './outbox/outbox.js';
import { JobQueue } from './queue/job-queue.js';
import { QueueModule } from './queue/queue.module.js';
import { ShardedStreams } from './queue/streams.js';

/**
 * Closes what the process holds, in order, after the HTTP server has drained (Nest closes the
 * server before shutdown hooks): first the queue (running jobs finish), then the database.
 */
class PlatformLifecycle implements OnApplicationShutdown {
  private readonly log = new Logger('Lifecycle');
  constructor(
    @Inject(BackgroundLoops) private readonly loops: BackgroundLoops,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(ShardedStreams) private readonly streams: ShardedStreams,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.loops.stop();
    await this.streams.close();
    await this.queue.close();
    this.log.log('queue closed');
    await closeDataSource(this.dataSource).catch((err: unknown) =>
      this.log.error({ err: String(err) }, 'closing the database failed'),
    );
    this.log.log('database closed');
  }
}

/** The platform's own TypeORM entities; each context exports its list beside it (REGISTRY_ENTITIES, …). */
export const PLATFORM_ENTITIES: EntityClass[] = [OutboxEntity, ApiKeyEntity, FilingEntity];

@Global()
@Module({})
export class PlatformModule {
  /**
   * Everything technical a process needs; the apps add the bounded contexts, and give the
   * migrations and every context's entities (the list in apps/contexts.ts).
   */
  static forRoot(config: AppConfig, migrations: MigrationClass[], entities: EntityClass[]): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        {
          module: ConfigHolderModule,
          providers: [{ provide: AppConfig, useValue: config }],
          exports: [AppConfig],
          global: true,
        },
        DatabaseModule.forRoot(migrations, entities),
        QueueModule,
        LoggingModule,
        AuthModule,
        FilingsModule,
      ],
      providers: [
        MetricsService,
        HealthService,
        PlatformLifecycle,
        Outbox,
        IdempotencyCleanupJob,
        AccessLogRepository,
        AccessLog,
        ChainKeys,
        CheckpointRepository,
        Checkpoints,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [MetricsService, HealthService, AuthModule, FilingsModule, Outbox, AccessLog, ChainKeys, Checkpoints],
    };
  }
}

@Module({})
class ConfigHolderModule {}
