import { chemicalByCas, makeEnterprise, makeLicence } from '../support/factories.js';
import {
  BUSINESS_LICENCE,
  hoursAgo,
  party,
  PRODUCTION_LICENCE,
  recorded,
  SAFE_USE_LICENCE,
  stockKg,
} from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * One lot of a highly toxic chemical (sodium cyanide, 剧毒) from production at A, through a sale to
 * B (in transit until B receives it), use and waste at B, a manifest to a licensed disposer C and disposal there; traced forward
 * from the lot and backward from C's disposal.
 */
describe('a highly toxic lot through its whole life', () => {
  let t: TestApp;
  let cyanide: string;
  let police: string;
  beforeAll(async () => {
    t = await createTestApp();
    cyanide = (await chemicalByCas(t, '143-33-9')).id as string;
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
  });
  afterAll(() => t.close());

  it('is produced, sold, used, wasted, shipped on a manifest and disposed, and traces with balanced quantities', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const b = await party(t, {
      roles: ['user'],
      licences: [
        SAFE_USE_LICENCE,
        { kind: 'highly_toxic_purchase', scope: { chemicalIds: [cyanide] }, permittedQuantityKg: 1000 },
      ],
      facilityKind: 'use',
    });
    const c = await party(t, {
      roles: ['disposer'],
      licences: [{ kind: 'hazardous_waste', scope: { wasteCodes: ['HW33'] } }],
      facilityKind: 'disposal',
    });
    const carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    await makeLicence(t, carrier, { kind: 'road_transport', scope: { classes: ['6.1'] } });

    const [produced] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: cyanide,
      lotNumber: 'NaCN-20260601',
      quantity: { value: 2, unit: 't' },
      occurredAt: hoursAgo(60),
    });
    const lotId = produced!.lotId as string;
    expect(produced).toMatchObject({ type: 'produce', quantityKg: 2000, original: { value: 2, unit: 't' } });

    const sale = await recorded(t, a.key, {
      operation: 'sell',
      facilityId: a.facilityId,
      toFacilityId: b.facilityId,
      chemicalId: cyanide,
      lotId,
      quantity: { value: 1200, unit: 'kg' },
      occurredAt: hoursAgo(54),
    });
    // The sale is A's leg; B's stock changes only when B books the receipt (its purchase).
    expect(sale.map((m) => [m.type, m.facilityId, m.quantityKg])).toEqual([['sell', a.facilityId, -1200]]);
    expect(await stockKg(t, b.key, b.facilityId, cyanide)).toBe(0);
    const [bought] = await recorded(t, b.key, {
      operation: 'receive',
      facilityId: b.facilityId,
      chemicalId: cyanide,
      sourceMovementId: sale[0]!.id,
      quantity: { value: 1200, unit: 'kg' },
      occurredAt: hoursAgo(52),
    });
    expect(bought).toMatchObject({ type: 'buy', lotId, quantityKg: 1200, counterpartyEnterpriseId: a.enterpriseId });
    await recorded(t, b.key, {
      operation: 'use',
      facilityId: b.facilityId,
      chemicalId: cyanide,
      lotId,
      quantity: { value: 900, unit: 'kg' },
      occurredAt: hoursAgo(48),
    });
    const waste = await recorded(t, b.key, {
      operation: 'waste_generate',
      facilityId: b.facilityId,
      chemicalId: cyanide,
      lotId,
      wasteCode: 'HW33',
      quantity: { value: 300, unit: 'kg' },
      occurredAt: hoursAgo(40),
    });
    const wasteLotId = waste[1]!.lotId as string;

    const manifest = await t
      .http()
      .post('/v1/waste-manifests')
      .set(...bearer(b.key))
      .send({
        generatorFacilityId: b.facilityId,
        lotId: wasteLotId,
        wasteCode: 'HW33',
        // 900-027-33: cyanide-bearing waste of the 2021 list, under HW33 (无机氰化物废物).
        wasteListCode: '900-027-33',
        transporterEnterpriseId: carrier,
        receiverFacilityId: c.facilityId,
        quantity: { value: 300, unit: 'kg' },
        packaging: 'packaged',
      });
    expect(manifest.status).toBe(201);
    const id = manifest.body.id as string;
    expect(
      (
        await t
          .http()
          .post(`/v1/waste-manifests/${id}/ship`)
          .set(...bearer(b.key))
          .send({ occurredAt: hoursAgo(30) })
      ).body.state,
    ).toBe('shipped');
    // The transporter named on the manifest confirms it took the waste.
    expect(
      (
        await t
          .http()
          .post(`/v1/waste-manifests/${id}/pickup`)
          .set(...bearer(await t.mintKey({ principal: 'enterprise', enterpriseId: carrier })))
          .send({ occurredAt: hoursAgo(28) })
      ).body.state,
    ).toBe('picked_up');
    expect(
      (
        await t
          .http()
          .post(`/v1/waste-manifests/${id}/receive`)
          .set(...bearer(c.key))
          .send({ quantity: { value: 300, unit: 'kg' }, occurredAt: hoursAgo(26) })
      ).body,
    ).toMatchObject({ state: 'received', discrepancyKg: null });
    expect(
      (
        await t
          .http()
          .post(`/v1/waste-manifests/${id}/dispose`)
          .set(...bearer(c.key))
          .send({ method: 'physico_chemical', occurredAt: hoursAgo(20) })
      ).body.state,
    ).toBe('disposed');

    expect(await stockKg(t, a.key, a.facilityId, cyanide)).toBe(800);
    expect(await stockKg(t, b.key, b.facilityId, cyanide)).toBe(0);
    expect(await stockKg(t, c.key, c.facilityId, cyanide)).toBe(0);

    const forward = (
      await t
        .http()
        .get(`/v1/lots/${lotId}/trace?direction=forward`)
        .set(...bearer(police))
    ).body;
    const steps = forward.movements.map((m: { type: string; quantityKg: number }) => `${m.type} ${m.quantityKg}`);
    expect(steps).toEqual([
      'produce 2000',
      'sell -1200',
      'buy 1200',
      'use -900',
      'waste_generate -300',
      'waste_generate 300',
      'waste_transfer -300',
      'waste_receive 300',
      'dispose -300',
    ]);
    expect(forward.balance).toEqual({
      inputKg: 2000,
      consumedKg: 1200,
      inStockKg: 800,
      inTransitKg: 0,
      balanced: true,
    });
    expect(forward.lots.map((l: { balance: { balanced: boolean } }) => l.balance.balanced)).toEqual([true, true]);
    expect(forward.edges.map((e: { kind: string; quantityKg: number }) => `${e.kind} ${e.quantityKg}`).sort()).toEqual([
      'manifest 300',
      'sale 1200',
      'waste 300',
    ]);
    expect(forward.enterprises.map((e: { id: string }) => e.id).sort()).toEqual(
      [a.enterpriseId, b.enterpriseId, c.enterpriseId].sort(),
    );

    const backward = (
      await t
        .http()
        .get(`/v1/lots/${wasteLotId}/trace?direction=backward`)
        .set(...bearer(police))
    ).body;
    const producedAtA = backward.movements.find((m: { type: string }) => m.type === 'produce');
    expect(producedAtA).toMatchObject({
      facilityId: a.facilityId,
      enterpriseId: a.enterpriseId,
      lotId,
      quantityKg: 2000,
    });
    expect(backward.movements.find((m: { type: string }) => m.type === 'dispose')).toMatchObject({
      facilityId: c.facilityId,
      disposalMethod: 'physico_chemical',
    });
    expect(backward.balance.balanced).toBe(true);

    // Each enterprise traces its own part: its movements, the edges to its counterparties (by id),
    // and a balance where what others sent it came in and what others received from it went out.
    const partOf = async (key: string) =>
      (
        await t
          .http()
          .get(`/v1/lots/${lotId}/trace?direction=forward`)
          .set(...bearer(key))
      ).body;
    const bView = await partOf(b.key);
    expect(new Set(bView.movements.map((m: { enterpriseId: string }) => m.enterpriseId))).toEqual(
      new Set([b.enterpriseId]),
    );
    expect(bView.facilities.map((f: { id: string }) => f.id)).toEqual([b.facilityId]);
    expect(bView.enterprises.map((e: { id: string }) => e.id)).toEqual([b.enterpriseId]);
    expect(bView.edges.map((e: { kind: string }) => e.kind).sort()).toEqual(['manifest', 'sale', 'waste']);
    expect(bView.balance).toEqual({ inputKg: 1200, consumedKg: 1200, inStockKg: 0, inTransitKg: 0, balanced: true });
    const aView = await partOf(a.key);
    expect(aView.lots.map((l: { id: string }) => l.id)).toEqual([lotId]);
    expect(aView.balance).toEqual({ inputKg: 2000, consumedKg: 1200, inStockKg: 800, inTransitKg: 0, balanced: true });
    const cView = await partOf(c.key);
    expect(cView.movements.map((m: { type: string }) => m.type)).toEqual(['waste_receive', 'dispose']);
    expect(cView.balance).toEqual({ inputKg: 300, consumedKg: 300, inStockKg: 0, inTransitKg: 0, balanced: true });

    for (const f of [a, b, c]) {
      expect(
        (
          await t
            .http()
            .get(`/v1/facilities/${f.facilityId}/ledger/verify`)
            .set(...bearer(f.key))
        ).body,
      ).toMatchObject({ valid: true, firstBreak: null });
    }
    expect(
      (
        await t
          .http()
          .get('/v1/ledger/consistency')
          .set(...bearer(t.adminKey))
      ).body,
    ).toEqual({ consistent: true, mismatches: [] });
    const events = await t.db.query<{ operation: string }>(
      `SELECT payload->>'operation' AS operation FROM outbox WHERE type = 'ledger.movement.recorded' ORDER BY position`,
    );
    expect(events.map((e) => e.operation)).toEqual([
      'produce',
      'sell',
      'receive',
      'use',
      'waste_generate',
      'waste_transfer',
      'waste_receive',
      'dispose',
    ]);
  });

  it('ships by road and receives at the consignee keeping the lot, with stock as of any time', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const b = await party(t, { licences: [BUSINESS_LICENCE] });
    const ethanol = (await chemicalByCas(t, '64-17-5')).id as string; // density 0.789 kg/L
    const [made] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'ETH-1',
      quantity: { value: 20, unit: 'm3' },
      occurredAt: hoursAgo(50),
    });
    expect(made!.quantityKg).toBeCloseTo(20 * 1000 * 0.789, 3);
    const [ship] = await recorded(t, a.key, {
      operation: 'ship',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotId: made!.lotId,
      counterpartyFacilityId: b.facilityId,
      quantity: { value: 10000, unit: 'L' },
      occurredAt: hoursAgo(26),
    });
    const [received] = await recorded(t, b.key, {
      operation: 'receive',
      facilityId: b.facilityId,
      chemicalId: ethanol,
      sourceMovementId: ship!.id,
      quantity: { value: 7890, unit: 'kg' },
      occurredAt: hoursAgo(20),
    });
    expect(received).toMatchObject({ lotId: made!.lotId, counterpartyEnterpriseId: a.enterpriseId });
    expect(await stockKg(t, a.key, a.facilityId, ethanol, hoursAgo(38))).toBeCloseTo(15780, 3);
    expect(await stockKg(t, a.key, a.facilityId, ethanol)).toBeCloseTo(7890, 3);
    expect(await stockKg(t, b.key, b.facilityId, ethanol, hoursAgo(23))).toBe(0);
    const trace = (
      await t
        .http()
        .get(`/v1/lots/${made!.lotId as string}/trace`)
        .set(...bearer(police))
    ).body;
    expect(trace.edges).toEqual([expect.objectContaining({ kind: 'shipment', from: ship!.id, to: received!.id })]);
    expect(trace.balance).toMatchObject({ inStockKg: 15780, inTransitKg: 0, balanced: true });
  });
});
