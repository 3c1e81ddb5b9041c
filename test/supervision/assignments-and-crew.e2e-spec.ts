import { citizenId, makePerson, yearsFromNow } from '../support/factories.js';
import { LOADING_CHECK, post, rulesOf, submit, tripWorld } from '../support/waybill.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

// oxlint-disable-next-line typescript/no-explicit-any -- JSON answers are read loosely, as supertest gives them
type Json = Record<string, any>;

describe('who sets a loaded tanker’s assignment, and who learns about a person', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const assignment = (key: string, vehicleId: string, body: Json) =>
    t
      .http()
      .put(`/v1/vehicles/${vehicleId}/assignment`)
      .set(...bearer(key))
      .send(body);
  const now = Date.now();
  const unloaded = (over: Json = {}): Json => ({
    routeId: null,
    loaded: false,
    chemicalIds: [],
    validFrom: new Date(now).toISOString(),
    validTo: new Date(now + 6 * 3600_000).toISOString(),
    ...over,
  });

  it('refuses the carrier’s “not loaded” for its tanker on a loaded waybill; transport changes it only with a reason', async () => {
    const w = await tripWorld(t);
    // Before any trip the carrier sets its own vehicle's assignment.
    expect((await assignment(w.carrier.key, w.vehicleId, unloaded())).status).toBe(200);
    const s = await submit(t, w);
    expect(s.status).toBe(200);
    expect((await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, LOADING_CHECK)).status).toBe(200);
    const held = (
      await t
        .http()
        .get(`/v1/vehicles/${w.vehicleId}/assignment`)
        .set(...bearer(w.carrier.key))
    ).body;
    expect(held).toMatchObject({ loaded: true, waybillId: s.id, routeId: w.routeId, source: 'waybill' });

    // The attack: the carrier declares its loaded tanker empty, so its deviations would raise nothing.
    const attack = await assignment(w.carrier.key, w.vehicleId, unloaded());
    expect(attack.status).toBe(403);
    expect(attack.body.code).toBe('ASSIGNMENT_HELD_BY_WAYBILL');
    expect((await post(t, w.carrier.key, `/v1/waybills/${s.id}/depart`)).status).toBe(200);
    expect((await assignment(w.carrier.key, w.vehicleId, unloaded())).status).toBe(403);
    const after = (
      await t
        .http()
        .get(`/v1/vehicles/${w.vehicleId}/assignment`)
        .set(...bearer(t.adminKey))
    ).body;
    expect(after).toMatchObject({ loaded: true, waybillId: s.id, routeId: w.routeId });

    // The transport bureau may change a trip's assignment, with its reason; it stays the trip's.
    const noReason = await assignment(w.transportKey, w.vehicleId, { ...unloaded(), loaded: true, routeId: w.routeId });
    expect(noReason.status).toBe(422);
    expect(rulesOf(noReason.body)).toEqual(['required']);
    const override = await assignment(w.transportKey, w.vehicleId, {
      ...unloaded(),
      loaded: true,
      routeId: w.routeId,
      chemicalIds: [w.chemicalId],
      reason: '事故绕行，经交通运输局批准',
    });
    expect(override.status).toBe(200);
    expect(override.body).toMatchObject({ source: 'override', waybillId: s.id, reason: '事故绕行，经交通运输局批准' });
    expect((await assignment(w.carrier.key, w.vehicleId, unloaded())).status).toBe(403);
  });

  it('lets two carriers employ one person without either learning about the other’s record', async () => {
    const a = await tripWorld(t);
    const b = await tripWorld(t);
    const idNumber = citizenId();
    const atA = await makePerson(t, a.carrier.enterpriseId, { idNumber });
    // B registers the same person: neither the create nor an atomic import tells B that A has.
    const single = await post(t, b.carrier.key, '/v1/personnel', {
      name: '李卫东',
      idNumber,
      role: 'driver',
      qualificationKind: 'dg_driver',
      qualificationNumber: 'QC-B-1',
      qualificationExpiry: yearsFromNow(2),
    });
    expect(single.status).toBe(201);
    // The attack: an atomic import of candidate id numbers whose DUPLICATE rows would name the one that exists.
    const candidates = [idNumber, ...Array.from({ length: 19 }, () => citizenId())];
    const probe = await t
      .http()
      .post('/v1/import/personnel?atomic=true')
      .set(...bearer(b.carrier.key))
      .send(
        candidates.slice(1).map((n, i) => ({
          name: `候选${i}`,
          idNumber: n,
          role: 'escort',
          qualificationKind: 'dg_escort',
          qualificationNumber: `QC-${i}`,
          qualificationExpiry: yearsFromNow(2),
        })),
      );
    expect(probe.status).toBe(200);
    expect(probe.body).toMatchObject({ failed: 0, rows: [] });
    // Only B's own earlier record makes B's own row a duplicate.
    const own = await t
      .http()
      .post('/v1/import/personnel?atomic=true')
      .set(...bearer(b.carrier.key))
      .send([
        {
          name: '李卫东',
          idNumber,
          role: 'driver',
          qualificationKind: 'dg_driver',
          qualificationNumber: 'QC-B-2',
          qualificationExpiry: yearsFromNow(2),
        },
      ]);
    expect(own.status).toBe(422);
    expect(own.body.errors[0]).toMatchObject({ rule: 'DUPLICATE' });
    expect(own.body.detail).not.toContain(idNumber);
    // A's record stays out of B's sight.
    expect(
      (
        await t
          .http()
          .get(`/v1/personnel/${atA.id}`)
          .set(...bearer(b.carrier.key))
      ).status,
    ).toBe(404);
    const listed = (
      await t
        .http()
        .get('/v1/personnel?limit=500')
        .set(...bearer(b.carrier.key))
    ).body.items;
    expect(listed.every((p: Json) => p.employerId === b.carrier.enterpriseId)).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(atA.id);
  });

  it('holds the natural person, not one employment record, on a trip: no driver is on two active waybills at once', async () => {
    const a = await tripWorld(t);
    const b = await tripWorld(t);
    const idNumber = citizenId();
    const driverA = (await makePerson(t, a.carrier.enterpriseId, { idNumber })).id as string;
    const driverB = (await makePerson(t, b.carrier.enterpriseId, { idNumber })).id as string;
    const first = await submit(t, { ...a, driverId: driverA });
    expect(first.status).toBe(200);
    const second = await submit(t, { ...b, driverId: driverB });
    expect(second.status).toBe(422);
    expect(rulesOf(second.body)).toEqual(['DRIVER_BUSY']);
    // The other carrier's waybill is not named to B.
    expect(JSON.stringify(second.body)).not.toContain(first.id);
  });
});
