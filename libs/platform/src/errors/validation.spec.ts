import type { ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import type { ValidationFailed } from './domain-error.js';
import { createValidationPipe, flattenValidationErrors } from './validation.js';

const error = (
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError => ({
  property,
  constraints,
  children,
});

describe('flattenValidationErrors', () => {
  it('writes JSON paths with indexes for arrays and dots for objects', () => {
    const items = flattenValidationErrors([
      error('items', undefined, [
        error('0', undefined, [error('quantity', { isPositive: 'quantity must be a positive number' })]),
      ]),
      error('route', undefined, [error('halfWidthM', { max: 'halfWidthM must not be greater than 2000' })]),
    ]);
    expect(items).toEqual([
      { path: 'items[0].quantity', rule: 'isPositive', message: 'quantity must be a positive number' },
      { path: 'route.halfWidthM', rule: 'max', message: 'halfWidthM must not be greater than 2000' },
    ]);
  });

  it('reports an unknown field as such and a wrong type alone', () => {
    const items = flattenValidationErrors([
      error('colour', { whitelistValidation: 'property colour should not exist' }),
      error('name', { maxLength: 'too long', isString: 'name must be a string' }),
    ]);
    expect(items).toEqual([
      { path: 'colour', rule: 'unknownField', message: 'colour is not a known field' },
      { path: 'name', rule: 'isString', message: 'name must be a string' },
    ]);
  });
});

class Line {
  @IsString() name: string;
}
class Order {
  @IsOptional() @ValidateNested() @Type(() => Line) first?: Line;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => Line) lines?: Line[];
}

describe('the validation pipe on nested values', () => {
  const paths = async (body: unknown): Promise<string[]> => {
    try {
      await createValidationPipe().transform(body, { type: 'body', metatype: Order });
      return [];
    } catch (e) {
      return (e as ValidationFailed).errors.map((i) => `${i.path}:${i.rule}`);
    }
  };

  it.each([
    [{ first: { name: 'a' }, lines: [{ name: 'b' }] }, []],
    [{ first: [] }, ['first:isObject']],
    [{ first: [{ name: 'a' }] }, ['first:isObject']],
    [{ lines: [[]] }, ['lines[0]:isObject']],
    [{ lines: [{ name: 'a' }, [{ name: 'b' }]] }, ['lines[1]:isObject']],
    [{ lines: ['x'] }, ['lines[0]:nestedValidation', 'lines[0]:isObject']],
  ])('refuses arrays where objects are expected: %j', async (body, expected) => {
    expect(await paths(body)).toEqual(expected);
  });
});
