import type { EntitySchema, MixedList } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityTarget = Function | EntitySchema;
const registered = new Set<EntityTarget>();

/** Called by each context's module (through DatabaseModule.forFeature) at import time. */
export function registerEntities(entities: EntityTarget[]): void {
  for (const e of entities) registered.add(e);
}

export function registeredEntities(): MixedList<EntityTarget> {
  return [...registered];
}
