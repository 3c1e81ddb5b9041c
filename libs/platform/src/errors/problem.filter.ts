import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

const problemType = (code: string): string => `urn:hazchem:problem:${code.toLowerCase().replace(/_/g, '-')}`;

/** Maps a PostgreSQL error to a client problem without echoing SQL or values. */
function fromDatabase(err: QueryFailedError): DomainError | null {
  const driverError = err.driverError as { code?: string; detail?: string; constraint?: string; column?: string };
  const columns = /Key \(([^)]+)\)/.exec(driverError.detail ?? '')?.[1];
  const fields = columns
    ? columns
        .split(',')
        .map((c) => camel(c.trim().replace(/^lower\((.*)\)$/, '$1')))
        .join(', ')
    : (driverError.constraint ?? 'a unique field');
  switch (driverError.code) {
    case '23505':
      return new DomainError('DUPLICATE', 409, `a record with the same ${fields} already exists`, { field: fields });
    case '23503':
      return new DomainError('REFERENCE_NOT_FOUND', 422, `${fields} refers to a record that does not exist`, {
        field: fields,
      });
    case '23514':
      return new DomainError('CHECK_FAILED', 422, `a value breaks the rule ${driverError.constraint ?? ''}`.trim());
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new DomainError('INVALID_VALUE', 400, 'a value has the wrong format or is out of range');
    case '40001':
    case '40P01':
      return new DomainError('RETRY', 503, 'the request collided with a concurrent one; retry it', { retryable: true });
    default:
      return null;
  }
}

/**
 * What of an unexpected error may be logged: never SQL parameters or a constraint's detail (they
 * can hold id numbers or phone numbers), only the kind, the message and where it came from.
 */
export function safeError(exception: unknown): Record<string, unknown> {
  if (!(exception instanceof Error)) return { message: String(exception) };
  const driverError = (exception as { driverError?: { code?: string; message?: string } }).driverError;
  return {
    type: exception.name,
    message: driverError?.message ?? exception.message.split('\n')[0],
    ...(driverError?.code ? { sqlState: driverError.code } : {}),
    stack: exception.stack?.split('\n').slice(1, 8).join('\n'),
  };
}

/** SQLSTATEs of a database that is restarting, shutting down or unreachable (class 08, 57P01–57P03). */
const UNAVAILABLE_STATES = /^(08...|57P0[123])$/;
/** Socket errors of a lost or refused database connection (node-postgres passes them on as they are). */
const UNAVAILABLE_SOCKET = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTCONN)$/;
const UNAVAILABLE_MESSAGE = /Connection terminated|connection timeout|Client has encountered a connection error/i;

/** The database cannot be reached (a restart, a failover): the client should retry, not give up. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: unknown; driverError?: { code?: unknown; message?: unknown } };
  const code = String(e.driverError?.code ?? e.code ?? '');
  return (
    UNAVAILABLE_STATES.test(code) ||
    UNAVAILABLE_SOCKET.test(code) ||
    UNAVAILABLE_MESSAGE.test(String(e.driverError?.message ?? e.message))
  );
}

export class DatabaseUnavailable extends DomainError {
  readonly retryAfterSeconds = 1;
  constructor() {
    super('DATABASE_UNAVAILABLE', 503, 'the database cannot be reached now; retry', { retryable: true });
  }
}

export function toProblem(exception: unknown, instance?: string, requestId?: string): ProblemBody {
  let error: DomainError | null = null;
  if (exception instanceof DomainError) error = exception;
  else if (isDatabaseUnavailable(exception)) error = new DatabaseUnavailable();
  else if (exception instanceof QueryFailedError) error = fromDatabase(exception);
  else if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    const code = (STATUS_CODES[status] ?? 'Error').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
    error = new DomainError(
      code,
      status,
      status === 404 && message.startsWith('Cannot ') ? `no route ${message.slice(7)}` : message,
    );
  }
  if (!error)
    error = new DomainError('INTERNAL', 500, 'an internal error occurred; it has been logged with the request id');
  const { code, status, detail, extensions } = error;
  return {
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...extensions,
  };
}

export function sendProblem(res: Response, problem: ProblemBody, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The only place errors become responses: every error body is RFC 9457 problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly log = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const problem = toProblem(exception, req.path, req.id);
    if (problem.status >= 500) {
      this.log.error({ err: safeError(exception), code: problem.code, requestId: req.id }, 'request failed');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const headers: Record<string, string> = {};
    const retryAfter =
      problem.code === 'DATABASE_UNAVAILABLE' ? 1 : (exception as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
    sendProblem(res, problem, headers);
  }
}
