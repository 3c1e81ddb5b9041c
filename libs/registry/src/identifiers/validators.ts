import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { casProblem } from './cas.js';
import { citizenIdProblem } from './citizen-id.js';
import { creditCodeProblem } from './credit-code.js';
import { plateProblem } from './plate.js';
import { terminalIdProblem } from './terminal-id.js';

/** Wraps an identifier check ("null or why not") as a class-validator decorator with a named rule. */
function identifier(
  rule: string,
  problem: (value: string, args: ValidationArguments) => string | null,
  options?: ValidationOptions,
) {
  return (target: object, propertyName: string): void => {
    registerDecorator({
      name: rule,
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          typeof value === 'string' && problem(value, args) === null,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} ${typeof args.value === 'string' ? problem(args.value, args) : 'must be a string'}`,
      },
    });
  };
}

export const IsCreditCode = (o?: ValidationOptions) => identifier('creditCode', creditCodeProblem, o);
export const IsCas = (o?: ValidationOptions) => identifier('cas', casProblem, o);
export const IsCitizenId = (o?: ValidationOptions) => identifier('citizenId', (v) => citizenIdProblem(v), o);
export const IsTerminalId = (o?: ValidationOptions) => identifier('terminalId', terminalIdProblem, o);
/** The plate format depends on the object's `kind` (trailers end in 挂). */
export const IsPlate = (o?: ValidationOptions) =>
  identifier(
    'plate',
    (v, args) => plateProblem(v, (args.object as { kind?: string }).kind === 'trailer' ? 'trailer' : 'motor'),
    o,
  );
