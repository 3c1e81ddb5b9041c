import {
  type DynamicModule,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type BeforeApplicationShutdown,
  RequestMethod,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { AppConfig, BodyParsingMiddleware, HttpMetricsMiddleware, PlatformModule } from '@lib/platform';
import { migrations } from '../../../migrations/index.js';
import { CONTEXT_MODULES, ENTITIES } from '../../contexts.js';
import { SystemController } from './system.controller.js';

/**
 * Requests still open when the grace period ends (a stuck client, a long stream) are cut so that
 * a SIGTERM always ends the process; requests that finish in time are answered normally.
 */
@Injectable()
class HttpDrain implements BeforeApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    // Keep-alive connections that go idle after their last answer are closed as soon as they do.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    idle.unref();
    server.once('close', () => clearInterval(idle));
    setTimeout(() => server.closeAllConnections(), this.config.shutdownGraceMs).unref();
  }
}

@Module({})
export class ApiModule implements NestModule {
  /** The HTTP process: platform, bounded contexts, system routes. */
  static register(config: AppConfig, extra: DynamicModule[] = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forRoot(config, migrations, ENTITIES), ...CONTEXT_MODULES, ...extra],
      controllers: [SystemController],
      providers: [HttpDrain, BodyParsingMiddleware, HttpMetricsMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(HttpMetricsMiddleware, BodyParsingMiddleware)
      .forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
