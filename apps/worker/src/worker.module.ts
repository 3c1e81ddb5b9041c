import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, PlatformModule } from '@lib/platform';
import { LedgerModule } from '@lib/ledger';
import { RegistryModule } from '@lib/registry';
import { migrations } from '../../../migrations/index.js';

@Module({})
export class WorkerModule {
  /** The worker process: the same platform and contexts as the api, no HTTP. */
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [PlatformModule.forRoot(config, migrations), RegistryModule, LedgerModule],
    };
  }
}
