import { crossesProvince, provinceOf, storageDeadline, storedTooLong, wasteListCodeProblems } from './waste-rules.js';

describe('waste codes of the 2021 National Hazardous Waste List (国家危险废物名录)', () => {
  it.each([
    // 900-041-49: source 900 (non-specific), entry 041, category 49 → under HW49.
    ['900-041-49', 'HW49', []],
    // 900-249-08: waste mineral oil, category 08 → under HW08.
    ['900-249-08', 'HW08', []],
    // 261-151-50: spent catalyst, category 50 → not under HW49.
    ['261-151-50', 'HW49', ['WASTE_CODE_CATEGORY']],
    // The category alone, or the digits run together, is not a code of the list.
    ['HW49', 'HW49', ['WASTE_CODE_FORMAT']],
    ['90004149', 'HW49', ['WASTE_CODE_FORMAT']],
    ['900-41-49', 'HW49', ['WASTE_CODE_FORMAT']],
  ])('%s under %s → %j', (code, category, rules) => {
    expect(wasteListCodeProblems(code, category).map((p) => p.rule)).toEqual(rules);
  });
});

describe('the province of a facility (跨省转移, 固废法 Art. 82)', () => {
  const active = (district: string, province: string | null = null) => ({ district, province, status: 'active' });
  it.each([
    // A Wuxi district is Jiangsu whether stated or not.
    ['新吴, nothing stated', active('新吴'), undefined, '32', []],
    ['江阴 stated 32', active('江阴'), '32', '32', []],
    ['梁溪 stated 31', active('梁溪'), '31', '32', ['PROVINCE_MISMATCH']],
    // Outside the city, the province emergency management confirmed on the facility's siting.
    ['市外 confirmed 31', active('市外', '31'), undefined, '31', []],
    ['市外 confirmed 31, stated 32', active('市外', '31'), '32', '31', ['PROVINCE_MISMATCH']],
    // Unconfirmed, it is unknown whatever the generator states: 32 for a Shanghai disposer spares nothing.
    ['市外 with none on record, stated 32', active('市外'), '32', null, []],
    [
      '市外 still pending confirmation, stated 32',
      { district: '市外', province: '32', status: 'pending' },
      '32',
      null,
      [],
    ],
  ] as const)('%s', (_name, facility, stated, province, rules) => {
    const r = provinceOf(facility, stated, 'receiverProvince');
    expect([r.province, r.problems.map((p) => p.rule)]).toEqual([province, rules]);
    expect(r.stated).toBe(stated ?? null);
  });

  it('crosses a border between two provinces, and wherever a province is unconfirmed', () => {
    expect(crossesProvince('32', '32')).toBe(false);
    expect(crossesProvince('32', '31')).toBe(true);
    expect(crossesProvince('32', null)).toBe(true);
    expect(crossesProvince(null, '32')).toBe(true);
  });
});

describe('waste stored no longer than one year (固废法 Art. 81)', () => {
  it.each([
    // Stored 2025-03-01 10:00 Shanghai (02:00Z): may stay until 2026-03-01 02:00Z exactly.
    ['2025-03-01T02:00:00.000Z', '2026-03-01T02:00:00.000Z', false],
    // One millisecond later it is over a year.
    ['2025-03-01T02:00:00.000Z', '2026-03-01T02:00:00.001Z', true],
    // Stored 2024-12-31 23:30 Shanghai (15:30Z): the local year ends 2025-12-31 23:30 local = 15:30Z.
    ['2024-12-31T15:30:00.000Z', '2025-12-31T15:29:59.999Z', false],
    // Stored 29 Feb 2024 08:00 Shanghai (00:00Z): no 29 Feb 2025, so the deadline is 1 March 2025.
    ['2024-02-29T00:00:00.000Z', '2025-02-28T23:59:59.999Z', false],
    ['2024-02-29T00:00:00.000Z', '2025-03-01T00:00:00.001Z', true],
  ])('stored %s, on %s: over a year = %s', (since, asOf, over) => {
    expect(storedTooLong(new Date(since), new Date(asOf))).toBe(over);
  });

  it('names the deadline on the local calendar', () => {
    expect(storageDeadline(new Date('2024-02-29T00:00:00.000Z')).toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });
});
