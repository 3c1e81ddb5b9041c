import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, PlatformModule } from '@lib/platform';
import { migrations } from '../../../migrations/index.js';
import { CONTEXT_MODULES, ENTITIES } from '../../contexts.js';

@Module({})
export class WorkerModule {
  /** The worker process: the same platform and contexts as the api, no HTTP. */
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [PlatformModule.forRoot(config, migrations, ENTITIES), ...CONTEXT_MODULES],
    };
  }
}
