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
});
