import { Injectable } from '@nestjs/common';

const WINDOW_MS = 60_000;
const MAX_FAILURES = 20;

/**
 * Slows key guessing: after MAX_FAILURES failed authentications from one address within a
 * minute, that address gets 429 with Retry-After until the window has passed. Per process.
 */
@Injectable()
export class AuthThrottle {
  private readonly failures = new Map<string, number[]>();

  /** Seconds the address must wait, or 0. */
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
