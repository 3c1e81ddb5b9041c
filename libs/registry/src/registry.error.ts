import { DomainError } from '@lib/platform';

/** Errors of the registry context; codes are stable and listed in the OpenAPI descriptions. */
export class RegistryError extends DomainError {}
