import { Injectable, type NestMiddleware } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { sendProblem, toProblem } from '../errors/problem.filter.js';
import { DomainError } from '../errors/domain-error.js';

/** Content types a request body may have. CSV is accepted for bulk imports. */
const JSON_TYPES = ['application/json', 'application/*+json'];
const TEXT_TYPES = ['text/csv'];

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** Maps body-parser's errors (size, syntax, charset) to problems without echoing the body. */
function parserProblem(err: { type?: string; status?: number; limit?: number }): DomainError {
  switch (err.type) {
    case 'entity.too.large':
      return new DomainError(
        'BODY_TOO_LARGE',
        413,
        `the request body is larger than the limit of ${err.limit ?? '?'} bytes`,
      );
    case 'entity.parse.failed':
      return new DomainError('MALFORMED_JSON', 400, 'the request body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new DomainError('UNSUPPORTED_ENCODING', 415, 'the request body must be UTF-8 and not compressed');
    default:
      return new DomainError('BAD_BODY', err.status ?? 400, 'the request body could not be read');
  }
}

/**
 * Parses request bodies after the request logger has given the request its id, so that even a
 * body the parser refuses gets a problem+json answer with that id. Bodies of any other type are
 * refused with 415 rather than silently ignored.
 */
@Injectable()
export class BodyParsingMiddleware implements NestMiddleware {
  private readonly json: ReturnType<typeof bodyParser.json>;
  private readonly text: ReturnType<typeof bodyParser.text>;

  constructor(config: AppConfig) {
    this.json = bodyParser.json({ limit: config.http.bodyLimit, strict: true, type: JSON_TYPES });
    this.text = bodyParser.text({ limit: config.http.bodyLimit, type: TEXT_TYPES, defaultCharset: 'utf-8' });
  }

  use(req: Request & { id?: string }, res: Response, next: NextFunction): void {
    if (!hasBody(req) || req.method === 'GET' || req.method === 'HEAD') {
      next();
      return;
    }
    const type = req.headers['content-type'] ?? '';
    const parser = /^application\/([\w.+-]+\+)?json\b/i.test(type)
      ? this.json
      : /^text\/csv\b/i.test(type)
        ? this.text
        : null;
    if (!parser) {
      sendProblem(
        res,
        toProblem(
          new DomainError(
            'UNSUPPORTED_MEDIA_TYPE',
            415,
            `send the body as application/json${type ? ` (got ${type.split(';')[0]})` : ''}`,
          ),
          req.path,
          req.id,
        ),
      );
      return;
    }
    parser(req, res, (err?: unknown) => {
      if (err) sendProblem(res, toProblem(parserProblem(err as { type?: string }), req.path, req.id));
      else next();
    });
  }
}
