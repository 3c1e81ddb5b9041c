import { chemicalByCas } from '../support/factories.js';
import { makeFacility } from '../support/factories.js';
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
