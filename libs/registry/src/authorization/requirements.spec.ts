import { needsSafeUseLicence, type RequirementChemical, requirements } from './requirements.js';

const ethanol: RequirementChemical = {
  nameZh: '乙醇',
  highlyToxic: false,
  explosivePrecursor: false,
  drugPrecursorCategory: null,
};
const plant = { sector: 'chemical' as const, usesAboveThreshold: true, roles: ['user' as const] };

describe('requirements: Decree 591 as it states them', () => {
  it.each<[string, Parameters<typeof needsSafeUseLicence>[0], boolean]>([
    ['a chemical plant above the use thresholds', plant, true],
    ['a chemical plant using less than 《危险化学品使用量的数量标准》', { ...plant, usesAboveThreshold: false }, false],
    ['a hospital, whatever it uses', { sector: 'hospital', usesAboveThreshold: true, roles: ['user'] }, false],
    ['a laboratory', { sector: 'laboratory', usesAboveThreshold: true, roles: ['user'] }, false],
    ['a school', { sector: 'school', usesAboveThreshold: false, roles: ['user'] }, false],
    ['another user (a non-chemical plant)', { sector: 'other', usesAboveThreshold: true, roles: ['user'] }, false],
  ])('Art. 29: %s → safe use licence required: %s', (_, e, required) => {
    expect(needsSafeUseLicence(e).required).toBe(required);
  });

  it('names Art. 29 for use, required of a chemical plant and waived for a hospital', () => {
    const [forPlant] = requirements('use', ethanol, plant);
    expect(forPlant).toMatchObject({ required: true, kinds: ['safe_use', 'safety_production'] });
    expect(forPlant!.basis).toContain('Decree 591 Art. 29');
    const [forHospital] = requirements('use', ethanol, {
      sector: 'hospital',
      usesAboveThreshold: true,
      roles: ['user'],
    });
    expect(forHospital).toMatchObject({ required: false, kinds: [] });
    expect(forHospital!.basis).toContain('Decree 591 Art. 29');
    expect(forHospital!.note).toContain('hospital');
  });

  it.each<[string, Parameters<typeof requirements>[2], boolean]>([
    ['a chemical plant above the thresholds', plant, true],
    // Art. 29 excuses them from the safe use licence, the only licence a user stores under.
    ['a hospital keeping what it uses', { sector: 'hospital', usesAboveThreshold: false, roles: ['user'] }, false],
    ['a laboratory keeping what it uses', { sector: 'laboratory', usesAboveThreshold: true, roles: ['user'] }, false],
    ['a chemical plant below the thresholds', { ...plant, usesAboveThreshold: false }, false],
    // Storing for trade or for others is not Art. 29's use: its business licence is still needed.
    ['a trader below the thresholds', { sector: 'other', usesAboveThreshold: false, roles: ['trader'] }, true],
    ['a warehouse (storer)', { sector: 'other', usesAboveThreshold: false, roles: ['user', 'storer'] }, true],
    ['a producer', { sector: 'other', usesAboveThreshold: false, roles: ['producer'] }, true],
  ])('store: %s → a licence required: %s', (_, e, required) => {
    const [store] = requirements('store', ethanol, e);
    const waived = {
      kinds: [],
      basis: expect.stringContaining('Decree 591 Art. 29'),
      note: expect.stringContaining('own use'),
    };
    expect(store).toMatchObject(
      required ? { required, kinds: ['safety_production', 'business', 'safe_use'] } : { required, ...waived },
    );
  });

  it('lets a producer sell its own products without a business licence (Art. 33)', () => {
    const [sell] = requirements('sell', ethanol, plant);
    expect(sell).toMatchObject({ basis: 'Decree 591 Art. 33', kinds: ['business', 'safety_production'] });
  });

  it.each<[string, Partial<RequirementChemical>, string[]]>([
    ['an ordinary chemical: nothing', {}, []],
    ['a highly toxic one: a purchase permit (Art. 38–40)', { highlyToxic: true }, ['PURCHASE_PERMIT_REQUIRED']],
    ['an explosive precursor: a filing', { explosivePrecursor: true }, ['PRECURSOR_FILING_REQUIRED']],
    [
      'a category 1 drug precursor: a permit (Art. 15)',
      { drugPrecursorCategory: 1 },
      ['DRUG_PRECURSOR_PERMIT_REQUIRED'],
    ],
    ['category 2: a filing (Art. 17)', { drugPrecursorCategory: 2 }, ['DRUG_PRECURSOR_FILING_REQUIRED']],
    ['category 3: a filing (Art. 17)', { drugPrecursorCategory: 3 }, ['DRUG_PRECURSOR_FILING_REQUIRED']],
    [
      'highly toxic and a category 1 precursor: both',
      { highlyToxic: true, drugPrecursorCategory: 1 },
      ['PURCHASE_PERMIT_REQUIRED', 'DRUG_PRECURSOR_PERMIT_REQUIRED'],
    ],
  ])('buying %s', (_, c, codes) => {
    expect(requirements('buy', { ...ethanol, ...c }, plant).map((r) => r.missingCode)).toEqual(codes);
  });

  it('no drug precursor purchase is covered by a standing licence: only its permit or filing', () => {
    const [r] = requirements('buy', { ...ethanol, drugPrecursorCategory: 1 }, plant);
    expect(r!.kinds).toEqual(['drug_precursor_purchase_permit']);
    expect(r!.basis).toContain('《易制毒化学品管理条例》');
  });
});
