import type { ViolationEvent } from './types.js';

/** The violation's identity (the same for its opened and closed events, and across replays). */
export function violationKey(e: ViolationEvent): string {
  return `${e.vehicleId}|${e.rule}|${e.targetId ?? ''}|${e.openedAt}`;
}
