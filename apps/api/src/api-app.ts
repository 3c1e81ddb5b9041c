import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { type AppConfig, ApiKeyService, createValidationPipe, JobRunner, ProblemFilter } from '@lib/platform';
import { ApiModule } from './api.module.js';

export interface ApiAppOptions {
  /** Run the worker's job handlers in this process (always so on the in-process queue). */
  consumeJobs: boolean;
  /** Extra modules mounted beside the contexts (tests mount probes this way). */
  imports?: DynamicModule[];
}

export const API_DESCRIPTION = `Hazardous chemicals full-lifecycle tracking for Wuxi: registry, lifecycle ledger,
e-waybills (电子运单), tanker geofencing, multi-agency exchange and inventory audits.

Authenticate with \`Authorization: Bearer <API key>\`. Every error is application/problem+json (RFC 9457)
with a stable \`code\`; validation errors list each bad field in \`errors: [{path, message, rule}]\`.
Times are UTC ISO 8601; coordinates WGS-84 [lon, lat]; quantities in kilograms.`;

/** Builds the HTTP application exactly as it runs in production; tests use the same function. */
export async function createApiApp(config: AppConfig, options: ApiAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.register(config, options.imports), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.use(helmet());
  app.enableCors(config.http.corsOrigins.length > 0 ? { origin: config.http.corsOrigins } : { origin: false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Hazardous chemicals lifecycle tracking')
      .setDescription(API_DESCRIPTION)
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key: hc_<key id>_<secret>' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });

  await app.init();
  // Keep idle connections longer than the usual 60 s load-balancer timeout, so the server never
  // closes a socket a client is just reusing (the race shows up as ECONNRESET on the client).
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  if (options.consumeJobs || config.queue.kind === 'in-process') await app.get(JobRunner).start();
  return app;
}

/** Creates the first admin key on an empty database; returns it for printing once, or null. */
export function bootstrapAdminKey(app: NestExpressApplication): Promise<string | null> {
  return app.get(ApiKeyService).bootstrapAdmin();
}
