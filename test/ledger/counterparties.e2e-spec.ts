import { randomUUID } from 'node:crypto';
import { chemicalByCas, makeFacility } from '../support/factories.js';
import { BUSINESS_LICENCE, ledgerRows, party, type Party, PRODUCTION_LICENCE, recorded } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, unknown>;

/**
 * Issue 15, replayed through the public API by an attacker holding a valid key of enterprise E1
 * against enterprise U1: a sale that booked 500 t into U1's facility without U1, an oversized
 * movement whose error text revealed U1's stock, an adjust of 0.001 kg on U1's lot id that opened
 * the lot's trace, a shipment without destination that anyone could receive. Each is refused or
 * harmless now, and nothing E1 is answered names U1's facility or gives U1's stock or capacity.
 */
describe('ledger counterparties: stock reaches another enterprise only through its own receipt', () => {
  let t: TestApp;
  let ethanol: string;
  let police: string;
  let u1: Party;
  let e1: Party;
  let u1FacilityName: string;
  let u1LotId: string;
  /** Everything E1 was answered, for the final check. */
  const answers: Array<{ what: string; status: number; text: string }> = [];

  /** U1's figures: its stock and its capacity, distinctive enough to be found in any text. */
  const U1_STOCK_KG = 12345.678;
  const U1_CAPACITY_KG = 98765;

  beforeAll(async () => {
    t = await createTestApp();
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    u1FacilityName = `U1乙醇储罐区${Math.random().toString(36).slice(2, 8)}`;
    u1 = await party(t, { licences: [PRODUCTION_LICENCE, BUSINESS_LICENCE], capacities: [] });
    // The party's first facility stays unused; U1's real tank farm carries the name and figures.
    u1.facilityId = (
      await makeFacility(t, u1.enterpriseId, {
        name: u1FacilityName,
        capacities: [{ unClass: '3', maxKg: U1_CAPACITY_KG }],
      })
    ).id as string;
    e1 = await party(t, {
      licences: [PRODUCTION_LICENCE, BUSINESS_LICENCE],
      capacities: [{ unClass: '3', maxKg: 1_000_000 }],
    });
    const [made] = await recorded(t, u1.key, {
      operation: 'produce',
      facilityId: u1.facilityId,
      chemicalId: ethanol,
      lotNumber: 'U1-ETH-1',
      quantity: { value: U1_STOCK_KG, unit: 'kg' },
    });
    u1LotId = made!.lotId as string;
  });
  afterAll(() => t.close());

  /** A request of E1's (or another caller's), its answer kept when E1 asked. */
  async function ask(
    key: string,
    method: 'get' | 'post',
    path: string,
    body?: Json,
  ): Promise<{ status: number; body: Json }> {
    const agent = t.http();
    const req = (method === 'post' ? agent.post(path) : agent.get(path)).set(...bearer(key));
    const res = method === 'post' ? await req.send(body ?? {}) : await req;
    if (key === e1.key)
      answers.push({
        what: `${method.toUpperCase()} ${path} ${JSON.stringify(body ?? {})}`,
        status: res.status,
        text: res.text,
      });
    return { status: res.status, body: res.body as Json };
  }

  const stock = async (key: string, facilityId: string): Promise<number> =>
    ((await ask(key, 'get', `/v1/facilities/${facilityId}/stock`)).body.totalsKg as Record<string, number>)[ethanol] ??
    0;

  it("E1's sale books nothing into U1's facility until U1 receives it", async () => {
    const [lot] = await recorded(t, e1.key, {
      operation: 'produce',
      facilityId: e1.facilityId,
      chemicalId: ethanol,
      lotNumber: 'E1-ETH-500T',
      quantity: { value: 500, unit: 't' },
    });
    const sale = await ask(e1.key, 'post', '/v1/movements', {
      operation: 'sell',
      facilityId: e1.facilityId,
      toFacilityId: u1.facilityId,
      chemicalId: ethanol,
      lotId: lot!.lotId,
      quantity: { value: 500, unit: 't' },
      occurredAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    expect(sale.status).toBe(201);
    // One leg, E1's own: the 500 t are in transit, addressed to U1's facility.
    const legs = sale.body as unknown as Json[];
    expect(legs.map((m) => [m.type, m.facilityId, m.quantityKg, m.counterpartyFacilityId])).toEqual([
      ['sell', e1.facilityId, -500_000, u1.facilityId],
    ]);
    expect(await stock(u1.key, u1.facilityId)).toBe(U1_STOCK_KG);
    expect(await stock(t.adminKey, u1.facilityId)).toBe(U1_STOCK_KG);

    // U1 sees it among what is addressed to it, and decides: it takes 40 t of it.
    const incoming = await ask(u1.key, 'get', '/v1/movements/in-transit');
    expect(incoming.body.items).toEqual([
      expect.objectContaining({
        movementId: legs[0]!.id,
        type: 'sell',
        shipperEnterpriseId: e1.enterpriseId,
        consigneeFacilityId: u1.facilityId,
        shippedKg: 500_000,
        receivedKg: 0,
        openKg: 500_000,
      }),
    ]);
    expect((await ask(e1.key, 'get', '/v1/movements/in-transit')).body.items).toEqual([]);
    // E1 cannot book the receipt for U1: U1's facility is not E1's.
    expect(
      (
        await ask(e1.key, 'post', '/v1/movements', {
          operation: 'receive',
          facilityId: u1.facilityId,
          chemicalId: ethanol,
          sourceMovementId: legs[0]!.id,
          quantity: { value: 500, unit: 't' },
          occurredAt: new Date().toISOString(),
        })
      ).status,
    ).toBe(404);
    const [bought] = await recorded(t, u1.key, {
      operation: 'receive',
      facilityId: u1.facilityId,
      chemicalId: ethanol,
      sourceMovementId: legs[0]!.id,
      quantity: { value: 40, unit: 't' },
      occurredAt: new Date().toISOString(),
    });
    expect(bought).toMatchObject({
      type: 'buy',
      facilityId: u1.facilityId,
      lotId: lot!.lotId,
      quantityKg: 40_000,
      counterpartyEnterpriseId: e1.enterpriseId,
      sourceMovementId: legs[0]!.id,
    });
    expect(await stock(u1.key, u1.facilityId)).toBe(U1_STOCK_KG + 40_000);
    // The rest would not fit U1's tanks: U1 is told, about its own facility.
    const rest = await ask(u1.key, 'post', '/v1/movements', {
      operation: 'receive',
      facilityId: u1.facilityId,
      chemicalId: ethanol,
      sourceMovementId: legs[0]!.id,
      quantity: { value: 460, unit: 't' },
      occurredAt: new Date().toISOString(),
    });
    expect(rest.status).toBe(422);
    expect((rest.body.errors as Json[]).map((e) => e.rule)).toEqual(['CAPACITY_EXCEEDED']);
    // The agencies' trace shows the sale, its receipt, and what is still in transit.
    const trace = (await ask(police, 'get', `/v1/lots/${lot!.lotId as string}/trace`)).body;
    expect(trace.edges).toEqual([
      expect.objectContaining({ kind: 'sale', from: legs[0]!.id, to: bought!.id, quantityKg: 40_000 }),
    ]);
    expect(trace.balance).toEqual({
      inputKg: 500_000,
      consumedKg: 0,
      inStockKg: 40_000,
      inTransitKg: 460_000,
      balanced: true,
    });
  });

  it("refuses every movement of E1's on U1's facility or U1's lot, changing nothing", async () => {
    const before = await ledgerRows(t);
    const at = new Date(Date.now() - 3600_000).toISOString();
    const onU1Lot = { facilityId: e1.facilityId, chemicalId: ethanol, lotId: u1LotId, occurredAt: at };
    const tiny = { value: 0.001, unit: 'kg' };
    const attacks: Array<[string, Json, number, string | null]> = [
      // The finding: 0.001 kg "found" of U1's lot at E1's facility would have opened its trace.
      [
        'adjust up',
        { ...onU1Lot, operation: 'adjust', direction: 'increase', reason: '盘盈', quantity: tiny },
        422,
        'lotId',
      ],
      [
        'adjust down',
        { ...onU1Lot, operation: 'adjust', direction: 'decrease', reason: '盘亏', quantity: tiny },
        422,
        'lotId',
      ],
      ['receive of the lot', { ...onU1Lot, operation: 'receive', quantity: tiny }, 422, 'lotId'],
      ['use', { ...onU1Lot, operation: 'use', quantity: tiny }, 422, 'lotId'],
      ['loss', { ...onU1Lot, operation: 'loss', reason: '泄漏', quantity: tiny }, 422, 'lotId'],
      ['ship', { ...onU1Lot, operation: 'ship', quantity: tiny }, 422, 'lotId'],
      ['waste', { ...onU1Lot, operation: 'waste_generate', wasteCode: 'HW06', quantity: tiny }, 422, 'lotId'],
      [
        'split',
        {
          ...onU1Lot,
          operation: 'split',
          parts: [
            { lotNumber: 'X-A', value: 1 },
            { lotNumber: 'X-B', value: 1 },
          ],
        },
        422,
        'lotId',
      ],
      [
        'merge',
        {
          ...onU1Lot,
          lotId: undefined,
          operation: 'merge',
          lotNumber: 'X-M',
          sources: [
            { lotId: u1LotId, value: 1 },
            { lotId: u1LotId, value: 1 },
          ],
        },
        422,
        'sources[0].lotId',
      ],
      // An oversized movement straight at U1's facility: not E1's, so not found.
      [
        'use at U1',
        { ...onU1Lot, facilityId: u1.facilityId, operation: 'use', quantity: { value: 999_999, unit: 'kg' } },
        404,
        null,
      ],
      [
        'transfer to U1',
        {
          ...onU1Lot,
          operation: 'transfer',
          toFacilityId: u1.facilityId,
          quantity: { value: 999_999, unit: 'kg' },
        },
        422,
        null,
      ],
      // Dated two years back with a reason, so that it would be filed for emergency management:
      // not at U1's facility, and not of U1's shipment either.
      [
        'old receipt at U1',
        {
          facilityId: u1.facilityId,
          chemicalId: ethanol,
          operation: 'receive',
          lotNumber: 'FORGED-1',
          quantity: { value: 500, unit: 't' },
          occurredAt: new Date(Date.now() - 730 * 86_400_000).toISOString(),
          correctionReason: '补录',
        },
        404,
        null,
      ],
    ];
    const filings = async () => (await t.db.query('SELECT id FROM filings')).length;
    const filed = await filings();
    for (const [name, body, status, path] of attacks) {
      const res = await ask(e1.key, 'post', '/v1/movements', body);
      expect({ name, status: res.status }).toEqual({ name, status });
      if (path)
        expect({ name, errors: res.body.errors }).toEqual({
          name,
          errors: [expect.objectContaining({ path, rule: 'REFERENCE_NOT_FOUND' })],
        });
    }
    // U1's lot id answers exactly as a made-up one does.
    const made = await ask(e1.key, 'post', '/v1/movements', {
      ...onU1Lot,
      lotId: randomUUID(),
      operation: 'adjust',
      direction: 'increase',
      reason: '盘盈',
      quantity: tiny,
    });
    const real = answers.find((a) => a.what.includes('"direction":"increase"'))!;
    expect(JSON.parse(real.text).errors[0].message.replace(u1LotId, 'ID')).toBe(
      (made.body.errors as Json[])[0]!.message!.toString().replace(/[0-9a-f-]{36}/, 'ID'),
    );
    expect(await ledgerRows(t)).toEqual(before);
    expect(await filings()).toBe(filed);
    // So the trace of U1's lot stays closed to E1, and E1's lists hold nothing of it.
    expect((await ask(e1.key, 'get', `/v1/lots/${u1LotId}/trace`)).status).toBe(404);
    expect((await ask(e1.key, 'get', `/v1/lots/${u1LotId}/trace?direction=backward`)).status).toBe(404);
    expect((await ask(e1.key, 'get', `/v1/movements?lotId=${u1LotId}`)).body.items).toEqual([]);
    expect((await ask(e1.key, 'get', `/v1/facilities/${u1.facilityId}/stock`)).status).toBe(404);
    // A waste manifest cannot carry U1's lot either.
    const manifest = await ask(e1.key, 'post', '/v1/waste-manifests', {
      generatorFacilityId: e1.facilityId,
      lotId: u1LotId,
      wasteCode: 'HW06',
      wasteListCode: '900-402-06',
      transporterEnterpriseId: e1.enterpriseId,
      receiverFacilityId: u1.facilityId,
      quantity: { value: 1, unit: 'kg' },
      packaging: 'bulk',
    });
    expect(manifest.status).toBe(422);
    expect(manifest.body.errors).toEqual([expect.objectContaining({ path: 'lotId', rule: 'REFERENCE_NOT_FOUND' })]);
  });

  it('lets only the named consignee receive a shipment; one naming no consignee stays the shipper’s', async () => {
    const x = await party(t, { licences: [BUSINESS_LICENCE] });
    const ship = async (over: Json): Promise<string> =>
      (
        await recorded(t, u1.key, {
          operation: 'ship',
          facilityId: u1.facilityId,
          chemicalId: ethanol,
          lotId: u1LotId,
          quantity: { value: 10, unit: 'kg' },
          ...over,
        })
      )[0]!.id as string;
    const receive = (key: string, facilityId: string, sourceMovementId: string) =>
      ask(key, 'post', '/v1/movements', {
        operation: 'receive',
        facilityId,
        chemicalId: ethanol,
        sourceMovementId,
        quantity: { value: 10, unit: 'kg' },
        occurredAt: new Date().toISOString(),
      });
    const toNobody = await ship({});
    const toX = await ship({ counterpartyEnterpriseId: x.enterpriseId });
    const nowhere = randomUUID();
    const stranger = await receive(e1.key, e1.facilityId, toNobody);
    // The same answer as a shipment that does not exist: the stranger cannot tell.
    const missing = await receive(e1.key, e1.facilityId, nowhere);
    expect([stranger.status, missing.status]).toEqual([404, 404]);
    expect(stranger.body.detail).toBe((missing.body.detail as string).replace(nowhere, toNobody));
    expect((await receive(e1.key, e1.facilityId, toX)).status).toBe(404);
    // Nor as a correction for emergency management to confirm: nothing is filed.
    const late = await ask(e1.key, 'post', '/v1/movements', {
      operation: 'receive',
      facilityId: e1.facilityId,
      chemicalId: ethanol,
      sourceMovementId: toNobody,
      quantity: { value: 10, unit: 'kg' },
      occurredAt: new Date(Date.now() - 730 * 86_400_000).toISOString(),
      correctionReason: '补录',
    });
    expect(late.status).toBe(404);
    expect(await t.db.query('SELECT id FROM filings')).toEqual([]);
    expect((await ask(e1.key, 'get', `/v1/movements/${toX}`)).status).toBe(404);
    // The consignee named (an enterprise, no facility) receives it at its facility.
    expect((await receive(x.key, x.facilityId, toX)).status).toBe(201);
    expect((await receive(x.key, x.facilityId, toX)).body.errors).toEqual([
      expect.objectContaining({ rule: 'RECEIPT_EXCEEDS_SHIPMENT' }),
    ]);
    // With no consignee named, it comes back only to its shipper (a return to another of its facilities).
    expect((await receive(x.key, x.facilityId, toNobody)).status).toBe(404);
    const back = (await makeFacility(t, u1.enterpriseId, { capacities: [{ unClass: '3', maxKg: 1000 }] })).id as string;
    expect((await receive(u1.key, back, toNobody)).status).toBe(201);
  });

  it('never shows E1 a name of U1’s facility, U1’s stock or U1’s capacity', async () => {
    // E1's remaining doors: the stock, trace and movement reads of U1's ids.
    await ask(e1.key, 'get', `/v1/facilities/${u1.facilityId}`);
    await ask(e1.key, 'get', `/v1/facilities/${u1.facilityId}/ledger/verify`);
    await ask(e1.key, 'get', `/v1/movements?facilityId=${u1.facilityId}`);
    await ask(e1.key, 'get', '/v1/movements?limit=500');
    expect(answers.length).toBeGreaterThan(25);
    // U1's stock before and after its purchase (12,345.678 kg, 52,345.678 kg), anything added to
    // it, and its capacity, however formatted; not inside an id or hash (hex on both sides).
    const figures = /(?<![0-9a-fA-F])(?:5?12,?345|52,?345|98,?765)(?![0-9a-fA-F])/;
    const leaks = answers.flatMap((a) => [
      ...(a.text.includes(u1FacilityName) ? [`${a.what} → ${a.status}: names U1's facility`] : []),
      ...(figures.test(a.text) ? [`${a.what} → ${a.status}: shows ${figures.exec(a.text)![0]}`] : []),
    ]);
    expect(leaks).toEqual([]);
    // The check can fail: U1's own answers do show its figures and its facility's name.
    const own = JSON.stringify((await ask(u1.key, 'get', `/v1/facilities/${u1.facilityId}`)).body);
    expect([figures.test(own), own.includes(u1FacilityName)]).toEqual([true, true]);
  });
});
