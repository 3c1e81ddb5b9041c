import { Type, plainToInstance } from 'class-transformer';
import * as v from 'class-validator';
import { PageQuery } from './pagination.js';

// PageQuery as it was written before PageLimit and PageCursor: the composed decorators must give
// the same messages, in the same order, as the stacked ones.
class StackedPageQuery {
  @v.IsOptional()
  @Type(() => Number)
  @v.IsInt()
  @v.Min(1)
  @v.Max(500)
  limit?: number;

  @v.IsOptional()
  @v.Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor returned by a previous page' })
  cursor?: string;
}

const messages = async (cls: new () => object, query: { limit?: string; cursor?: string }): Promise<string[]> =>
  (await v.validate(plainToInstance(cls, query))).flatMap((e) => Object.values(e.constraints ?? {}));

describe('PageQuery', () => {
  it.each([
    {},
    { limit: '50' },
    { limit: '0' },
    { limit: '501' },
    { limit: 'ten' },
    { limit: '2.5' },
    { cursor: 'a b' },
  ])('answers %j as the stacked decorators did', async (query) => {
    expect(await messages(PageQuery, query)).toEqual(await messages(StackedPageQuery, query));
  });

  it('refuses a limit past 500 and a cursor that is not one', async () => {
    expect(await messages(PageQuery, { limit: '501', cursor: 'a b' })).toEqual([
      'limit must not be greater than 500',
      'cursor must be a cursor returned by a previous page',
    ]);
  });
});
