import { chemicalByCas, makeFacility, makeLicence } from '../support/factories.js';
import {
  BUSINESS_LICENCE,
  party,
  PRODUCTION_LICENCE,
  record,
  recorded,
  SAFE_USE_LICENCE,
  stockKg,
} from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Two writes never both pass a check only one of them can satisfy: 20 parallel withdrawals of
 * 10 kg from 100 kg at one facility; 10 parallel receipts of 10 kg against a 50 kg shipment at two
 * facilities. On PostgreSQL these are real concurrent transactions on separate connections; on
 * the embedded default they queue for the one session.
 */
describe('concurrent withdrawals from one facility', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('lets exactly 10 of 20 parallel 10 kg withdrawals from 100 kg succeed, ending at 0', async () => {
    const ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    const a = await party(t, { licences: [PRODUCTION_LICENCE, SAFE_USE_LICENCE] });
    const [p] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'C-1',
      quantity: { value: 100, unit: 'kg' },
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        record(t, a.key, {
          operation: 'use',
          facilityId: a.facilityId,
          chemicalId: ethanol,
          lotId: p!.lotId,
          quantity: { value: 10, unit: 'kg' },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 422)).toHaveLength(10);
    expect(
      results
        .filter((r) => r.status === 422)
        .every((r) => (r.body.errors as Array<{ rule: string }>)[0]!.rule === 'STOCK_NEGATIVE'),
    ).toBe(true);
    expect(await stockKg(t, a.key, a.facilityId, ethanol)).toBe(0);
    expect(
      (
        await t
          .http()
          .get(`/v1/facilities/${a.facilityId}/ledger/verify`)
          .set(...bearer(a.key))
      ).body,
    ).toMatchObject({ valid: true, checked: 11 });
    expect(
      (
        await t
          .http()
          .get('/v1/ledger/consistency')
          .set(...bearer(t.adminKey))
      ).body.consistent,
    ).toBe(true);
  });

  it('lets parallel receipts of one shipment at two facilities of its consignee take no more than was shipped', async () => {
    const ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const b = await party(t, { licences: [BUSINESS_LICENCE] });
    const b2 = (await makeFacility(t, b.enterpriseId, { capacities: [{ unClass: '3', maxKg: 50_000 }] })).id as string;
    const [p] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'C-2',
      quantity: { value: 50, unit: 'kg' },
    });
    // Addressed to the enterprise, not to one facility: either of its facilities may receive it.
    const [ship] = await recorded(t, a.key, {
      operation: 'ship',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      counterpartyEnterpriseId: b.enterpriseId,
      quantity: { value: 50, unit: 'kg' },
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        record(t, b.key, {
          operation: 'receive',
          facilityId: i % 2 === 0 ? b.facilityId : b2,
          chemicalId: ethanol,
          sourceMovementId: ship!.id,
          quantity: { value: 10, unit: 'kg' },
          occurredAt: new Date().toISOString(),
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([...Array(5).fill(201), ...Array(5).fill(422)]);
    expect(
      results.filter((r) => r.status === 422).map((r) => (r.body.errors as Array<{ rule: string }>)[0]!.rule),
    ).toEqual(Array(5).fill('RECEIPT_EXCEEDS_SHIPMENT'));
    expect((await stockKg(t, b.key, b.facilityId, ethanol)) + (await stockKg(t, b.key, b2, ethanol))).toBe(50);
  });
});

/**
 * A permit's quantity is consumed once: two purchases that each fit what is left, but not
 * together, race to book their receipts. Each passed the unlocked check; the booking locks the
 * permit and judges again, so exactly one takes it.
 */
describe('concurrent purchases under one permit', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('accepts exactly one of two racing receipts of 200 kg against a 300 kg purchase filing', async () => {
    // 甲苯 (toluene): a category 3 drug precursor, bought under a police purchase filing (条例 Art. 17).
    const toluene = (await chemicalByCas(t, '108-88-3')).id as string;
    const seller = await party(t, { licences: [PRODUCTION_LICENCE] });
    const buyer = await party(t, { licences: [BUSINESS_LICENCE] });
    const filing = await makeLicence(t, buyer.enterpriseId, {
      kind: 'drug_precursor_purchase_filing',
      number: '锡公易购备[2026]0900',
      issuer: '无锡市公安局',
      validFrom: new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10),
      scope: { chemicalIds: [toluene] },
      permittedQuantityKg: 300,
      counterpartyId: seller.enterpriseId,
    });
    expect(filing.status).toBe('verified');
    const [p] = await recorded(t, seller.key, {
      operation: 'produce',
      facilityId: seller.facilityId,
      chemicalId: toluene,
      lotNumber: 'TOL-1',
      quantity: { value: 1000, unit: 'kg' },
      occurredAt: new Date(Date.now() - 30 * 3600_000).toISOString(),
    });
    // Two sales of 200 kg: each fits the 300 kg left, as nothing is received (purchased) yet.
    const sales = [];
    for (let i = 0; i < 2; i++)
      sales.push(
        (
          await recorded(t, seller.key, {
            operation: 'sell',
            facilityId: seller.facilityId,
            toFacilityId: buyer.facilityId,
            chemicalId: toluene,
            lotId: p!.lotId,
            quantity: { value: 200, unit: 'kg' },
            occurredAt: new Date(Date.now() - 20 * 3600_000).toISOString(),
          })
        )[0]!,
      );
    const results = await Promise.all(
      sales.map((sale) =>
        record(t, buyer.key, {
          operation: 'receive',
          facilityId: buyer.facilityId,
          chemicalId: toluene,
          sourceMovementId: sale.id,
          quantity: { value: 200, unit: 'kg' },
          occurredAt: new Date(Date.now() - 10 * 3600_000).toISOString(),
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    const refused = results.find((r) => r.status === 422)!;
    expect((refused.body.errors as Array<{ rule: string }>).map((e) => e.rule)).toContain('PERMIT_QUANTITY_EXCEEDED');
    const uses = await t.db.query<{ kg: string }>(
      'SELECT quantity_kg::text AS kg FROM permit_uses WHERE licence_id = $1',
      [filing.id],
    );
    expect(uses.map((u) => Number(u.kg))).toEqual([200]);
  });
});
