import { stockKg } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { LOADING_CHECK, post, rulesOf, submit, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/**
 * The newcomer's story, ledger end (issue 17, item 5): a closed trip leaves nothing in transit
 * (a shortfall within the tolerance is a transport loss 途耗; beyond it an open discrepancy until
 * emergency management resolves it), and the lot trace names the carrier, the vehicle and the
 * waybill of each shipment.
 */
describe('closing a trip and tracing its lot', () => {
  let t: TestApp;
  let emergency: string;
  let police: string;
  beforeAll(async () => {
    t = await createTestApp();
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
  });
  afterAll(() => t.close());

  const get = async (key: string, path: string) =>
    t
      .http()
      .get(path)
      .set(...bearer(key));

  /** Loads 10 t, drives it, receives `receivedKg`; answers the waybill's id and number. */
  async function received(w: TripWorld, receivedKg: number): Promise<{ id: string; number: string }> {
    const s = await submit(t, w);
    expect(s.status).toBe(200);
    expect((await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, LOADING_CHECK)).status).toBe(200);
    await post(t, w.carrier.key, `/v1/waybills/${s.id}/depart`);
    await post(t, w.carrier.key, `/v1/waybills/${s.id}/arrive`);
    const res = await post(t, w.consignee.key, `/v1/waybills/${s.id}/receive`, {
      lines: [{ line: 1, quantity: { value: receivedKg, unit: 'kg' } }],
    });
    expect(res.status).toBe(200);
    return { id: s.id, number: s.body.number as string };
  }

  const inTransitOf = async (key: string, waybillId: string): Promise<Json[]> =>
    ((await get(key, '/v1/movements/in-transit?limit=500')).body.items as Json[]).filter(
      (x) => x.waybillId === waybillId,
    );

  it('a closed trip 40 kg short of 10 t in a tank (within 0.5% = 50 kg) books the 40 kg as a transport loss and leaves nothing in transit', async () => {
    const w = await tripWorld(t);
    const { id, number } = await received(w, 9_960);
    // Before closing, the 40 kg are still in transit, addressed to the consignee.
    expect((await inTransitOf(w.consignee.key, id)).map((x) => x.openKg)).toEqual([40]);
    const closed = await post(t, w.consignee.key, `/v1/waybills/${id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.discrepancy).toBeUndefined();
    expect(await inTransitOf(w.consignee.key, id)).toEqual([]);
    expect(await inTransitOf(emergency, id)).toEqual([]);
    // The consignee's stock is what it received: 9 960 kg (+40 taken in, −40 written off).
    expect(await stockKg(t, w.consignee.key, w.consignee.facilityId, w.chemicalId)).toBeCloseTo(9_960, 3);
    const losses = (await get(w.consignee.key, `/v1/movements?type=loss&waybillId=${id}`)).body.items as Json[];
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ quantityKg: -40, facilityId: w.consignee.facilityId, lotId: w.lotId });
    expect(losses[0]!.reason).toContain('途耗');
    expect(losses[0]!.reason).toContain(number);
    // The lot's mass balance closes: 20 000 produced = 40 lost + 10 000 left + 9 960 received; 0 in transit.
    const trace = await get(emergency, `/v1/lots/${w.lotId}/trace`);
    expect(trace.body.balance).toEqual({
      inputKg: 20_000,
      consumedKg: 40,
      inStockKg: 19_960,
      inTransitKg: 0,
      balanced: true,
    });
    // The ledger's chains still verify after the loss legs.
    const verified = await get(t.adminKey, `/v1/facilities/${w.consignee.facilityId}/ledger/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ valid: true, firstBreak: null });
  });

  it('a closed trip 200 kg short (beyond 50 kg) keeps the 200 kg in transit as an open discrepancy until emergency management resolves it', async () => {
    const w = await tripWorld(t);
    const { id, number } = await received(w, 9_800);
    const closed = await post(t, w.consignor.key, `/v1/waybills/${id}/close`);
    expect(closed.body).toMatchObject({ status: 'closed', discrepancyOpen: true, discrepancyResolution: null });
    expect((await inTransitOf(emergency, id)).map((x) => x.openKg)).toEqual([200]);
    const open = await get(emergency, '/v1/waybills?discrepancy=open&limit=500');
    expect((open.body.items as Json[]).map((x) => x.id)).toContain(id);

    const body = { finding: 'transport_loss', reason: '卸料口密封垫渗漏，现场核查确认' };
    // Neither a party nor another agency resolves it.
    expect((await post(t, w.consignee.key, `/v1/waybills/${id}/discrepancy/resolve`, body)).status).toBe(403);
    expect((await post(t, police, `/v1/waybills/${id}/discrepancy/resolve`, body)).status).toBe(403);
    // A finding outside the list, or none, is no resolution.
    expect((await post(t, emergency, `/v1/waybills/${id}/discrepancy/resolve`, { finding: 'x' })).status).toBe(400);
    const resolved = await post(t, emergency, `/v1/waybills/${id}/discrepancy/resolve`, body);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      discrepancyOpen: false,
      discrepancyResolution: { finding: 'transport_loss', by: 'agency emergency' },
    });
    expect(await inTransitOf(emergency, id)).toEqual([]);
    const losses = (await get(emergency, `/v1/movements?type=loss&waybillId=${id}`)).body.items as Json[];
    expect(losses.map((m) => m.quantityKg)).toEqual([-200]);
    expect(losses[0]!.reason).toContain(number);
    expect(losses[0]!.reason).toContain(body.reason);
    const listed = await get(emergency, '/v1/waybills?discrepancy=open&limit=500');
    expect((listed.body.items as Json[]).map((x) => x.id)).not.toContain(id);
    // Once only.
    const again = await post(t, emergency, `/v1/waybills/${id}/discrepancy/resolve`, body);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DISCREPANCY_RESOLVED');
  });

  it('refuses to resolve a trip received within its tolerance: there is no discrepancy', async () => {
    const w = await tripWorld(t);
    const { id } = await received(w, 10_000);
    const res = await post(t, emergency, `/v1/waybills/${id}/discrepancy/resolve`, {
      finding: 'weighing_error',
      reason: '复核',
    });
    expect(res.status).toBe(422);
    expect(rulesOf(res.body as Json)).toEqual(['NO_DISCREPANCY']);
  });

  it("names on each shipment of the lot's trace the carrier, the vehicle's plate and the waybill's number, each party seeing its own legs", async () => {
    const w = await tripWorld(t);
    const { id, number } = await received(w, 10_000);
    const carrier = (await get(t.adminKey, `/v1/enterprises/${w.carrier.enterpriseId}`)).body as Json;
    const vehicle = (await get(t.adminKey, `/v1/vehicles/${w.vehicleId}`)).body as Json;
    const expected = {
      waybillId: id,
      waybillNumber: number,
      carrierEnterpriseId: w.carrier.enterpriseId,
      carrierName: carrier.name,
      vehiclePlate: vehicle.plate,
    };
    // Police receive every waybill event: they read the carriage of every leg.
    const agency = await get(police, `/v1/lots/${w.lotId}/trace`);
    expect(agency.status).toBe(200);
    expect(agency.body.shipments as Json[]).toEqual([
      expect.objectContaining({ type: 'ship', ...expected }),
      expect.objectContaining({ type: 'receive', ...expected }),
    ]);
    // Emergency management receives only discrepancies, not the waybill: the trace, without its carriage.
    const withoutWaybills = await get(emergency, `/v1/lots/${w.lotId}/trace`);
    expect(withoutWaybills.body.shipments).toEqual([]);
    expect(JSON.stringify(withoutWaybills.body)).not.toContain(number);
    // The consignor sees its shipment; the consignee its receipt; neither the other's leg.
    const consignor = await get(w.consignor.key, `/v1/lots/${w.lotId}/trace`);
    expect((consignor.body.shipments as Json[]).map((s) => [s.type, s.carrierName, s.vehiclePlate])).toEqual([
      ['ship', carrier.name, vehicle.plate],
    ]);
    const consignee = await get(w.consignee.key, `/v1/lots/${w.lotId}/trace`);
    expect((consignee.body.shipments as Json[]).map((s) => [s.type, s.waybillNumber])).toEqual([['receive', number]]);
    // The movement itself keeps its carriage.
    const ship = (consignor.body.movements as Json[]).find((m) => m.type === 'ship')!;
    expect(ship.carriage).toEqual({
      waybillNumber: number,
      carrierEnterpriseId: w.carrier.enterpriseId,
      vehiclePlate: vehicle.plate,
    });
  });
});
