import type { ChemicalView, LicenceKind, PermitFacts } from '@lib/registry';
import type { ContentForRules } from '../waybill.validator.js';
import { controlledTrip, type PermitSource } from './controlled.js';

const CYANIDE = { id: 'c-cyanide', nameZh: '氰化钠', unClass: '6.1', highlyToxic: true, drugPrecursorCategory: null };
const ETHER = { id: 'c-ether', nameZh: '乙醚', unClass: '3', highlyToxic: false, drugPrecursorCategory: 2 };
const ACETONE = { id: 'c-acetone', nameZh: '丙酮', unClass: '3', highlyToxic: false, drugPrecursorCategory: 3 };
const chem = (c: object) => c as unknown as ChemicalView;

const trip = (items: Array<[string, number]>, over: Partial<ContentForRules> = {}): ContentForRules =>
  ({
    consignorId: 'consignor',
    carrierId: 'carrier',
    consigneeId: 'consignee',
    vehicleId: 'tractor',
    trailerId: null,
    routeId: 'route',
    items: items.map(([chemicalId, quantityKg], k) => ({ line: k + 1, chemicalId, quantityKg })),
    toxicPass: { number: 'P-1', validFrom: '2026-12-01', validTo: '2026-12-31', routeId: 'route' },
    ...over,
  }) as unknown as ContentForRules;

const permit = (kind: LicenceKind, over: Partial<PermitFacts & { usedBy: string[] }> = {}) => ({
  id: `l-${kind}`,
  kind,
  name: kind,
  number: 'P-1',
  status: 'verified' as const,
  statusReason: null,
  validFrom: '2026-12-01',
  validTo: '2026-12-31',
  chemicalIds: [CYANIDE.id, ETHER.id, ACETONE.id],
  classes: [],
  vehicleIds: ['tractor'],
  routeIds: ['route'],
  counterpartyId: 'consignee',
  permittedQuantityKg: 500,
  usedKg: 0,
  usedBy: [],
  ...over,
});

/** A registry holding these permits (each kind's held by the consignor). */
const source = (...held: Array<ReturnType<typeof permit>>): PermitSource => ({
  permits: async (kind) => held.filter((p) => p.kind === kind),
});

const rules = async (c: ContentForRules, chems: object[], s: PermitSource) => {
  const r = await controlledTrip(c, chems.map(chem), '2026-12-10', '2026-12-11', s);
  return { codes: r.problems.map((p) => p.rule), uses: r.uses };
};

describe('controlledTrip: the highly toxic road pass (Decree 591 Art. 50)', () => {
  const pass = (over: Partial<PermitFacts & { usedBy: string[] }> = {}) => permit('highly_toxic_road_pass', over);
  it.each<[string, ContentForRules, ReturnType<typeof permit> | null, string[]]>([
    ['a trip within its pass', trip([[CYANIDE.id, 500]]), pass(), []],
    ['no pass named', trip([[CYANIDE.id, 500]], { toxicPass: null }), pass(), ['TOXIC_PASS_REQUIRED']],
    ['a pass police did not issue', trip([[CYANIDE.id, 500]]), null, ['TOXIC_PASS_NOT_VERIFIED']],
    // Two lines, 250 + 250.001 = 500.001 kg against 500: one gram over.
    [
      'two lines one gram over',
      trip([
        [CYANIDE.id, 250],
        [CYANIDE.id, 250.001],
      ]),
      pass(),
      ['TOXIC_PASS_QUANTITY'],
    ],
    [
      'a vehicle the pass does not name',
      trip([[CYANIDE.id, 500]], { vehicleId: 'other' }),
      pass(),
      ['TOXIC_PASS_VEHICLE'],
    ],
    [
      'a trailer the pass does not name',
      trip([[CYANIDE.id, 500]], { trailerId: 'trailer' }),
      pass(),
      ['TOXIC_PASS_VEHICLE'],
    ],
    ['another consignee', trip([[CYANIDE.id, 500]], { consigneeId: 'x' }), pass(), ['TOXIC_PASS_CONSIGNEE']],
    ['a pass a loaded trip already took', trip([[CYANIDE.id, 500]]), pass({ usedBy: ['w-1'] }), ['TOXIC_PASS_USED']],
    [
      'a pass ending before arrival',
      trip([[CYANIDE.id, 500]]),
      pass({ validTo: '2026-12-10' }),
      ['TOXIC_PASS_NOT_VALID'],
    ],
  ])('%s', async (_, c, held, expected) => {
    const { codes, uses } = await rules(c, [CYANIDE], held ? source(held) : source());
    expect(codes).toEqual(expected);
    expect(uses).toEqual(
      expected.length ? [] : [{ licenceId: 'l-highly_toxic_road_pass', chemicalId: CYANIDE.id, quantityKg: 500 }],
    );
  });
});

describe('controlledTrip: drug precursors (《易制毒化学品管理条例》 Art. 20)', () => {
  it.each<[string, object, Array<ReturnType<typeof permit>>, string[]]>([
    ['category 2 under a transport permit', ETHER, [permit('drug_precursor_transport_permit')], []],
    [
      'category 2 with a filing only',
      ETHER,
      [permit('drug_precursor_transport_filing')],
      ['DRUG_PRECURSOR_TRANSPORT_PERMIT_REQUIRED'],
    ],
    ['category 3 under a transport filing', ACETONE, [permit('drug_precursor_transport_filing')], []],
    ['category 3 with nothing', ACETONE, [], ['DRUG_PRECURSOR_TRANSPORT_FILING_REQUIRED']],
    // 300 of 500 used by earlier trips + 300 now = 600 > 500.
    [
      'category 2, 300 kg when 300 of 500 are used',
      ETHER,
      [permit('drug_precursor_transport_permit', { usedKg: 300 })],
      ['DRUG_PRECURSOR_TRANSPORT_PERMIT_QUANTITY_EXCEEDED'],
    ],
    [
      'category 2 on a vehicle the permit does not name',
      ETHER,
      [permit('drug_precursor_transport_permit', { vehicleIds: ['other'] })],
      ['DRUG_PRECURSOR_TRANSPORT_PERMIT_VEHICLE'],
    ],
    [
      'category 3 filed by police but still pending',
      ACETONE,
      [permit('drug_precursor_transport_filing', { status: 'pending' })],
      ['DRUG_PRECURSOR_TRANSPORT_LICENCE_PENDING'],
    ],
  ])('%s', async (_, c, held, expected) => {
    const { codes, uses } = await rules(trip([[(c as { id: string }).id, 300]]), [c], source(...held));
    expect(codes).toEqual(expected);
    expect(uses.length).toBe(expected.length ? 0 : 1);
  });
});
