/** One failed rule, as listed in a problem's `errors` (validation) or `violations` (domain rules). */
export interface ProblemItem {
  /** Where: a JSON path into the request ("items[0].quantity"), or the rule's subject. */
  path: string;
  message: string;
  /** The rule's stable machine name (e.g. "isUUID", "LICENCE_EXPIRED"). */
  rule?: string;
}

/**
 * Base of every typed domain error. `code` is stable: clients switch on it; `detail` is for people.
 * A context may define its own subclass (as the registry does with RegistryError) so a code's origin is clear.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

/** 400: the request does not match its schema. Raised by the global ValidationPipe. */
export class ValidationFailed extends DomainError {
  constructor(
    readonly errors: ProblemItem[],
    detail?: string,
  ) {
    super(
      'VALIDATION_FAILED',
      400,
      detail ?? `${errors.length} field(s) failed validation: ${errors.map((e) => e.path).join(', ')}`,
      {
        errors,
      },
    );
  }
}

/** 422: the request is well-formed but breaks one or more domain rules; all of them are listed. */
export class RulesViolated extends DomainError {
  constructor(violations: ProblemItem[], detail?: string) {
    super(
      violations.length === 1 ? (violations[0]!.rule ?? 'RULE_VIOLATED') : 'RULES_VIOLATED',
      422,
      detail ?? violations.map((v) => v.message).join('; '),
      { errors: violations },
    );
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', 404, `${what} ${id} was not found`);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, 409, detail, extensions);
  }
}

export class Forbidden extends DomainError {
  constructor(detail: string, code = 'FORBIDDEN') {
    super(code, 403, detail);
  }
}
