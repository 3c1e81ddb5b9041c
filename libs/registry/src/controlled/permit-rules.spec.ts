import {
  choosePermit,
  grams,
  type LockedPermit,
  type PermitFacts,
  type PermitNeed,
  permitProblems,
  remainingKg,
  useShortfalls,
} from './permit-rules.js';

const CYANIDE = { id: 'c-cyanide', nameZh: '氰化钠', unClass: '6.1' };
const SELLER = 's-1';
const TANKER = 'v-1';

/** 剧毒化学品购买许可证 锡公剧购[2026]0042: 500 kg of sodium cyanide from one seller, 1–31 Dec. */
const permit: PermitFacts = {
  id: 'l-1',
  kind: 'highly_toxic_purchase',
  name: '剧毒化学品购买许可证',
  number: '锡公剧购[2026]0042',
  status: 'verified',
  statusReason: null,
  validFrom: '2026-12-01',
  validTo: '2026-12-31',
  chemicalIds: [CYANIDE.id],
  classes: [],
  vehicleIds: [],
  routeIds: [],
  counterpartyId: SELLER,
  permittedQuantityKg: 500,
  usedKg: 0,
};
const need: PermitNeed = {
  chemical: CYANIDE,
  from: '2026-12-10',
  to: '2026-12-10',
  quantityKg: 200,
  counterpartyId: SELLER,
};
const codes = (p: PermitFacts, n: PermitNeed): string[] => permitProblems(p, n).map((x) => x.code);

describe('permitProblems: a permit covers one purchase, sale or trip', () => {
  it.each<[string, Partial<PermitFacts>, Partial<PermitNeed>, string[]]>([
    ['200 kg of 500, nothing used yet', {}, {}, []],
    // 300 used + 200 asked = 500 = the permitted 500: exactly at the bound is allowed.
    ['200 kg when 300 of 500 are used (300 + 200 = 500)', { usedKg: 300 }, {}, []],
    // 300.001 + 200 = 500.001 > 500: one gram over.
    ['200 kg when 300.001 of 500 are used', { usedKg: 300.001 }, {}, ['PERMIT_QUANTITY_EXCEEDED']],
    ['600 kg on a 500 kg permit', {}, { quantityKg: 600 }, ['PERMIT_QUANTITY_EXCEEDED']],
    // 0.1 + 0.2 kg used is 0.30000000000000004 in floating point; in grams 100 + 200 = 300.
    ['0.2 kg of 0.5 when 0.1 + 0.2 are used', { permittedQuantityKg: 0.5, usedKg: 0.1 + 0.2 }, { quantityKg: 0.2 }, []],
    ['no quantity asked (the authorization query alone)', { usedKg: 500 }, { quantityKg: undefined }, []],
    ['a permit filed by the buyer, not verified by police', { status: 'pending' }, {}, ['LICENCE_PENDING']],
    ['a revoked permit', { status: 'revoked', statusReason: '伪造' }, {}, ['LICENCE_REVOKED']],
    ['the day after its last day', {}, { from: '2027-01-01', to: '2027-01-01' }, ['LICENCE_EXPIRED']],
    ['the day before its first day', {}, { from: '2026-11-30', to: '2026-11-30' }, ['LICENCE_NOT_YET_VALID']],
    ['another chemical', {}, { chemical: { id: 'c-x', nameZh: '氰化钾', unClass: '6.1' } }, ['LICENCE_OUT_OF_SCOPE']],
    ['bought from another seller', {}, { counterpartyId: 's-2' }, ['PERMIT_COUNTERPARTY']],
    ['a permit naming no seller covers any seller', { counterpartyId: null }, { counterpartyId: 's-2' }, []],
    ['a trip whose vehicle the pass names', { vehicleIds: [TANKER] }, { vehicleIds: [TANKER] }, []],
    [
      'a trip on a vehicle the pass does not name',
      { vehicleIds: [TANKER] },
      { vehicleIds: ['v-2'] },
      ['PERMIT_VEHICLE'],
    ],
    ['a trip ending after the pass', {}, { from: '2026-12-30', to: '2027-01-02' }, ['LICENCE_EXPIRED']],
    ['a trip on a route the pass does not permit', { routeIds: ['r-1'] }, { routeId: 'r-2' }, ['PERMIT_ROUTE']],
    [
      'every failure at once: another seller, vehicle and too much',
      { vehicleIds: [TANKER] },
      { counterpartyId: 's-2', vehicleIds: ['v-2'], quantityKg: 501 },
      ['PERMIT_COUNTERPARTY', 'PERMIT_VEHICLE', 'PERMIT_QUANTITY_EXCEEDED'],
    ],
  ])('%s', (_, p, n, expected) => {
    expect(codes({ ...permit, ...p }, { ...need, ...n })).toEqual(expected);
  });

  it('says how much is left: 500 − 300.25 = 199.75 kg', () => {
    expect(remainingKg({ ...permit, usedKg: 300.25 })).toBe(199.75);
    const [p] = permitProblems({ ...permit, usedKg: 300.25 }, { ...need, quantityKg: 200 });
    expect(p!.text).toContain('199.75 kg of it left');
  });

  it('compares in whole grams', () => {
    expect(grams(0.1 + 0.2)).toBe(300);
    expect(grams(1234.5675)).toBe(1234568);
  });
});

describe('choosePermit', () => {
  it('takes the first permit that covers the need', () => {
    const used = { ...permit, id: 'l-used', usedKg: 450 };
    const fresh = { ...permit, id: 'l-fresh' };
    const chosen = choosePermit([used, fresh], need);
    expect(chosen.permit?.id).toBe('l-fresh');
  });

  it('gives every candidate’s reasons when none does', () => {
    const chosen = choosePermit(
      [
        { ...permit, usedKg: 450 },
        { ...permit, id: 'l-2', status: 'pending' },
      ],
      need,
    );
    expect(chosen.permit).toBeNull();
    expect(chosen.problems.map((p) => [p.licenceId, p.code])).toEqual([
      ['l-1', 'PERMIT_QUANTITY_EXCEEDED'],
      ['l-2', 'LICENCE_PENDING'],
    ]);
  });
});

describe('useShortfalls: the check made again under the permit’s lock, with what others booked meanwhile', () => {
  const filing: LockedPermit = {
    id: 'l-1',
    kind: 'drug_precursor_purchase_filing',
    number: '锡公易购备[2026]0900',
    permittedQuantityKg: 300,
    usedKg: 0,
    usedBy: [],
  };
  const pass: LockedPermit = { ...filing, id: 'l-2', kind: 'highly_toxic_road_pass', permittedQuantityKg: 500 };
  const shortfalls = (p: LockedPermit, uses: Array<{ licenceId: string; quantityKg: number }>) =>
    useShortfalls([p], uses).map((x) => x.code);

  it.each<[string, LockedPermit, Array<{ licenceId: string; quantityKg: number }>, string[]]>([
    ['200 of 300, nothing booked', filing, [{ licenceId: 'l-1', quantityKg: 200 }], []],
    // A concurrent purchase booked 200 kg while this one was judged: 200 + 200 = 400 > 300.
    [
      '200 when another purchase booked 200 meanwhile',
      { ...filing, usedKg: 200 },
      [{ licenceId: 'l-1', quantityKg: 200 }],
      ['PERMIT_QUANTITY_EXCEEDED'],
    ],
    ['100 when 200 are booked (exactly 300)', { ...filing, usedKg: 200 }, [{ licenceId: 'l-1', quantityKg: 100 }], []],
    // Two lines under one permit are one booking: 150 + 151 = 301.
    [
      'two uses of one permit summed',
      filing,
      [
        { licenceId: 'l-1', quantityKg: 150 },
        { licenceId: 'l-1', quantityKg: 151 },
      ],
      ['PERMIT_QUANTITY_EXCEEDED'],
    ],
    [
      'a road pass another trip took meanwhile',
      { ...pass, usedBy: ['w-1'] },
      [{ licenceId: 'l-2', quantityKg: 500 }],
      ['PERMIT_USED'],
    ],
    ['a road pass no other trip took', pass, [{ licenceId: 'l-2', quantityKg: 500 }], []],
    [
      'a filing used by other purchases is not spent',
      { ...filing, usedBy: ['m-1'] },
      [{ licenceId: 'l-1', quantityKg: 1 }],
      [],
    ],
  ])('%s', (_, p, uses, expected) => {
    expect(shortfalls(p, uses)).toEqual(expected);
  });
});
