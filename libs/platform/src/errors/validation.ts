import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes, type ValidatorOptions } from 'class-validator';
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

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * class-validator's ValidateNested walks into arrays wherever it meets them, so an array where an
 * object is expected (`quantity: []`) or arrays of arrays (`contacts: [[{…}]]`) passed every rule;
 * the latter was stored as {"0": {…}}, out of reach of the masking of contact phones. A nested
 * value must be an object, and with `each`, every element must be one.
 */
export function misshapenNested(instance: object, parent = ''): ProblemItem[] {
  const out: ProblemItem[] = [];
  const nested = getMetadataStorage()
    .getTargetValidationMetadatas(instance.constructor, '', true, false)
    .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION);
  for (const property of new Set(nested.map((m) => m.propertyName))) {
    const value = (instance as Record<string, unknown>)[property];
    if (value === undefined || value === null) continue;
    const path = join(parent, property);
    const each = nested.some((m) => m.propertyName === property && m.each);
    const elements: Array<[string, unknown]> = each
      ? Array.isArray(value)
        ? value.map((v, i) => [`${path}[${i}]`, v])
        : [] // not an array at all: IsArray reports it
      : [[path, value]];
    for (const [at, v] of elements) {
      if (isObject(v)) out.push(...misshapenNested(v, at));
      else out.push({ path: at, rule: 'isObject', message: `${at} must be an object` });
    }
  }
  return out;
}

class StrictValidationPipe extends ValidationPipe {
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    const misshapen = isObject(object) ? misshapenNested(object) : [];
    return [
      ...errors,
      ...misshapen.map((i) => ({ property: i.path, constraints: { [i.rule!]: i.message }, children: [] })),
    ];
  }
}

/** The global pipe: strips nothing silently (unknown fields are errors) and converts declared types. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}
