import type { ViolationEvent } from './types.js';

/**
 * The violation's identity (the same for its opened and closed events, and across replays).
 * TERMINAL_ALARM has one episode per alarm group (detail.alarm; the emergency button as before).
 */
export function violationKey(e: ViolationEvent): string {
  const group =
    e.rule === 'TERMINAL_ALARM' && typeof e.detail.alarm === 'string' && e.detail.alarm !== 'emergency'
      ? `alarm:${e.detail.alarm}`
      : '';
  return `${e.vehicleId}|${e.rule}|${e.targetId ?? group}|${e.openedAt}`;
}
