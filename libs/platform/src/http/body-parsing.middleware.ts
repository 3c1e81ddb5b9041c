import { isUtf8 } from 'node:buffer';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { sendProblem, toProblem } from '../errors/problem.filter.js';
import { DomainError } from '../errors/domain-error.js';

/** Content types a request body may have. CSV is accepted for bulk imports. */
const JSON_TYPES = ['application/json', 'application/*+json'];
const TEXT_TYPES = ['text/csv'];

/**
 * body-parser decodes invalid UTF-8 into U+FFFD and carries on, so a name with a broken byte would
 * be stored mangled. Refuse such a body instead (RFC 8259 §8.1: JSON exchanged is UTF-8).
 */
function assertUtf8(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) {
    throw Object.assign(new Error('invalid UTF-8'), { type: 'entity.invalid.utf8' });
  }
}

/**
 * The deepest nesting of arrays and objects a JSON body may have. Our deepest legitimate body (a
 * FeatureCollection of MultiPolygons) nests 8 levels. JSON.parse copes with 10,000 levels, but
 * class-transformer and the GeoJSON checks recurse once per level and overflow the stack (500).
 */
export const MAX_JSON_DEPTH = 32;

/** Whether the parsed value nests deeper than `max`; iterative, so a hostile depth cannot overflow it. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) stack.push([child, depth + 1]);
  }
  return false;
}

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
    case 'entity.invalid.utf8':
      return new DomainError('INVALID_UTF8', 400, 'the request body is not valid UTF-8');
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
    // inflate: false: a compressed body is refused (415), as the problem for it says.
    const common = { limit: config.http.bodyLimit, inflate: false, verify: assertUtf8 };
    this.json = bodyParser.json({ ...common, strict: true, type: JSON_TYPES });
    this.text = bodyParser.text({ ...common, type: TEXT_TYPES, defaultCharset: 'utf-8' });
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
      else if (nestsDeeperThan(req.body, MAX_JSON_DEPTH)) {
        const deep = new DomainError(
          'BODY_TOO_DEEP',
          400,
          `the request body nests deeper than ${MAX_JSON_DEPTH} levels`,
        );
        sendProblem(res, toProblem(deep, req.path, req.id));
      } else next();
    });
  }
}
