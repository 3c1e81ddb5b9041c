import { chemicalByCas, makeEnterprise, makeFacility, makeLicence } from '../support/factories.js';
import { post, rulesOf, submit, tripWorld, type TripWorld } from '../support/waybill.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

// oxlint-disable-next-line typescript/no-explicit-any -- JSON answers are read loosely, as supertest gives them
type Json = Record<string, any>;

/**
 * Gating facts on vehicles, personnel and facilities (issue 15): the enterprise's change is a claim
 * filed for the agency that issues the fact; the confirmed value rules until that agency confirms.
 */
describe('gating facts: filed by the enterprise, confirmed by the issuing agency', () => {
  let t: TestApp;
  let market: string;
  let transport: string;
  let emergency: string;
  let police: string;
  beforeAll(async () => {
    t = await createTestApp();
    market = await t.mintKey({ principal: 'agency', agency: 'market' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
  });
  afterAll(() => t.close());

  const patch = (key: string, path: string, body: Json) =>
    t
      .http()
      .patch(path)
      .set(...bearer(key))
      .send(body);
  const get = (key: string, path: string) =>
    t
      .http()
      .get(path)
      .set(...bearer(key));
  /** Submits a fresh waybill for the world; a submitted one is cancelled again so the vehicle is free. */
  const trySubmit = async (w: TripWorld): Promise<string[]> => {
    const res = await submit(t, w);
    if (res.status === 200) {
      await post(t, w.consignor.key, `/v1/waybills/${res.id}/cancel`, { reason: 'test' });
      return [];
    }
    expect(res.status).toBe(422);
    return rulesOf(res.body);
  };
  const pendingFiling = async (key: string, subjectId: string, kind: string): Promise<Json> => {
    const res = await get(key, `/v1/filings?status=pending&subjectId=${subjectId}&kind=${kind}`);
    expect(res.body.items).toHaveLength(1);
    return res.body.items[0];
  };
  /** The trip ends 3 h from now: an inspection expiring yesterday does not cover it. */
  const yesterday = (): string => new Date(Date.now() - 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);

  it('tank inspection: filed → pending and refused; market confirms → allowed; market suspends → refused; filed again → still refused', async () => {
    const w = await tripWorld(t, { vehicle: { tankInspectionExpiry: yesterday() } });
    const vehicle = `/v1/vehicles/${w.vehicleId}`;
    expect(await trySubmit(w)).toEqual(['TANK_INSPECTION_EXPIRED']);

    // The carrier extends its own tank inspection to 2099: a claim, not a fact.
    const claim = await patch(w.carrier.key, vehicle, { tankInspectionExpiry: '2099-12-31' });
    expect(claim.status).toBe(202);
    expect(claim.body.tankInspectionExpiry).toBe(yesterday());
    expect(claim.body.pendingChanges).toEqual([
      expect.objectContaining({
        kind: 'vehicle.tank',
        agency: 'market',
        proposed: { tankInspectionExpiry: '2099-12-31' },
      }),
    ]);
    expect(await trySubmit(w)).toEqual(['TANK_INSPECTION_EXPIRED']);

    // Transport does not issue tank inspections: it neither sees the item nor writes the field.
    const filing = await pendingFiling(market, w.vehicleId, 'vehicle.tank');
    expect((await post(t, transport, `/v1/filings/${filing.id}/confirm`)).status).toBe(404);
    const byTransport = await patch(transport, vehicle, { tankInspectionExpiry: '2031-01-01' });
    expect(byTransport.status).toBe(403);
    expect(byTransport.body.code).toBe('NOT_THE_ISSUER');

    const confirmed = await post(t, market, `/v1/filings/${filing.id}/confirm`, { reason: '检验报告 TJ-2026-118' });
    expect(confirmed.status).toBe(200);
    expect((await get(w.carrier.key, vehicle)).body).toMatchObject({
      tankInspectionExpiry: '2099-12-31',
      pendingChanges: [],
    });
    expect(await trySubmit(w)).toEqual([]);

    // Market supervision suspends the tank (its own act, with its reason): refused again.
    const suspended = await patch(market, vehicle, { tankInspectionExpiry: null, reason: '罐体检验不合格，暂停使用' });
    expect(suspended.status).toBe(200);
    expect(await trySubmit(w)).toEqual(['TANK_INSPECTION_EXPIRED']);
    const again = await patch(w.carrier.key, vehicle, { tankInspectionExpiry: '2099-12-31' });
    expect(again.status).toBe(202);
    expect(await trySubmit(w)).toEqual(['TANK_INSPECTION_EXPIRED']);

    // The vehicle's filings are the history of its tank facts: who, when, why.
    const history = (await get(market, `/v1/filings?subjectId=${w.vehicleId}&kind=vehicle.tank`)).body.items;
    expect(history.map((f: Json) => [f.status, f.filedBy.split(' ')[0], f.reason])).toEqual([
      ['confirmed', 'enterprise', '检验报告 TJ-2026-118'],
      ['confirmed', 'agency', '罐体检验不合格，暂停使用'],
      ['pending', 'enterprise', null],
    ]);
  });

  it('crew qualification: the carrier’s extension to 2099 waits for transport; the confirmed expiry rules', async () => {
    const w = await tripWorld(t, { driver: { qualificationExpiry: yesterday() } });
    expect(await trySubmit(w)).toEqual(['DRIVER_QUALIFICATION_EXPIRED']);
    const person = `/v1/personnel/${w.driverId}`;
    const claim = await patch(w.carrier.key, person, { qualificationExpiry: '2099-12-31', phone: '13700000001' });
    expect(claim.status).toBe(202);
    // The phone is the employer's to change; the qualification is not.
    expect(claim.body).toMatchObject({ phone: '13700000001', qualificationExpiry: yesterday() });
    expect(await trySubmit(w)).toEqual(['DRIVER_QUALIFICATION_EXPIRED']);
    const filing = await pendingFiling(transport, w.driverId, 'person.qualification');
    expect((await post(t, police, `/v1/filings/${filing.id}/confirm`)).status).toBe(404);
    expect((await post(t, transport, `/v1/filings/${filing.id}/confirm`)).status).toBe(200);
    expect(await trySubmit(w)).toEqual([]);
  });

  it('a carrier’s own registrations leave vehicle and crew unconfirmed until their agencies confirm', async () => {
    const w = await tripWorld(t);
    const methanol = w.chemicalId;
    const plateSuffix = Math.random().toString(36).slice(2, 7).toUpperCase().replace(/[IO]/g, 'A');
    const v = await post(t, w.carrier.key, '/v1/vehicles', {
      kind: 'tanker',
      plate: `苏B${plateSuffix}`,
      permittedClasses: ['3'],
      tankVolumeM3: 24.5,
      approvedLoadKg: 30000,
      approvedMedia: [methanol],
      tankInspectionExpiry: '2099-06-30',
      transportCertNumber: '苏交运管无字999号',
      transportCertExpiry: '2099-12-31',
      terminalId: `0139${String(Date.now()).slice(-8)}`,
    });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({
      permittedClasses: [],
      tankInspectionExpiry: null,
      transportCertExpiry: null,
      terminalId: null,
    });
    expect(v.body.pendingChanges.map((c: Json) => [c.kind, c.agency]).sort()).toEqual([
      ['vehicle.tank', 'market'],
      ['vehicle.terminal', 'transport'],
      ['vehicle.transport_certificate', 'transport'],
    ]);
    const rules = (await trySubmit({ ...w, vehicleId: v.body.id })).sort();
    expect(rules).toEqual(
      expect.arrayContaining(['NO_TERMINAL', 'TANK_INSPECTION_EXPIRED', 'TRANSPORT_CERT_EXPIRED', 'VEHICLE_CLASS']),
    );
    for (const [key, kind] of [
      [market, 'vehicle.tank'],
      [transport, 'vehicle.terminal'],
      [transport, 'vehicle.transport_certificate'],
    ] as const) {
      const f = await pendingFiling(key, v.body.id, kind);
      expect((await post(t, key, `/v1/filings/${f.id}/confirm`)).status).toBe(200);
    }
    expect(await trySubmit({ ...w, vehicleId: v.body.id })).toEqual([]);
  });

  it('facility district: filed → pending, the restriction of the confirmed district rules; emergency confirms → allowed; moves it back → refused; filed again → still refused', async () => {
    // A chemical restricted to 江阴 (限制): storing it is allowed only in a facility there.
    const chemical = await post(t, t.adminKey, '/v1/chemicals', {
      nameZh: `限制化学品${Date.now()}`,
      nameEn: 'restricted test substance',
      unNumber: '1993',
      unClass: '3',
      packingGroups: ['III'],
      physicalState: 'liquid',
    });
    expect(chemical.status).toBe(201);
    const control = await t
      .http()
      .put(`/v1/chemicals/${chemical.body.id}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'restricted', allowedDistricts: ['江阴'] });
    expect(control.status).toBe(200);
    const e = (await makeEnterprise(t, { roles: ['producer', 'storer'] })).id as string;
    await makeLicence(t, e, { scope: { classes: ['3'] } });
    const f = (await makeFacility(t, e, { district: '新吴', capacities: [{ unClass: '3', maxKg: 100_000 }] }))
      .id as string;
    const key = await t.mintKey({ principal: 'enterprise', enterpriseId: e });
    const produce = async (): Promise<string[]> => {
      const res = await post(t, key, '/v1/movements', {
        operation: 'produce',
        facilityId: f,
        chemicalId: chemical.body.id,
        lotNumber: `L${Math.random().toString(36).slice(2, 9)}`,
        quantity: { value: 10, unit: 'kg' },
        occurredAt: new Date().toISOString(),
      });
      return res.status === 201 ? [] : rulesOf(res.body);
    };
    expect(await produce()).toEqual(['CHEMICAL_RESTRICTED']);
    // Moving the facility to another district by PATCH to escape the restriction is a claim.
    const claim = await patch(key, `/v1/facilities/${f}`, { district: '江阴', name: '一号罐区' });
    expect(claim.status).toBe(202);
    expect(claim.body).toMatchObject({ district: '新吴', name: '一号罐区' });
    expect(await produce()).toEqual(['CHEMICAL_RESTRICTED']);
    const filing = await pendingFiling(emergency, f, 'facility.siting');
    expect(filing.proposed).toEqual({ district: '江阴' });
    expect((await post(t, emergency, `/v1/filings/${filing.id}/confirm`)).status).toBe(200);
    expect(await produce()).toEqual([]);
    // Emergency management corrects the district (its own act): refused again.
    expect(
      (await patch(emergency, `/v1/facilities/${f}`, { district: '新吴', reason: '现场核查在新吴区' })).status,
    ).toBe(200);
    expect(await produce()).toEqual(['CHEMICAL_RESTRICTED']);
    expect((await patch(key, `/v1/facilities/${f}`, { district: '江阴' })).status).toBe(202);
    expect(await produce()).toEqual(['CHEMICAL_RESTRICTED']);
  });

  it('a facility an enterprise registers is pending and takes in nothing until emergency management confirms its siting', async () => {
    const e = (await makeEnterprise(t, { roles: ['producer', 'storer'] })).id as string;
    await makeLicence(t, e, { scope: { classes: ['3'] } });
    const key = await t.mintKey({ principal: 'enterprise', enterpriseId: e });
    const created = await post(t, key, '/v1/facilities', {
      name: '新建罐区',
      kind: 'storage',
      geometry: { type: 'Point', coordinates: [120.35, 31.49] },
      district: '新吴',
      address: '无锡市新吴区化工路 9 号',
      capacities: [{ unClass: '3', maxKg: 1_000_000 }],
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('pending');
    const ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    const produce = () =>
      post(t, key, '/v1/movements', {
        operation: 'produce',
        facilityId: created.body.id,
        chemicalId: ethanol,
        lotNumber: `L${Math.random().toString(36).slice(2, 9)}`,
        quantity: { value: 10, unit: 'kg' },
        occurredAt: new Date().toISOString(),
      });
    const refused = await produce();
    expect(refused.status).toBe(422);
    expect(rulesOf(refused.body)).toEqual(['FACILITY_NOT_CONFIRMED']);
    const filing = await pendingFiling(emergency, created.body.id, 'facility.siting');
    expect(filing.proposed).toMatchObject({ district: '新吴', status: 'active' });
    expect((await post(t, emergency, `/v1/filings/${filing.id}/confirm`)).status).toBe(200);
    expect((await produce()).status).toBe(201);
  });

  it('enterprise district and roles: filed for emergency management; name and contacts change at once', async () => {
    const e = (await makeEnterprise(t, { roles: ['trader'], district: '新吴' })).id as string;
    const key = await t.mintKey({ principal: 'enterprise', enterpriseId: e });
    const res = await patch(key, `/v1/enterprises/${e}`, {
      roles: ['trader', 'carrier'],
      district: '江阴',
      name: '新名称',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ roles: ['trader'], district: '新吴', name: '新名称' });
    const filing = await pendingFiling(emergency, e, 'enterprise.registration');
    expect((await post(t, emergency, `/v1/filings/${filing.id}/confirm`)).status).toBe(200);
    expect((await get(key, `/v1/enterprises/${e}`)).body).toMatchObject({
      roles: ['trader', 'carrier'],
      district: '江阴',
    });
  });

  it('a retried claim (same Idempotency-Key) answers 202 again and files nothing more', async () => {
    const w = await tripWorld(t);
    const send = () =>
      t
        .http()
        .patch(`/v1/vehicles/${w.vehicleId}`)
        .set(...bearer(w.carrier.key))
        .set('Idempotency-Key', `claim-${w.vehicleId}`)
        .send({ approvedLoadKg: 31000 });
    const first = await send();
    expect(first.status).toBe(202);
    const again = await send();
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const all = (await get(transport, `/v1/filings?subjectId=${w.vehicleId}`)).body.items;
    expect(all).toHaveLength(1);
  });

  it('a carrier withdraws its own pending claim; another carrier cannot see or withdraw it', async () => {
    const w = await tripWorld(t);
    expect((await patch(w.carrier.key, `/v1/vehicles/${w.vehicleId}`, { approvedLoadKg: 40000 })).status).toBe(202);
    const f = await pendingFiling(w.carrier.key, w.vehicleId, 'vehicle.transport_certificate');
    const other = await tripWorld(t);
    expect((await post(t, other.carrier.key, `/v1/filings/${f.id}/withdraw`)).status).toBe(404);
    expect((await get(other.carrier.key, `/v1/filings/${f.id}`)).status).toBe(404);
    const withdrawn = await post(t, w.carrier.key, `/v1/filings/${f.id}/withdraw`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await get(w.carrier.key, `/v1/vehicles/${w.vehicleId}`)).body.pendingChanges).toEqual([]);
  });
});
