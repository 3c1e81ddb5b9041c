import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger as NestLogger } from '@nestjs/common';
import helmet from 'helmet';
import {
  type AppConfig,
  ApiKeyService,
  createValidationPipe,
  JobRunner,
  ProblemFilter,
  PlatformLogger,
} from '@lib/platform';
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
  app.useLogger(app.get(PlatformLogger));
  app.disable('x-powered-by');
  app.use(helmet());
  app.enableCors(config.http.corsOrigins.length > 0 ? { origin: config.http.corsOrigins } : { origin: false });
  serveConsole(app, config);
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

/** Where the built console is: beside the compiled app (dist/console), or under dist/ when run from source (tests). */
function consoleDir(): string | null {
  const candidates = [
    fileURLToPath(new URL('../../../console/', import.meta.url)),
    join(process.cwd(), 'dist', 'console'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** Whether this process serves the map console at /console/ (it is built into dist/console). */
export function servesConsole(): boolean {
  return consoleDir() !== null;
}

/**
 * The map console at /console: static files, its config (the base map), and a CSP that lets
 * mapbox-gl run its worker and reach only this origin and the configured tile server.
 */
function serveConsole(app: NestExpressApplication, config: AppConfig): void {
  const dir = consoleDir();
  if (!dir) {
    new NestLogger('Console').warn('dist/console is missing (run npm run build): /console is not served');
    return;
  }
  const tiles = config.console.tileUrl ? new URL(config.console.tileUrl.replace(/\{[a-z]\}/g, '0')).origin : null;
  const extra = tiles ? [tiles] : [];
  app.use(
    '/console',
    helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        imgSrc: ["'self'", 'data:', 'blob:', ...extra],
        connectSrc: ["'self'", ...extra],
        styleSrc: ["'self'", "'unsafe-inline'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        baseUri: ["'self'"],
      },
    }),
  );
  app.use((req: import('express').Request, res: import('express').Response, next: () => void) =>
    req.path === '/console' ? res.redirect(301, '/console/') : next(),
  );
  app.use('/console/config.json', (_req: unknown, res: import('express').Response) =>
    res.json({
      tileUrl: config.console.tileUrl,
      attribution: config.console.attribution,
      center: [120.3, 31.57],
      zoom: 10,
    }),
  );
  app.useStaticAssets(dir, { prefix: '/console/', index: 'index.html', maxAge: '1h' });
}

/** Creates the first admin key on an empty database; returns it for printing once, or null. */
export function bootstrapAdminKey(app: NestExpressApplication): Promise<string | null> {
  return app.get(ApiKeyService).bootstrapAdmin();
}
