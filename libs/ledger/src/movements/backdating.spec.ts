import { dating, windowText } from './backdating.js';

const now = new Date('2026-12-07T12:00:00Z');
const minutes = (m: number): Date => new Date(now.getTime() + m * 60_000);
const window72h = 72 * 3_600_000;

describe('dating of a movement', () => {
  it.each([
    ['6 minutes ahead', minutes(6), 'future'],
    ['5 minutes ahead (clock drift)', minutes(5), 'current'],
    ['now', now, 'current'],
    ['71 h 59 min back', minutes(-(72 * 60 - 1)), 'current'],
    ['exactly 72 h back', minutes(-72 * 60), 'current'],
    ['72 h and a minute back', minutes(-(72 * 60 + 1)), 'correction'],
    ['two years back', new Date('2024-12-07T12:00:00Z'), 'correction'],
  ] as const)('%s is %s', (_name, at, expected) => {
    expect(dating(at, now, window72h)).toBe(expected);
  });

  it('follows the configured window', () => {
    expect(dating(minutes(-25 * 60), now, 24 * 3_600_000)).toBe('correction');
    expect(dating(minutes(-25 * 60), now, 48 * 3_600_000)).toBe('current');
  });

  it('says the window in hours, and in days when whole', () => {
    expect(windowText(window72h)).toBe('72 h (3 days)');
    expect(windowText(12 * 3_600_000)).toBe('12 h');
  });
});
