import { casProblem } from './cas.js';
import { citizenIdCheckCharacter, citizenIdProblem, maskPersonal } from './citizen-id.js';
import { creditCodeCheckCharacter, creditCodeProblem } from './credit-code.js';
import { plateProblem } from './plate.js';
import { canonicalTerminalId } from './terminal-id.js';

describe('unified social credit code (GB 32100-2015)', () => {
  it.each([
    // Example printed in GB 32100-2015 and widely reproduced.
    '91350100M000100Y43',
    // Real codes used as test data by public validators (bluesky335/IDCheck USCI_test.go, hutool).
    '914403001922038216',
    '9135020026015919XW',
    '91310110666007217T',
  ])('accepts %s', (code) => expect(creditCodeProblem(code)).toBeNull());

  it.each([
    ['91350100M000100Y44', /check character must be 3/],
    // An early pilot-region code that predates the standard's check (IDCheck lists it as invalid).
    ['91350211M00013FA1N', /check character must be/],
    ['9135010OM000100Y43', /capital letters other than I, O/],
    ['91350100M000100Y4', /18 characters/],
    ['91350100M0I0100Y43', /capital letters other than I, O/],
    ['913501A0M000100Y43', /digits in positions 3 to 8/],
  ])('refuses %s', (code, why) => expect(creditCodeProblem(code)).toMatch(why));

  it('computes the check character the standard way', () => {
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
  });
});

describe('CAS Registry Number', () => {
  it.each(['7782-50-5', '7664-41-7', '64-17-5', '7647-01-0', '1333-74-0', '10102-44-0'])('accepts %s', (cas) =>
    expect(casProblem(cas)).toBeNull(),
  );
  it.each([
    ['7782-50-4', /check digit must be 5/],
    ['7782505', /must look like/],
    ['7-50-5', /must look like/],
  ])('refuses %s', (cas, why) => expect(casProblem(cas)).toMatch(why));
});

describe('citizen identity number (GB 11643-1999)', () => {
  // The two examples printed in GB 11643-1999.
  it.each(['11010519491231002X', '440524188001010014'])('accepts %s', (id) =>
    expect(citizenIdProblem(id, new Date('2026-01-01'))).toBeNull(),
  );
  it.each([
    ['110105194912310021', /check character must be X/],
    ['11010519491331002X', /real birth date/],
    ['11010530001231002X', /real birth date/],
    ['11010519491231002', /17 digits/],
    ['01010519491231002X', /17 digits/],
  ])('refuses %s', (id, why) => expect(citizenIdProblem(id, new Date('2026-01-01'))).toMatch(why));

  it('computes check characters', () => {
    expect(citizenIdCheckCharacter('32020219850312123')).toMatch(/^[\dX]$/);
    const id = `32020219850312123${citizenIdCheckCharacter('32020219850312123')}`;
    expect(citizenIdProblem(id)).toBeNull();
  });

  it('masks all but the first 3 and last 4 characters', () => {
    expect(maskPersonal('11010519491231002X')).toBe('110***********002X');
    expect(maskPersonal('13912345678')).toBe('139****5678');
  });
});

describe('vehicle plates (GA 36-2018)', () => {
  it.each([
    ['苏B12345', 'motor'],
    ['苏BD12345', 'motor'],
    ['苏B12345F', 'motor'],
    ['京AF0236', 'motor'],
    ['苏B1234挂', 'trailer'],
    ['沪A8K21挂', 'trailer'],
  ] as const)('accepts %s as %s', (plate, kind) => expect(plateProblem(plate, kind)).toBeNull());
  it.each([
    ['苏BI2345', 'motor', /not I or O/],
    ['B12345', 'motor', /province character/],
    ['苏B1234', 'motor', /5 letters or digits/],
    ['苏B1234挂', 'motor', /only a trailer/],
    ['苏B12345', 'trailer', /ends? in 挂|and 挂/],
    ['X苏12345', 'motor', /province/],
  ] as const)('refuses %s as %s', (plate, kind, why) => expect(plateProblem(plate, kind)).toMatch(why));
});

describe('JT/T 808 terminal phone number', () => {
  it('pads 2011/2013 and 2019 forms of one number to one canonical id', () => {
    expect(canonicalTerminalId('13912345678')).toBe('013912345678');
    expect(canonicalTerminalId('013912345678')).toBe('013912345678');
    expect(canonicalTerminalId('00000000013912345678')).toBe('013912345678');
    expect(canonicalTerminalId('1391234567')).toBeNull();
    expect(canonicalTerminalId('13912345678x')).toBeNull();
  });
});
