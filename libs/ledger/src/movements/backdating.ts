/**
 * When a movement may be booked as recorded, as a pure rule (time comes in as arguments):
 * - more than 5 minutes ahead of the server clock: refused (a recorder's clock drifts, facts do not
 *   happen in the future);
 * - within the backdating window (LEDGER_BACKDATE_HOURS, 72 h by default): current, booked as recorded;
 * - further back: a correction. It changes history others have relied on (stock as of a past day,
 *   audits, GB 18218 peaks), so it counts only once emergency management confirms it, with its reason.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** The refusal of a date ahead of the clock, the same from every door. */
export const IN_FUTURE = {
  path: 'occurredAt',
  rule: 'IN_FUTURE',
  message: 'occurredAt lies more than 5 minutes ahead of the clock',
} as const;

export type Dating = 'future' | 'current' | 'correction';

export function dating(occurredAt: Date, now: Date, backdateMs: number): Dating {
  const at = occurredAt.getTime();
  if (at > now.getTime() + FUTURE_TOLERANCE_MS) return 'future';
  if (at < now.getTime() - backdateMs) return 'correction';
  return 'current';
}

/** "72 h" or "3 d": the window as people say it, for error messages. */
export function windowText(backdateMs: number): string {
  const hours = Math.round(backdateMs / 3_600_000);
  return hours % 24 === 0 && hours >= 48 ? `${hours} h (${hours / 24} days)` : `${hours} h`;
}
