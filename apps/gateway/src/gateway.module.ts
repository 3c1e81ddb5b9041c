import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, PlatformModule } from '@lib/platform';
import { migrations } from '../../../migrations/index.js';
import { CONTEXT_MODULES, ENTITIES } from '../../contexts.js';

@Module({})
export class GatewayModule {
  /** The gateway process: the platform and the contexts (for the ingest path and the registry), no HTTP. */
  static register(config: AppConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.forRoot(config, migrations, ENTITIES), ...CONTEXT_MODULES],
    };
  }
}
