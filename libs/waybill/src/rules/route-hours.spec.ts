import { firstOutsideHours } from './route-hours.js';

/** A local (Asia/Shanghai) wall time as an instant. */
const local = (s: string): Date => new Date(`${s}+08:00`);

describe('a route’s allowed hours over the whole trip (local time)', () => {
  it.each([
    // windows, departure, arrival, first local minute outside (null: inside)
    [[['09:00', '17:00']], '2027-03-01T10:00', '2027-03-01T12:00', null],
    [[['09:00', '17:00']], '2027-03-01T16:00', '2027-03-01T18:00', '2027-03-01T17:00'], // leaves inside, arrives after closing
    [[['09:00', '17:00']], '2027-03-01T08:00', '2027-03-01T10:00', '2027-03-01T08:00'], // leaves before opening
    [[['09:00', '17:00']], '2027-03-01T15:00', '2027-03-01T17:00', null], // arrives as it closes
    [[['22:00', '06:00']], '2027-03-01T23:00', '2027-03-02T05:00', null], // crosses midnight inside
    [[['22:00', '06:00']], '2027-03-02T05:00', '2027-03-02T07:00', '2027-03-02T06:00'],
    [[['22:00', '06:00']], '2027-03-01T21:00', '2027-03-01T23:00', '2027-03-01T21:00'],
    [
      [
        ['22:00', '24:00'],
        ['00:00', '06:00'],
      ],
      '2027-03-01T23:00',
      '2027-03-02T01:00',
      null,
    ], // windows join at midnight
    [[['09:00', '17:00']], '2027-03-01T10:00', '2027-03-02T10:00', '2027-03-01T17:00'], // spans days, closed overnight
    [[['00:00', '00:00']], '2027-03-01T10:00', '2027-03-03T10:00', null], // whole day
    [
      [
        ['02:00', '03:00'],
        ['09:00', '17:00'],
      ],
      '2027-03-01T02:30',
      '2027-03-01T09:30',
      '2027-03-01T03:00',
    ],
    [[], '2027-03-01T02:30', '2027-03-01T09:30', null], // no windows: no restriction
  ] as Array<[Array<[string, string]>, string, string, string | null]>)(
    '%j: %s → %s is outside from %s',
    (windows, departure, arrival, outside) => {
      const got = firstOutsideHours(
        local(departure),
        local(arrival),
        windows.map(([from, to]) => ({ from, to })),
      );
      expect(got).toEqual(outside ? local(outside) : null);
    },
  );
});
