import { AuthThrottle } from './auth-throttle.js';

describe('AuthThrottle', () => {
  const t0 = 1_800_000_000_000;

  it('holds an address after 20 failures within a minute, until the first of them is a minute old', () => {
    const throttle = new AuthThrottle();
    for (let i = 0; i < 19; i++) throttle.recordFailure('10.0.0.1', t0 + i * 1000);
    expect(throttle.blockedFor('10.0.0.1', t0 + 19_000)).toBe(0);
    throttle.recordFailure('10.0.0.1', t0 + 19_000);
    expect(throttle.blockedFor('10.0.0.1', t0 + 19_000)).toBe(41);
    expect(throttle.blockedFor('10.0.0.1', t0 + 59_999)).toBe(1);
    // The first failure has left the window: 19 remain, the address is free again.
    expect(throttle.blockedFor('10.0.0.1', t0 + 60_000)).toBe(0);
    expect(throttle.blockedFor('10.0.0.2', t0 + 19_000)).toBe(0);
  });

  it('answers whole seconds, never 0, while an address is held', () => {
    const throttle = new AuthThrottle();
    for (let i = 0; i < 20; i++) throttle.recordFailure('::1', t0);
    for (const after of [0, 1, 500, 59_001, 59_999]) {
      const wait = throttle.blockedFor('::1', t0 + after);
      expect(Number.isInteger(wait) && wait >= 1 && wait <= 60).toBe(true);
    }
  });

  it('answers the first 20 failures of a minute with 0 (401) and the next ones with a wait (429)', () => {
    const throttle = new AuthThrottle();
    const waits = Array.from({ length: 22 }, (_, i) => throttle.failed('10.0.0.3', t0 + i * 100));
    expect(waits.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(waits[20]).toBe(58); // the first failure (t0) leaves the window at t0 + 60 s
    expect(waits[21]).toBe(58);
  });

  it('does not count failures while an address is held, so a flood neither grows the list nor prolongs the hold', () => {
    const throttle = new AuthThrottle();
    for (let i = 0; i < 20; i++) throttle.failed('10.0.0.4', t0 + i);
    for (let s = 1; s < 60; s++)
      for (let k = 0; k < 50; k++) expect(throttle.failed('10.0.0.4', t0 + s * 1000)).toBe(60 - s);
    // 60 s after the first failures the address is free again: only the original 20 were counted.
    expect(throttle.failed('10.0.0.4', t0 + 60_019)).toBe(0);
  });
});
