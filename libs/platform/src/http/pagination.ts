import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { ValidationFailed } from '../errors/domain-error.js';

/**
 * `limit` of a list route: optional, a whole number from 1 to `max` (PageQuery's is 500; a route
 * whose items are large takes a smaller page). Listed in the order stacked decorators would apply,
 * so that validation messages keep their order.
 */
export function PageLimit(max: number, byDefault: number, description = `Items per page (1 to ${max}).`) {
  return applyDecorators(
    v.Max(max),
    v.Min(1),
    v.IsInt(),
    Type(() => Number),
    v.IsOptional(),
    ApiPropertyOptional({ description, minimum: 1, maximum: max, default: byDefault, example: byDefault }),
  );
}

/** `cursor` of a list route: the opaque nextCursor of the page before. */
export function PageCursor() {
  return applyDecorators(
    v.Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor returned by a previous page' }),
    v.IsOptional(),
    ApiPropertyOptional({ description: "Opaque cursor from the previous page's nextCursor." }),
  );
}

/** Query parameters every list route accepts. */
export class PageQuery {
  @PageLimit(500, 50) limit?: number;
  @PageCursor() cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as ?cursor= to read the next page; null on the last page. */
  nextCursor: string | null;
}

/** Cursors wrap the sort key of the last item; opaque to clients. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, check: (k: unknown) => k is T): T | null {
  if (!cursor) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(key)) return key;
  } catch {
    /* fall through */
  }
  throw new ValidationFailed([{ path: 'cursor', rule: 'cursor', message: 'cursor is not one this list returned' }]);
}

export const isUuidString = (k: unknown): k is string =>
  typeof k === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(k);

/**
 * One page of a list keyed by id, newest or oldest first as the repository sorts: `read` gets the
 * id to start after (from the cursor) and one row more than the page, so the page knows whether
 * another follows.
 */
export async function pageById<T extends { id: string }>(
  q: PageQuery,
  read: (window: { after: string | null; limit: number }) => Promise<T[]>,
): Promise<Page<T>> {
  const limit = q.limit ?? 50;
  const rows = await read({ after: decodeCursor(q.cursor, isUuidString), limit: limit + 1 });
  return toPage(rows, limit, (row) => row.id);
}

/** Builds a page from `limit + 1` fetched rows keyed by `key`. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => unknown): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(key(items[items.length - 1]!)) : null };
}
