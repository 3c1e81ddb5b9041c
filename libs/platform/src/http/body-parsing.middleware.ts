import { isUtf8 } from 'node:buffer';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import bodyParser from 'body-parser';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { sendProblem, toProblem } from '../errors/problem.filter.js';
import { DomainError, type ProblemItem, ValidationFailed } from '../errors/domain-error.js';

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

const pathOf = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

/**
 * What no JSON body may hold, whatever its route: nesting deeper than MAX_JSON_DEPTH, and U+0000
 * in a string or a key (PostgreSQL cannot store it in text or jsonb: it failed as a 500). Iterative,
 * so that a hostile depth cannot overflow this check either.
 */
export function bodyProblem(value: unknown): DomainError | null {
  if (typeof value === 'string') {
    return value.includes('\0')
      ? new ValidationFailed([{ path: 'body', rule: 'noNulCharacter', message: 'the body must not contain U+0000' }])
      : null;
  }
  const nul: ProblemItem[] = [];
  const stack: Array<[unknown, number, string]> = [[value, 0, '']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) nul.push({ path, rule: 'noNulCharacter', message: `${path} must not contain U+0000` });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > MAX_JSON_DEPTH) {
      return new DomainError('BODY_TOO_DEEP', 400, `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
    for (const [key, child] of entries) {
      const at = pathOf(path, key);
      if (typeof key === 'string' && key.includes('\0')) {
        nul.push({ path: at, rule: 'noNulCharacter', message: 'a field name must not contain U+0000' });
      }
      stack.push([child, depth + 1, at]);
    }
  }
  return nul.length > 0 ? new ValidationFailed(nul.toReversed()) : null;
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
      else {
        const problem = bodyProblem(req.body);
        if (problem) sendProblem(res, toProblem(problem, req.path, req.id));
        else next();
      }
    });
  }
}
