/**
 * Connection hygiene of the JT/T 808 gateway (issue 16): limits that keep one remote address from
 * filling the gateway or flooding registrations. Plain classes; time comes in as an argument.
 */

/** Connections held per remote address. */
export class AddressLimits {
  private readonly held = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** Counts a new connection from `address`; false (and not counted) when the address is at its limit. */
  admit(address: string): boolean {
    const n = this.held.get(address) ?? 0;
    if (n >= this.maxPerAddress) return false;
    this.held.set(address, n + 1);
    return true;
  }

  release(address: string): void {
    const n = (this.held.get(address) ?? 0) - 1;
    if (n > 0) this.held.set(address, n);
    else this.held.delete(address);
  }

  count(address: string): number {
    return this.held.get(address) ?? 0;
  }
}

/**
 * Registrations per remote address: a token bucket of `perMinute` tokens refilled evenly over a
 * minute. A terminal registers once after it is bound or reset, so a handful a minute serves a
 * depot behind one address, while a device trying terminal numbers or makers is slowed to a crawl.
 */
export class RegistrationRate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  take(address: string, now: number): boolean {
    const b = this.buckets.get(address) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / 60_000);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(address, b);
    // Full buckets carry no information: forget them so that the map stays small.
    for (const [a, x] of this.buckets)
      if (x.tokens + ((now - x.at) * this.perMinute) / 60_000 >= this.perMinute) this.buckets.delete(a);
    return ok;
  }
}
