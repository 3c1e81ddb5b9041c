import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type ProblemItem, ValidationFailed } from './domain-error.js';

const isIndex = (p: string): boolean => /^\d+$/.test(p);

/** When a value has the wrong type, its other rules (length, range) are noise: report the type only. */
const TYPE_RULES = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isDateString',
  'isISO8601',
  'isEnum',
  'isIn',
  'nestedValidation',
]);

function join(parent: string, property: string): string {
  if (isIndex(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** Flattens class-validator's tree into one item per failed rule, each with its JSON path. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ProblemItem[] {
  const items: ProblemItem[] = [];
  for (const error of errors) {
    const path = join(parent, error.property);
    const constraints = Object.entries(error.constraints ?? {});
    const typeFailure = constraints.filter(([rule]) => TYPE_RULES.has(rule));
    for (const [rule, message] of typeFailure.length > 0 ? typeFailure : constraints) {
      items.push(
        rule === 'whitelistValidation'
          ? { path, rule: 'unknownField', message: `${path} is not a known field` }
          : { path, rule, message },
      );
    }
    if (error.children?.length) items.push(...flattenValidationErrors(error.children, path));
  }
  return items;
}

/** The global pipe: strips nothing silently (unknown fields are errors) and converts declared types. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}
