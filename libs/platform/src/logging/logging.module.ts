import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { uuid7 } from '../ids/uuid7.js';
import { PlatformLogger } from './platform-logger.js';

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * A path can carry personal data when a client puts it there (GET /v1/personnel/<id number> by
 * mistake, a probe of /…/<phone>): runs of 7 or more digits (phones, citizen ids) are masked.
 * UUIDs keep their digits: a run inside or beside hex letters and hyphens is left alone.
 */
const DIGIT_RUN = /(?<![0-9A-Fa-f-])\d{7,}[Xx]?(?![0-9A-Fa-f-])/g;
export const loggablePath = (url: string): string => {
  const path = url.split('?')[0]!;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    /* malformed escapes: mask the raw path */
  }
  return decoded.replace(DIGIT_RUN, '[masked]');
};

/**
 * pino JSON logs with a request id on every line of a request (X-Request-Id is honoured when it
 * looks like an id, and echoed back). Requests are logged by method, path and status only:
 * never headers (keys), bodies or query strings (they can carry id numbers and phone numbers).
 * A request that succeeded is logged at debug (at the default info one line per request buried the
 * start-up output, issue 19); a 4xx at warn and a 5xx or a failure at error, so those always show.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Synchronous writes: the last lines before an exit (shutdown, a fatal error) are never lost.
        pinoHttp: [
          {
            level: config.log.level,
            genReqId: (req: IncomingMessage, res: ServerResponse) => {
              const given = req.headers['x-request-id'];
              const id = typeof given === 'string' && INCOMING_ID.test(given) ? given : uuid7();
              res.setHeader('X-Request-Id', id);
              return id;
            },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                path: loggablePath(req.url),
              }),
              res: (res: { statusCode: number }) => ({ status: res.statusCode }),
            },
            customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug',
            autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
            redact: { paths: ['req.headers', 'res.headers', '*.authorization', '*.idNumber', '*.phone'], remove: true },
          },
          pino.destination({ fd: 1, sync: true }),
        ],
      }),
    }),
  ],
  providers: [PlatformLogger],
  exports: [PlatformLogger],
})
export class LoggingModule {}
