import type { ManifestView } from '@lib/ledger';
import { type WasteTrip, wasteProblems } from './waste.js';

const manifest = (over: Partial<ManifestView> = {}): ManifestView =>
  ({
    id: 'm1',
    number: 'HWM-20261207-0001',
    chemicalId: 'ethanol',
    transporterEnterpriseId: 'carrier',
    generatorFacilityId: 'gen-f',
    receiverFacilityId: 'disp-f',
    receiverEnterpriseId: 'disposer',
    generatorProvince: '32',
    receiverProvince: '32',
    crossProvince: false,
    approval: null,
    ...over,
  }) as ManifestView;

const trip = (over: Partial<WasteTrip> = {}): WasteTrip => ({
  carrierId: 'carrier',
  consigneeId: 'disposer',
  loadingFacilityId: 'gen-f',
  unloadingFacilityId: 'disp-f',
  manifestId: 'm1',
  items: [{ line: 1, chemicalId: 'ethanol', lotId: 'waste-lot' }],
  wasteLots: new Map([['waste-lot', 'HW06']]),
  ...over,
});

describe('a waybill of hazardous waste agrees with its transfer manifest (危险废物转移联单)', () => {
  it.each([
    ['the manifest as named', trip(), manifest(), []],
    ['a waste lot without a manifest', trip({ manifestId: null }), manifest(), ['WASTE_MANIFEST_REQUIRED']],
    ['a manifest that does not exist', trip(), null, ['WASTE_MANIFEST_MISSING']],
    ['another carrier', trip({ carrierId: 'other' }), manifest(), ['WASTE_MANIFEST_CARRIER']],
    ['another unloading facility', trip({ unloadingFacilityId: 'x' }), manifest(), ['WASTE_MANIFEST_FACILITIES']],
    ['another consignee', trip({ consigneeId: 'x' }), manifest(), ['WASTE_MANIFEST_RECEIVER']],
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
  ] as const)('%s', async (_name, t, m, rules) => {
    expect((await wasteProblems(t, () => Promise.resolve(m))).map((p) => p.rule)).toEqual(rules);
  });
});
