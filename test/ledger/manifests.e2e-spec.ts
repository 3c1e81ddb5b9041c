import { chemicalByCas, makeEnterprise, makeLicence } from '../support/factories.js';
import { hoursAgo, party, PRODUCTION_LICENCE, recorded, stockKg } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

describe('hazardous waste manifests (危险废物转移联单)', () => {
  let t: TestApp;
  let ethanol: string;
  let carrier: string;
  let carrierKey: string;
  let ecology: string;
  beforeAll(async () => {
    t = await createTestApp();
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    await makeLicence(t, carrier, { kind: 'road_transport', scope: { classes: ['3'] } });
    carrierKey = await t.mintKey({ principal: 'enterprise', enterpriseId: carrier });
    ecology = await t.mintKey({ principal: 'agency', agency: 'ecology' });
  });
  afterAll(() => t.close());

  /** The transporter named on the manifest confirms it took the waste (承运人). */
  async function pickup(id: string, at = hoursAgo(11)) {
    const res = await t
      .http()
      .post(`/v1/waste-manifests/${id}/pickup`)
      .set(...bearer(carrierKey))
      .send({ occurredAt: at });
    expect(res.status).toBe(200);
    return res;
  }

  async function wasteReady(packaging: 'bulk' | 'packaged', kg = 1000) {
    const gen = await party(t, { licences: [PRODUCTION_LICENCE] });
    const disposer = await party(t, {
      roles: ['disposer'],
      licences: [{ kind: 'hazardous_waste', scope: { wasteCodes: ['HW06'] } }],
      facilityKind: 'disposal',
    });
    const [p] = await recorded(t, gen.key, {
      operation: 'produce',
      facilityId: gen.facilityId,
      chemicalId: ethanol,
      lotNumber: `W${Math.random().toString(36).slice(2, 7)}`,
      quantity: { value: kg, unit: 'kg' },
    });
    const waste = await recorded(t, gen.key, {
      operation: 'waste_generate',
      facilityId: gen.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      wasteCode: 'HW06',
      quantity: { value: kg, unit: 'kg' },
    });
    const res = await t
      .http()
      .post('/v1/waste-manifests')
      .set(...bearer(gen.key))
      .send({
        generatorFacilityId: gen.facilityId,
        lotId: waste[1]!.lotId,
        wasteCode: 'HW06',
        // 900-402-06: organic solvents of the hazardous chemicals catalogue spent as cleaning agents or solvents.
        wasteListCode: '900-402-06',
        transporterEnterpriseId: carrier,
        receiverFacilityId: disposer.facilityId,
        quantity: { value: kg, unit: 'kg' },
        packaging,
      });
    expect(res.status).toBe(201);
    return { gen, disposer, id: res.body.id as string, number: res.body.number as string };
  }

  it('raises a discrepancy for a bulk load received 2% short, readable by ecology, and publishes it', async () => {
    const { gen, disposer, id, number } = await wasteReady('bulk');
    await t
      .http()
      .post(`/v1/waste-manifests/${id}/ship`)
      .set(...bearer(gen.key))
      .send({ occurredAt: hoursAgo(12) });
    await pickup(id);
    const received = await t
      .http()
      .post(`/v1/waste-manifests/${id}/receive`)
      .set(...bearer(disposer.key))
      .send({ quantity: { value: 980, unit: 'kg' }, occurredAt: hoursAgo(8) });
    expect(received.body).toMatchObject({
      state: 'received',
      shippedKg: 1000,
      receivedKg: 980,
      discrepancyKg: 20,
      toleranceRatio: 0.01,
    });
    const listed = await t
      .http()
      .get('/v1/waste-manifests?discrepancy=true&limit=500')
      .set(...bearer(ecology));
    expect(listed.body.items.map((m: { number: string }) => m.number)).toContain(number);
    const [event] = await t.db.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM outbox WHERE type = 'waste.discrepancy' AND subject_id = $1`,
      [id],
    );
    expect(event!.payload).toMatchObject({ shippedKg: 1000, receivedKg: 980, differenceKg: 20 });
  });

  it('accepts a bulk load within 1%, but not a packaged one off by a kilogram', async () => {
    const bulk = await wasteReady('bulk');
    await t
      .http()
      .post(`/v1/waste-manifests/${bulk.id}/ship`)
      .set(...bearer(bulk.gen.key))
      .send({ occurredAt: hoursAgo(12) });
    await pickup(bulk.id);
    const ok = await t
      .http()
      .post(`/v1/waste-manifests/${bulk.id}/receive`)
      .set(...bearer(bulk.disposer.key))
      .send({ quantity: { value: 995, unit: 'kg' }, occurredAt: hoursAgo(8) });
    expect(ok.body.discrepancyKg).toBeNull();
    const packaged = await wasteReady('packaged', 200);
    await t
      .http()
      .post(`/v1/waste-manifests/${packaged.id}/ship`)
      .set(...bearer(packaged.gen.key))
      .send({ occurredAt: hoursAgo(12) });
    await pickup(packaged.id);
    const off = await t
      .http()
      .post(`/v1/waste-manifests/${packaged.id}/receive`)
      .set(...bearer(packaged.disposer.key))
      .send({ quantity: { value: 199, unit: 'kg' }, occurredAt: hoursAgo(8) });
    expect(off.body.discrepancyKg).toBe(1);
  });

  it('keeps its state machine: steps out of order are 409 with the current state, steps by the wrong party refused', async () => {
    const { gen, disposer, id } = await wasteReady('packaged', 100);
    const early = await t
      .http()
      .post(`/v1/waste-manifests/${id}/receive`)
      .set(...bearer(disposer.key))
      .send({ quantity: { value: 100, unit: 'kg' }, occurredAt: hoursAgo(8) });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'INVALID_STATE', state: 'created' });
    const wrongParty = await t
      .http()
      .post(`/v1/waste-manifests/${id}/ship`)
      .set(...bearer(disposer.key))
      .send({ occurredAt: hoursAgo(12) });
    expect(wrongParty.status).toBe(422);
    await t
      .http()
      .post(`/v1/waste-manifests/${id}/ship`)
      .set(...bearer(gen.key))
      .send({ occurredAt: hoursAgo(12) });
    // Handed over but not picked up: the waste is still the generator's.
    expect(await stockKg(t, gen.key, gen.facilityId, ethanol)).toBe(100);
    await pickup(id);
    expect(await stockKg(t, gen.key, gen.facilityId, ethanol)).toBe(0);
    // A step is dated when the waste moved: not before the step it follows, not ahead of the
    // clock, not beyond the backdating window (it is no correction to file).
    for (const [occurredAt, rule] of [
      [hoursAgo(13), 'BEFORE_PREVIOUS_STEP'],
      [hoursAgo(-0.2), 'IN_FUTURE'],
      [hoursAgo(80), 'BEYOND_BACKDATE_WINDOW'],
    ]) {
      const res = await t
        .http()
        .post(`/v1/waste-manifests/${id}/receive`)
        .set(...bearer(disposer.key))
        .send({ quantity: { value: 100, unit: 'kg' }, occurredAt });
      expect({ rule, status: res.status, errors: res.body.errors }).toEqual({
        rule,
        status: 422,
        errors: [expect.objectContaining({ path: 'occurredAt', rule })],
      });
    }
    const rejected = await t
      .http()
      .post(`/v1/waste-manifests/${id}/reject`)
      .set(...bearer(disposer.key))
      .send({ reason: '包装破损', occurredAt: hoursAgo(7) });
    expect(rejected.body.state).toBe('rejected');
    expect(await stockKg(t, gen.key, gen.facilityId, ethanol)).toBe(100);
    const other = await party(t);
    expect(
      (
        await t
          .http()
          .get(`/v1/waste-manifests/${id}`)
          .set(...bearer(other.key))
      ).status,
    ).toBe(404);
  });
});
