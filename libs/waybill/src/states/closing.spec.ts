import { settle } from './closing.js';

describe('settling a received trip (途耗 within 0.5% for a tank, none for packages)', () => {
  it.each([
    // 20 000 kg in a tank: tolerance 20 000 × 0.005 = 100 kg; 19 940 received: 60 kg short ≤ 100: a transport loss.
    [
      { packaging: 'tank', shippedKg: 20000, receivedKg: 19940 },
      { differenceKg: 60, toleranceKg: 100, verdict: 'within' },
    ],
    // Exactly at the tolerance: 20 000 − 19 900 = 100 kg = 100 kg: still within.
    [
      { packaging: 'tank', shippedKg: 20000, receivedKg: 19900 },
      { differenceKg: 100, toleranceKg: 100, verdict: 'within' },
    ],
    // One gram more: 100.001 kg > 100 kg: a discrepancy.
    [
      { packaging: 'tank', shippedKg: 20000, receivedKg: 19899.999 },
      { differenceKg: 100.001, toleranceKg: 100, verdict: 'beyond' },
    ],
    // Received in full: nothing to settle.
    [
      { packaging: 'tank', shippedKg: 1000, receivedKg: 1000 },
      { differenceKg: 0, toleranceKg: 5, verdict: 'none' },
    ],
    // Packages are counted: 200 kg shipped, 199 kg received, tolerance 0: a discrepancy.
    [
      { packaging: 'packaged', shippedKg: 200, receivedKg: 199 },
      { differenceKg: 1, toleranceKg: 0, verdict: 'beyond' },
    ],
    // Half a gram is rounding: 0.0004 kg is no loss.
    [
      { packaging: 'packaged', shippedKg: 200, receivedKg: 199.9996 },
      { differenceKg: 0, toleranceKg: 0, verdict: 'none' },
    ],
  ] as const)('%j → %j', (given, expected) => {
    expect(settle({ line: 1, ...given })).toEqual({ line: 1, ...expected });
  });
});
