import { AddressLimits, RegistrationRate } from './connection-hygiene.js';

describe('JT/T 808 connection hygiene', () => {
  it('holds at most N connections per address, and counts each address apart', () => {
    const limits = new AddressLimits(2);
    expect([limits.admit('127.0.0.1'), limits.admit('127.0.0.1'), limits.admit('127.0.0.1')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(limits.admit('127.0.0.2')).toBe(true);
    limits.release('127.0.0.1');
    expect(limits.admit('127.0.0.1')).toBe(true);
    expect(limits.count('127.0.0.1')).toBe(2);
  });

  it('lets an address register N times a minute, refilling evenly', () => {
    const rate = new RegistrationRate(3);
    const t0 = 1_000_000;
    expect([0, 1, 2, 3].map(() => rate.take('10.0.0.1', t0))).toEqual([true, true, true, false]);
    expect(rate.take('10.0.0.2', t0)).toBe(true);
    expect(rate.take('10.0.0.1', t0 + 19_000)).toBe(false);
    expect(rate.take('10.0.0.1', t0 + 20_000)).toBe(true);
    expect(rate.take('10.0.0.1', t0 + 20_001)).toBe(false);
  });
});
