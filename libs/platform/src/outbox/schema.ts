/**
 * A typed JSON-schema builder (TypeBox's idea in a few lines): each function returns the plain JSON
 * schema, as published at GET /v1/exchange/schemas and checked by ajv, and carries the TypeScript
 * type of the data it accepts. One declaration then gives an event's payload type and its schema,
 * so a producer that writes a field the schema lacks does not compile.
 */
declare const STATIC: unique symbol;
declare const OPTIONAL: unique symbol;

/** A JSON schema as it goes on the wire. */
export type JsonSchema = { readonly [keyword: string]: unknown };
/** A JSON schema of values of type T (the type exists for the compiler only). */
export type Schema<T> = JsonSchema & { readonly [STATIC]: T };
/** A property schema its object does not list as required. */
export type OptionalSchema<T> = Schema<T> & { readonly [OPTIONAL]: true };
/** The type of the values a schema accepts. */
export type Static<S> = S extends Schema<infer T> ? T : never;

type Properties = Record<string, Schema<unknown>>;
type OptionalKeys<P> = { [K in keyof P]: P[K] extends OptionalSchema<unknown> ? K : never }[keyof P];
type ObjectOf<P extends Properties> = {
  [K in Exclude<keyof P, OptionalKeys<P>>]: Static<P[K]>;
} & { [K in OptionalKeys<P>]?: Static<P[K]> } extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

/** Annotations and constraints kept as they are in the schema. */
interface Notes {
  description?: string;
  example?: string;
  pattern?: string;
  minimum?: number;
}

/** Optional properties: marked here, not in the schema, so the wire form stays plain JSON schema. */
const optionals = new WeakSet<object>();
const typed = <T>(schema: Record<string, unknown>): Schema<T> => schema as unknown as Schema<T>;

export const t = {
  string: (notes: Notes = {}) => typed<string>({ type: 'string', ...notes }),
  number: (notes: Notes = {}) => typed<number>({ type: 'number', ...notes }),
  integer: (notes: Notes = {}) => typed<number>({ type: 'integer', ...notes }),
  boolean: (notes: Notes = {}) => typed<boolean>({ type: 'boolean', ...notes }),
  uuid: (notes: Notes = {}) => typed<string>({ type: 'string', format: 'uuid', ...notes }),
  /** RFC 3339 date-time, e.g. 2026-12-07T14:00:00.000Z. */
  dateTime: (notes: Notes = {}) => typed<string>({ type: 'string', format: 'date-time', ...notes }),
  /** RFC 3339 full-date, e.g. 2026-12-07. */
  date: (notes: Notes = {}) => typed<string>({ type: 'string', format: 'date', ...notes }),
  enum: <const V extends readonly (string | number)[]>(values: V) => typed<V[number]>({ enum: [...values] }),
  array: <T>(items: Schema<T>, notes: Notes = {}) => typed<T[]>({ type: 'array', items, ...notes }),
  /** An object with these properties; every one not wrapped in t.optional is required. */
  object: <P extends Properties>(properties: P, notes: Notes = {}) => {
    const required = Object.keys(properties).filter((k) => !optionals.has(properties[k]!));
    return typed<ObjectOf<P>>({ type: 'object', ...notes, ...(required.length ? { required } : {}), properties });
  },
  /** An object whose properties the schema leaves open (free detail). */
  record: (notes: Notes = {}) => typed<Record<string, unknown>>({ type: 'object', ...notes }),
  /** The value or null: `type: [x, 'null']`, or null added to an enum. */
  nullable: <T>(schema: Schema<T>): Schema<T | null> => {
    const s = schema as Record<string, unknown>;
    if (Array.isArray(s.enum)) return typed<T | null>({ ...s, enum: [...(s.enum as unknown[]), null] });
    if (typeof s.type !== 'string') throw new Error('t.nullable: give it a schema with one type or an enum');
    return typed<T | null>({ ...s, type: [s.type, 'null'] });
  },
  /** A property that may be absent (outermost wrapper of a property's schema). */
  optional: <T>(schema: Schema<T>): OptionalSchema<T> => {
    const copy = { ...schema };
    optionals.add(copy);
    return copy as unknown as OptionalSchema<T>;
  },
};
