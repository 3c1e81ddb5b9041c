import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  type NestInterceptor,
  RequestMethod,
} from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import { Database } from '../database/database.js';
import { DomainError, ValidationFailed } from '../errors/domain-error.js';
import { SHOWN_ONCE_METADATA, type ShownOnceField, withoutSecret } from './shown-once.js';

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Idempotency-Key on every write: the first request with a key runs, inside one transaction with
 * the record of its answer; a retry with the same key (same caller, same request) gets that
 * answer again instead of a second effect. A request that failed left nothing behind, so its
 * retry runs anew. Reusing a key for a different request is refused. A secret the answer shows
 * once (@ShownOnce) is not kept: the replay says it was withheld.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly db: Database) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const key = req.headers['idempotency-key'];
    if (!WRITES.has(req.method) || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new ValidationFailed([
        {
          path: 'Idempotency-Key',
          rule: 'idempotencyKey',
          message: 'Idempotency-Key must be 1 to 200 letters, digits or . _ : -',
        },
      ]);
    }
    const res = context.switchToHttp().getResponse<Response>();
    const owner = req.principal?.keyId ?? 'anonymous';
    const fingerprint = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');
    const handler = context.getHandler();
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
      ((Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod) === RequestMethod.POST
        ? HttpStatus.CREATED
        : HttpStatus.OK);
    const shownOnce = Reflect.getMetadata(SHOWN_ONCE_METADATA, handler) as ShownOnceField | undefined;
    return from(
      this.db.transaction(async () => {
        const inserted = await this.db.query<{ key: string }>(
          `INSERT INTO idempotency_keys (owner, key, fingerprint, created_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING RETURNING key`,
          [owner, key, fingerprint],
        );
        if (inserted.length === 0) {
          // Another request with this key committed first (a concurrent one waited for it here).
          const [row] = await this.db.query<{ fingerprint: string; status: number | null; response: unknown }>(
            'SELECT fingerprint, status, response FROM idempotency_keys WHERE owner = $1 AND key = $2',
            [owner, key],
          );
          if (row!.fingerprint !== fingerprint) {
            throw new DomainError(
              'IDEMPOTENCY_KEY_REUSED',
              422,
              'this Idempotency-Key was used for a different request',
            );
          }
          res.status(row!.status ?? status);
          res.setHeader('Idempotent-Replayed', 'true');
          return row!.response;
        }
        const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
        // A handler may answer otherwise than its route's default (202 when a change was filed for
        // confirmation): the replay gives the status the first answer had.
        const answered = res.statusCode !== HttpStatus.OK ? res.statusCode : status;
        await this.db.query('UPDATE idempotency_keys SET status = $3, response = $4 WHERE owner = $1 AND key = $2', [
          owner,
          key,
          answered,
          JSON.stringify(withoutSecret(result, shownOnce) ?? null),
        ]);
        return result;
      }),
    );
  }
}
