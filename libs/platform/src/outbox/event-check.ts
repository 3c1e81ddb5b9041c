import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats, { type FormatsPlugin } from 'ajv-formats';
import { EVENTS } from './events.js';

/** A payload that does not match its event's schema: names the type and every failing path. */
export class EventPayloadMismatch extends Error {
  constructor(
    readonly type: string,
    readonly problems: string[],
  ) {
    super(`event ${type}: the payload does not match its schema: ${problems.join('; ')}`);
    this.name = 'EventPayloadMismatch';
  }
}

/** `/legs/0/lotId: must be string`, with the missing property named for `required`. */
function describe(e: ErrorObject): string {
  const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : '';
  const allowed = e.keyword === 'enum' ? ` (${(e.params.allowedValues as unknown[]).map(String).join(', ')})` : '';
  return `${e.instancePath + missing || '/'}: ${e.message ?? e.keyword}${allowed}`;
}

/**
 * ajv validators of every published event's payload schema (EVENTS), compiled once per process.
 * Used at the one door (Outbox.append, outside production) and by the tests over the outbox.
 */
export class EventSchemas {
  private static compiled: EventSchemas | undefined;
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor() {
    // allErrors: the error lists every failing path, not only the first.
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
    // ajv-formats is CommonJS: its default export is the plugin itself or carries it as `.default`.
    const plugin = formats as unknown as FormatsPlugin & { default?: FormatsPlugin };
    const addFormats = plugin.default ?? plugin;
    addFormats(ajv);
    ajv.addKeyword({ keyword: 'example', schemaType: ['string', 'number', 'boolean', 'object', 'array'] });
    for (const [type, def] of Object.entries(EVENTS)) this.validators.set(type, ajv.compile(def.schema));
  }

  static get(): EventSchemas {
    return (EventSchemas.compiled ??= new EventSchemas());
  }

  /** Every way this payload (as JSON: parse what is stored) departs from its type's schema; empty when it matches. */
  problems(type: string, payload: unknown): string[] {
    const validate = this.validators.get(type);
    if (!validate) return [`/: ${type} is not an event type (EVENTS)`];
    return validate(payload) ? [] : (validate.errors ?? []).map(describe);
  }

  /** Throws EventPayloadMismatch when the payload does not match. */
  check(type: string, payload: unknown): void {
    const problems = this.problems(type, payload);
    if (problems.length) throw new EventPayloadMismatch(type, problems);
  }
}
