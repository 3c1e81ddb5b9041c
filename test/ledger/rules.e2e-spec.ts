import { randomUUID } from 'node:crypto';
import { chemicalByCas, makeEnterprise, makeFacility, makeLicence } from '../support/factories.js';
import {
  BUSINESS_LICENCE,
  ledgerRows,
  hoursAgo,
  party,
  PRODUCTION_LICENCE,
  record,
  recorded,
  SAFE_USE_LICENCE,
} from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/** Each rule of the ledger refuses with 422 and its code, and leaves nothing written. */
describe('ledger rules', () => {
  let t: TestApp;
  let ethanol: string;
  let chlorine: string;
  let nitricAcid: string;
  beforeAll(async () => {
    t = await createTestApp();
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    chlorine = (await chemicalByCas(t, '7782-50-5')).id as string;
    nitricAcid = (await chemicalByCas(t, '7697-37-2')).id as string;
  });
  afterAll(() => t.close());

  /** Expects a refusal with exactly these rule codes and an unchanged ledger. */
  async function refused(key: string, body: Record<string, unknown>, rules: string[]): Promise<void> {
    const before = await ledgerRows(t);
    const res = await record(t, key, body);
    expect(res.status).toBe(422);
    expect((res.body.errors as Array<{ rule: string }>).map((e) => e.rule).sort()).toEqual([...rules].sort());
    expect(await ledgerRows(t)).toEqual(before);
  }

  const produce = (
    p: { key: string; facilityId: string },
    chemicalId: string,
    kg: number,
    lotNumber = `L${Math.random().toString(36).slice(2, 8)}`,
  ) =>
    recorded(t, p.key, {
      operation: 'produce',
      facilityId: p.facilityId,
      chemicalId,
      lotNumber,
      quantity: { value: kg, unit: 'kg' },
    });

  it('STOCK_NEGATIVE: never below zero, now or at any later time', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE, SAFE_USE_LICENCE] });
    const [p] = await produce(a, ethanol, 100);
    await refused(
      a.key,
      {
        operation: 'use',
        facilityId: a.facilityId,
        chemicalId: ethanol,
        lotId: p!.lotId,
        quantity: { value: 100.001, unit: 'kg' },
      },
      ['STOCK_NEGATIVE'],
    );
    await recorded(t, a.key, {
      operation: 'use',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      quantity: { value: 100, unit: 'kg' },
      occurredAt: hoursAgo(12),
    });
    // Backdated: 18 h ago there were 100 kg, but the use 12 h ago would then go 60 kg below zero.
    await refused(
      a.key,
      {
        operation: 'loss',
        facilityId: a.facilityId,
        chemicalId: ethanol,
        lotId: p!.lotId,
        reason: '泄漏',
        quantity: { value: 60, unit: 'kg' },
        occurredAt: hoursAgo(18),
      },
      ['STOCK_NEGATIVE'],
    );
  });

  it('CAPACITY_EXCEEDED and CAPACITY_NOT_DECLARED: a facility never holds more than it is built for', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE], capacities: [{ chemicalId: ethanol, maxKg: 1000 }] });
    await produce(a, ethanol, 900);
    await refused(
      a.key,
      {
        operation: 'produce',
        facilityId: a.facilityId,
        chemicalId: ethanol,
        lotNumber: 'E-2',
        quantity: { value: 101, unit: 'kg' },
      },
      ['CAPACITY_EXCEEDED'],
    );
    await produce(a, ethanol, 100);
    await refused(
      a.key,
      {
        operation: 'produce',
        facilityId: a.facilityId,
        chemicalId: chlorine,
        lotNumber: 'C-1',
        quantity: { value: 1, unit: 'kg' },
      },
      ['CAPACITY_NOT_DECLARED'],
    );
  });

  it('licences: the actor must be licensed for the activity on the chemical at the time', async () => {
    const a = await party(t, {
      licences: [{ kind: 'safety_production', scope: { classes: ['3'] }, validTo: '2026-05-31' }],
    });
    await refused(
      a.key,
      {
        operation: 'produce',
        facilityId: a.facilityId,
        chemicalId: ethanol,
        lotNumber: 'X',
        quantity: { value: 1, unit: 'kg' },
      },
      ['LICENCE_EXPIRED'],
    );
    const b = await party(t, { licences: [{ kind: 'safety_production', scope: { classes: ['3'] } }] });
    await refused(
      b.key,
      {
        operation: 'produce',
        facilityId: b.facilityId,
        chemicalId: chlorine,
        lotNumber: 'X',
        quantity: { value: 1, unit: 'kg' },
      },
      ['LICENCE_OUT_OF_SCOPE'],
    );
    // A trader (business licence) may store what it buys from outside, but not use it in a process.
    const trader = await party(t, { licences: [{ kind: 'business', scope: { classes: ['3'] } }] });
    const [lot] = await recorded(t, trader.key, {
      operation: 'receive',
      facilityId: trader.facilityId,
      chemicalId: ethanol,
      lotNumber: 'EXT-1',
      quantity: { value: 10, unit: 'kg' },
    });
    await refused(
      trader.key,
      {
        operation: 'use',
        facilityId: trader.facilityId,
        chemicalId: ethanol,
        lotId: lot!.lotId,
        quantity: { value: 1, unit: 'kg' },
      },
      ['LICENCE_MISSING'],
    );
  });

  it('CHEMICAL_PROHIBITED everywhere; CHEMICAL_RESTRICTED outside its districts', async () => {
    const created = await t
      .http()
      .post('/v1/chemicals')
      .set(...bearer(t.adminKey))
      .send({ cas: '111-65-9', unNumber: '1262', nameZh: '正辛烷', unClass: '3' });
    const octane = created.body.id as string;
    const a = await party(t, { licences: [PRODUCTION_LICENCE], district: '惠山' });
    await t
      .http()
      .put(`/v1/chemicals/${octane}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'prohibited' });
    await refused(
      a.key,
      {
        operation: 'produce',
        facilityId: a.facilityId,
        chemicalId: octane,
        lotNumber: 'O',
        quantity: { value: 1, unit: 'kg' },
      },
      ['CHEMICAL_PROHIBITED'],
    );
    await t
      .http()
      .put(`/v1/chemicals/${octane}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'restricted', allowedDistricts: ['新吴'] });
    await refused(
      a.key,
      {
        operation: 'produce',
        facilityId: a.facilityId,
        chemicalId: octane,
        lotNumber: 'O',
        quantity: { value: 1, unit: 'kg' },
      },
      ['CHEMICAL_RESTRICTED'],
    );
    const b = await party(t, { licences: [PRODUCTION_LICENCE], district: '新吴' });
    expect(
      (
        await record(t, b.key, {
          operation: 'produce',
          facilityId: b.facilityId,
          chemicalId: octane,
          lotNumber: 'O',
          quantity: { value: 1, unit: 'kg' },
        })
      ).status,
    ).toBe(201);
  });

  it('PURCHASE_PERMIT_REQUIRED and PRECURSOR_FILING_REQUIRED on the buying side of a sale', async () => {
    const seller = await party(t, { licences: [PRODUCTION_LICENCE] });
    const buyer = await party(t, { roles: ['storer'], licences: [{ kind: 'business', scope: { classes: ['3'] } }] });
    const [cl] = await produce(seller, chlorine, 500);
    const [hno3] = await produce(seller, nitricAcid, 500);
    // The buyer's business licence covers class 3 only, so it does not stand in for the permit (条例 Art. 38).
    await refused(
      seller.key,
      {
        operation: 'sell',
        facilityId: seller.facilityId,
        toFacilityId: buyer.facilityId,
        chemicalId: chlorine,
        lotId: cl!.lotId,
        quantity: { value: 100, unit: 'kg' },
      },
      ['PURCHASE_PERMIT_REQUIRED', 'LICENCE_OUT_OF_SCOPE', 'LICENCE_OUT_OF_SCOPE'],
    );
    await refused(
      seller.key,
      {
        operation: 'sell',
        facilityId: seller.facilityId,
        toFacilityId: buyer.facilityId,
        chemicalId: nitricAcid,
        lotId: hno3!.lotId,
        quantity: { value: 100, unit: 'kg' },
      },
      ['PRECURSOR_FILING_REQUIRED', 'LICENCE_OUT_OF_SCOPE', 'LICENCE_OUT_OF_SCOPE'],
    );
    await makeLicence(t, buyer.enterpriseId, { kind: 'business', scope: { chemicalIds: [chlorine, nitricAcid] } });
    expect(
      (
        await record(t, seller.key, {
          operation: 'sell',
          facilityId: seller.facilityId,
          toFacilityId: buyer.facilityId,
          chemicalId: chlorine,
          lotId: cl!.lotId,
          quantity: { value: 100, unit: 'kg' },
        })
      ).status,
    ).toBe(201);
  });

  it('ENTERPRISE_BLACKLISTED: starts nothing, while losses and corrections stay recordable', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE, BUSINESS_LICENCE] });
    const [lot] = await produce(a, ethanol, 100);
    await t
      .http()
      .put(`/v1/enterprises/${a.enterpriseId}/credit-status`)
      .set(...bearer(t.adminKey))
      .send({ status: 'blacklisted', reason: '非法经营', effectiveAt: '2026-01-01T00:00:00Z' });
    await refused(
      a.key,
      {
        operation: 'produce',
        facilityId: a.facilityId,
        chemicalId: ethanol,
        lotNumber: 'B-2',
        quantity: { value: 1, unit: 'kg' },
      },
      ['ENTERPRISE_BLACKLISTED'],
    );
    expect(
      (
        await record(t, a.key, {
          operation: 'loss',
          facilityId: a.facilityId,
          chemicalId: ethanol,
          lotId: lot!.lotId,
          reason: '泄漏',
          quantity: { value: 1, unit: 'kg' },
        })
      ).status,
    ).toBe(201);
  });

  it('WASTE_RECEIVER_UNLICENSED: waste goes only to a disposer licensed for its code', async () => {
    const gen = await party(t, { licences: [PRODUCTION_LICENCE] });
    const disposer = await party(t, {
      roles: ['disposer'],
      licences: [{ kind: 'hazardous_waste', scope: { wasteCodes: ['HW06'] } }],
      facilityKind: 'disposal',
    });
    const carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    await makeLicence(t, carrier, { kind: 'road_transport', scope: { classes: ['3'] } });
    const [lot] = await produce(gen, ethanol, 100);
    const waste = await recorded(t, gen.key, {
      operation: 'waste_generate',
      facilityId: gen.facilityId,
      chemicalId: ethanol,
      lotId: lot!.lotId,
      wasteCode: 'HW09',
      quantity: { value: 50, unit: 'kg' },
    });
    const before = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM waste_manifests');
    const res = await t
      .http()
      .post('/v1/waste-manifests')
      .set(...bearer(gen.key))
      .send({
        generatorFacilityId: gen.facilityId,
        lotId: waste[1]!.lotId,
        wasteCode: 'HW09',
        // 900-007-09: oil/water mixtures, under HW09; the disposer is licensed for HW06 only.
        wasteListCode: '900-007-09',
        transporterEnterpriseId: carrier,
        receiverFacilityId: disposer.facilityId,
        quantity: { value: 50, unit: 'kg' },
        packaging: 'bulk',
      });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { rule: string }) => e.rule)).toEqual(['WASTE_RECEIVER_UNLICENSED']);
    expect(await t.db.query('SELECT count(*) AS n FROM waste_manifests')).toEqual(before);
  });

  it('a receipt completes what was addressed to it: WRONG_CONSIGNEE, RECEIPT_BEFORE_SHIPMENT, SHIPMENT_REVERSED; a shipment names a consistent consignee', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const b = await party(t, { licences: [BUSINESS_LICENCE] });
    const b2 = (await makeFacility(t, b.enterpriseId, { capacities: [{ unClass: '3', maxKg: 1000 }] })).id as string;
    const [lot] = await produce(a, ethanol, 100);
    const ship = async (over: Record<string, unknown> = {}) =>
      (
        await recorded(t, a.key, {
          operation: 'ship',
          facilityId: a.facilityId,
          chemicalId: ethanol,
          lotId: lot!.lotId,
          counterpartyFacilityId: b.facilityId,
          quantity: { value: 10, unit: 'kg' },
          occurredAt: hoursAgo(10),
          ...over,
        })
      )[0]!.id as string;
    const receipt = (sourceMovementId: string, over: Record<string, unknown> = {}) => ({
      operation: 'receive',
      facilityId: b.facilityId,
      chemicalId: ethanol,
      sourceMovementId,
      quantity: { value: 10, unit: 'kg' },
      occurredAt: hoursAgo(9),
      ...over,
    });
    const toB = await ship();
    await refused(b.key, receipt(toB, { facilityId: b2 }), ['WRONG_CONSIGNEE']);
    await refused(b.key, receipt(toB, { occurredAt: hoursAgo(11) }), ['RECEIPT_BEFORE_SHIPMENT']);
    const takenBack = await ship();
    expect(
      (
        await t
          .http()
          .post(`/v1/movements/${takenBack}/reverse`)
          .set(...bearer(a.key))
          .send({ reason: '客户取消订单' })
      ).status,
    ).toBe(201);
    await refused(b.key, receipt(takenBack), ['SHIPMENT_REVERSED']);
    const shipBody = {
      operation: 'ship',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotId: lot!.lotId,
      counterpartyFacilityId: b.facilityId,
      quantity: { value: 1, unit: 'kg' },
    };
    await refused(a.key, { ...shipBody, counterpartyEnterpriseId: a.enterpriseId }, ['COUNTERPARTY_MISMATCH']);
    await refused(a.key, { ...shipBody, counterpartyEnterpriseId: randomUUID() }, ['REFERENCE_NOT_FOUND']);
    expect((await record(t, b.key, receipt(toB))).status).toBe(201);
  });

  it("refuses an enterprise acting on another's facility (404), and volumes without a density", async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const b = await party(t, { licences: [PRODUCTION_LICENCE] });
    const res = await record(t, b.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'Z',
      quantity: { value: 1, unit: 'kg' },
    });
    expect(res.status).toBe(404);
    const caustic = (await chemicalByCas(t, '1310-73-2')).id as string; // 氢氧化钠溶液: no density in the catalogue
    await refused(
      a.key,
      {
        operation: 'produce',
        facilityId: a.facilityId,
        chemicalId: caustic,
        lotNumber: 'Z',
        quantity: { value: 1, unit: 'L' },
      },
      ['DENSITY_UNKNOWN'],
    );
  });
});
