import type { ManifestView } from '@lib/ledger';
import { type WasteLookups, type WasteTrip, wasteProblems } from './waste.js';

const manifest = (over: Partial<ManifestView> = {}): ManifestView =>
  ({
    id: 'm1',
    number: 'HWM-20261207-0001',
    state: 'picked_up',
    chemicalId: 'ethanol',
    lotId: 'waste-lot',
    generatorEnterpriseId: 'generator',
    transporterEnterpriseId: 'carrier',
    generatorFacilityId: 'gen-f',
    receiverFacilityId: 'disp-f',
    receiverEnterpriseId: 'disposer',
    plannedKg: 1000,
    shippedKg: 1000,
    generatorProvince: '32',
    receiverProvince: '32',
    crossProvince: false,
    approval: null,
    ...over,
  }) as ManifestView;

const trip = (over: Partial<WasteTrip> = {}): WasteTrip => ({
  consignorId: 'generator',
  carrierId: 'carrier',
  consigneeId: 'disposer',
  loadingFacilityId: 'gen-f',
  unloadingFacilityId: 'disp-f',
  manifestId: 'm1',
  items: [{ line: 1, chemicalId: 'ethanol', lotId: 'waste-lot', quantityKg: 1000 }],
  wasteLots: new Map([
    ['waste-lot', 'HW06'],
    ['other-waste-lot', 'HW06'],
  ]),
  ...over,
});

const lookups = (m: ManifestView | null, elsewhere = false): WasteLookups => ({
  manifest: () => Promise.resolve(m),
  namedElsewhere: () => Promise.resolve(elsewhere),
});

const rules = async (t: WasteTrip, l: WasteLookups, stage: 'filing' | 'loading' = 'filing') =>
  (await wasteProblems(t, l, stage)).map((p) => p.rule);

describe('a waybill of hazardous waste agrees with its transfer manifest (危险废物转移联单)', () => {
  it.each([
    ['the manifest as named', trip(), manifest(), []],
    ['a waste lot without a manifest', trip({ manifestId: null }), manifest(), ['WASTE_MANIFEST_REQUIRED']],
    ['a manifest that does not exist', trip(), null, ['WASTE_MANIFEST_MISSING']],
    ['another carrier', trip({ carrierId: 'other' }), manifest(), ['WASTE_MANIFEST_CARRIER']],
    ['another unloading facility', trip({ unloadingFacilityId: 'x' }), manifest(), ['WASTE_MANIFEST_FACILITIES']],
    ['another consignee', trip({ consigneeId: 'x' }), manifest(), ['WASTE_MANIFEST_RECEIVER']],
    [
      'a waste line of another lot than the manifest’s',
      trip({ items: [{ line: 1, chemicalId: 'ethanol', lotId: 'other-waste-lot', quantityKg: 10 }] }),
      manifest(),
      ['WASTE_MANIFEST_LOT'],
    ],
    [
      '1000.5 kg on board of 1000 kg shipped, over two lines',
      trip({
        items: [
          { line: 1, chemicalId: 'ethanol', lotId: 'waste-lot', quantityKg: 600 },
          { line: 2, chemicalId: 'ethanol', lotId: 'waste-lot', quantityKg: 400.5 },
        ],
      }),
      manifest(),
      ['WASTE_MANIFEST_QUANTITY'],
    ],
    [
      'exactly the 1000 kg shipped, over two lines',
      trip({
        items: [
          { line: 1, chemicalId: 'ethanol', lotId: 'waste-lot', quantityKg: 600 },
          { line: 2, chemicalId: 'ethanol', lotId: 'waste-lot', quantityKg: 400 },
        ],
      }),
      manifest(),
      [],
    ],
    [
      'before handover, the planned 800 kg bounds the load',
      trip(),
      manifest({ state: 'created', shippedKg: null, plannedKg: 800 }),
      ['WASTE_MANIFEST_QUANTITY'],
    ],
    ['a manifest received already', trip(), manifest({ state: 'received' }), ['WASTE_MANIFEST_STATE']],
    ['a manifest rejected', trip(), manifest({ state: 'rejected' }), ['WASTE_MANIFEST_STATE']],
    [
      'Jiangsu (32) to Shanghai (31) with the approval only claimed',
      trip(),
      manifest({
        receiverProvince: '31',
        crossProvince: true,
        approval: { number: '苏环危转〔2026〕1号', status: 'claimed', assertedBy: null, assertedAt: null },
      }),
      ['CROSS_PROVINCE_UNAPPROVED'],
    ],
    [
      'Jiangsu to Shanghai with the approval ecology asserted',
      trip(),
      manifest({
        receiverProvince: '31',
        crossProvince: true,
        approval: { number: '苏环危转〔2026〕1号', status: 'asserted', assertedBy: 'agency ecology', assertedAt: null },
      }),
      [],
    ],
  ] as const)('%s', async (_name, t, m, expected) => {
    expect(await rules(t, lookups(m))).toEqual(expected);
  });

  it('accepts a manifest created, shipped or picked up at filing; loading needs it picked up', async () => {
    for (const state of ['created', 'shipped', 'picked_up'])
      expect(await rules(trip(), lookups(manifest({ state })))).toEqual([]);
    expect(await rules(trip(), lookups(manifest({ state: 'created' })), 'loading')).toEqual(['WASTE_NOT_PICKED_UP']);
    expect(await rules(trip(), lookups(manifest({ state: 'shipped' })), 'loading')).toEqual(['WASTE_NOT_PICKED_UP']);
    expect(await rules(trip(), lookups(manifest()), 'loading')).toEqual([]);
  });

  it('refuses a manifest another active waybill carries already', async () => {
    expect(await rules(trip(), lookups(manifest(), true))).toEqual(['WASTE_MANIFEST_IN_USE']);
  });

  it('answers another generator’s manifest as a missing one, telling nothing of it', async () => {
    const theirs = manifest({ generatorEnterpriseId: 'someone-else', number: 'HWM-SECRET', receiverProvince: '31' });
    const problems = await wasteProblems(trip(), lookups(theirs));
    expect(problems.map((p) => p.rule)).toEqual(['WASTE_MANIFEST_MISSING']);
    expect(JSON.stringify(problems)).not.toMatch(/SECRET|31|someone/);
  });
});
