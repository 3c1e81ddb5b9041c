import { Injectable } from '@nestjs/common';

const WINDOW_MS = 60_000;
const MAX_FAILURES = 20;

/**
 * Slows key guessing: once an address has failed MAX_FAILURES authentications within a minute,
 * its further failing attempts get 429 with Retry-After until the window has passed. Only failing
 * attempts: a valid key is checked first and always passes, so a flood of bad keys from a shared
 * address (a NAT, an office proxy) cannot lock out the valid keys behind it (issue 15). A success
 * does not clear the count either, or a guesser holding any valid key of its own could reset it
 * between guesses. Per process.
 */
@Injectable()
export class AuthThrottle {
  private readonly failures = new Map<string, number[]>();

  /**
   * Counts a failed authentication from the address and returns the seconds it must wait: 0 while
   * it has failed fewer than MAX_FAILURES times in the window (answer 401). A failure while held is
   * not counted, so a flood neither grows the list nor prolongs the hold.
   */
  failed(address: string, now = Date.now()): number {
    const wait = this.blockedFor(address, now);
    if (wait === 0) this.recordFailure(address, now);
    return wait;
  }

  /** Seconds the address's failing attempts must wait, or 0. */
  blockedFor(address: string, now = Date.now()): number {
    const recent = this.recent(address, now);
    if (recent.length < MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - now) / 1000));
  }

  recordFailure(address: string, now = Date.now()): void {
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((t) => now - t < WINDOW_MS);
  }

  private prune(now: number): void {
    for (const [address, times] of this.failures) {
      if (times.every((t) => now - t >= WINDOW_MS)) this.failures.delete(address);
    }
  }
}
