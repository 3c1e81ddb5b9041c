import { randomUUID } from 'node:crypto';
import {
  chemicalByCas,
  makeEnterprise,
  makeLicence,
  makePerson,
  makeVehicle,
  yearsFromNow,
} from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import {
  A,
  approvedRoute,
  B,
  content,
  LOADING_CHECK,
  post,
  rulesOf,
  submit,
  tripWorld,
  type TripWorld,
  wasteForDisposal,
} from '../support/waybill.js';

type Json = Record<string, unknown>;
const day = (offsetDays: number): string =>
  new Date(Date.now() + offsetDays * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The rules of submission, one test each: every refusal is a 422 problem+json listing every
 * failed rule with its code; nothing is submitted when any fails.
 */
describe('e-waybill validation at submission', () => {
  let t: TestApp;
  let transport: string;
  beforeAll(async () => {
    t = await createTestApp();
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
  });
  afterAll(() => t.close());

  const world = (options: Parameters<typeof tripWorld>[1] = {}): Promise<TripWorld> =>
    tripWorld(t, { transportKey: transport, ...options });

  /** Files a draft, submits it, expects a refusal; answers the rule codes, and checks nothing moved. */
  async function refused(w: TripWorld, over: Json = {}, item: Json = {}): Promise<string[]> {
    const s = await submit(t, w, over, item);
    expect(s.status).toBe(422);
    const codes = rulesOf(s.body);
    expect(codes.length).toBeGreaterThan(0);
    const [row] = await t.db.query<{ status: string }>('SELECT status FROM waybills WHERE id = $1', [s.id]);
    expect(row!.status).toBe('draft');
    const [held] = await t.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM waybill_active_assets WHERE waybill_id = $1',
      [s.id],
    );
    expect(Number(held!.n)).toBe(0);
    return codes;
  }

  it('accepts the valid waybill every other test breaks one rule of', async () => {
    const s = await submit(t, await world());
    expect(s.status).toBe(200);
    expect(s.body.status).toBe('submitted');
  });

  it('reports every failed rule together, not only the first', async () => {
    const w = await world({ vehicle: { permittedClasses: ['8'] }, escort: { qualificationExpiry: day(-1) } });
    const s = await submit(t, w, {}, { quantity: { value: 40, unit: 'm3' } });
    expect(s.status).toBe(422);
    expect(s.headers['content-type']).toMatch(/application\/problem\+json/);
    // 40 m³ of methanol (31,640 kg) is over the approved 30 t and over the 24.5 m³ tank's filling.
    expect(rulesOf(s.body).sort()).toEqual([
      'ESCORT_QUALIFICATION_EXPIRED',
      'OVERLOAD',
      'TANK_OVERFILL',
      'VEHICLE_CLASS',
    ]);
    const paths = (s.body.errors as Json[]).map((e) => e.path).sort();
    expect(paths).toEqual(['escortId', 'items', 'items[0].quantity', 'vehicleId']);
  });

  it('PARTY_NOT_FOUND / REFERENCE_NOT_FOUND: a draft names only what exists', async () => {
    const w = await world();
    const res = await post(
      t,
      w.consignor.key,
      '/v1/waybills',
      content(w, { consigneeId: randomUUID(), vehicleId: randomUUID() }),
    );
    expect(res.status).toBe(422);
    expect((res.body.errors as Json[]).map((e) => [e.path, e.rule])).toEqual([
      ['consigneeId', 'PARTY_NOT_FOUND'],
      ['vehicleId', 'REFERENCE_NOT_FOUND'],
    ]);
    const [n] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM waybills WHERE consignor_id = $1', [
      w.consignor.enterpriseId,
    ]);
    expect(Number(n!.n)).toBe(0);
  });

  it('ENTERPRISE_BLACKLISTED: no party may be blacklisted', async () => {
    const w = await world();
    await t
      .http()
      .put(`/v1/enterprises/${w.consignee.enterpriseId}/credit-status`)
      .set(...bearer(t.adminKey))
      .send({ status: 'blacklisted', reason: '非法储存', effectiveAt: '2026-01-01T00:00:00Z' });
    expect(await refused(w)).toEqual(['ENTERPRISE_BLACKLISTED']);
  });

  it('NOT_A_CARRIER: the carrier is registered as one', async () => {
    const w = await world();
    await t
      .http()
      .patch(`/v1/enterprises/${w.carrier.enterpriseId}`)
      .set(...bearer(t.adminKey))
      .send({ roles: ['trader'] });
    expect(await refused(w)).toContain('NOT_A_CARRIER');
  });

  it('CARRIER_LICENCE_OUT_OF_SCOPE: the transport licence covers every class on board', async () => {
    expect(await refused(await world({ carrierLicence: { scope: { classes: ['8'] } } }))).toEqual([
      'CARRIER_LICENCE_OUT_OF_SCOPE',
    ]);
  });

  it('CARRIER_LICENCE_EXPIRED: the transport licence is valid over the whole planned trip', async () => {
    const w = await world({ carrierLicence: { validTo: day(1) } });
    const codes = await refused(w, {
      plannedDeparture: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      plannedArrival: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    expect([...new Set(codes)]).toEqual(['CARRIER_LICENCE_EXPIRED']);
  });

  it('CONSIGNEE_LICENCE_MISSING: the consignee is licensed to receive the chemical', async () => {
    expect([...new Set(await refused(await world({ consigneeLicences: [] })))]).toEqual(['CONSIGNEE_LICENCE_MISSING']);
  });

  it('CONSIGNEE_PURCHASE_PERMIT_REQUIRED: a highly toxic chemical needs the purchase permit (剧毒化学品购买许可证)', async () => {
    const w = await world({
      cas: '143-33-9',
      consigneeLicences: [],
      vehicle: { kind: 'van', tankVolumeM3: undefined },
    });
    expect(
      await refused(w, {}, { quantity: { value: 500, unit: 'kg' }, packaging: 'packaged', compartment: undefined }),
    ).toContain('CONSIGNEE_PURCHASE_PERMIT_REQUIRED');
  });

  it('CONSIGNEE_PRECURSOR_FILING_REQUIRED: an explosive precursor needs the consignee’s filing (易制爆备案)', async () => {
    const w = await world({ cas: '107-15-3', consigneeLicences: [] });
    expect(await refused(w)).toContain('CONSIGNEE_PRECURSOR_FILING_REQUIRED');
  });

  it('CHEMICAL_PROHIBITED: no prohibited chemical is carried', async () => {
    const w = await world({ cas: '71-43-2' });
    await t
      .http()
      .put(`/v1/chemicals/${w.chemicalId}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'prohibited', note: '测试：全市禁止' });
    expect(await refused(w)).toContain('CHEMICAL_PROHIBITED');
  });

  it('CHEMICAL_RESTRICTED: a restricted chemical moves only between its allowed districts', async () => {
    const w = await world({ cas: '108-88-3' });
    await t
      .http()
      .put(`/v1/chemicals/${w.chemicalId}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'restricted', note: '仅限江阴化工园区', allowedDistricts: ['江阴'] });
    expect(await refused(w)).toContain('CHEMICAL_RESTRICTED');
  });

  it('VEHICLE_NOT_CARRIERS: the vehicle belongs to the carrier', async () => {
    const w = await world();
    const other = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    const foreign = (await makeVehicle(t, other, { approvedMedia: [w.chemicalId] })).id as string;
    expect(await refused(w, { vehicleId: foreign })).toEqual(['VEHICLE_NOT_CARRIERS']);
  });

  it('VEHICLE_CLASS: the vehicle is approved for every class on board', async () => {
    expect(await refused(await world({ vehicle: { permittedClasses: ['8'] } }))).toEqual(['VEHICLE_CLASS']);
  });

  it('TANK_MEDIA: a tank carries only chemicals on its approved media list (适装介质)', async () => {
    expect(await refused(await world({ vehicle: { approvedMedia: [] } }))).toEqual(['TANK_MEDIA']);
  });

  it('TANK_INSPECTION_EXPIRED: the tank inspection is valid over the trip', async () => {
    expect(await refused(await world({ vehicle: { tankInspectionExpiry: day(-1) } }))).toEqual([
      'TANK_INSPECTION_EXPIRED',
    ]);
  });

  it('TRANSPORT_CERT_EXPIRED: the road transport certificate (道路运输证) is valid over the trip', async () => {
    expect(await refused(await world({ vehicle: { transportCertExpiry: day(-1) } }))).toEqual([
      'TRANSPORT_CERT_EXPIRED',
    ]);
  });

  it('NO_TERMINAL: the vehicle has a GPS terminal', async () => {
    expect(await refused(await world({ vehicle: { terminalId: undefined } }))).toEqual(['NO_TERMINAL']);
  });

  it('OVERLOAD: the mass (volumes by catalogue density) stays within the approved load', async () => {
    // A 45 m³ tank, so its filling (45,000 L × 91.17 % = 41,027 L) is not what stops 38 m³.
    const big = { vehicle: { tankVolumeM3: 45 } };
    const w = await world(big);
    // 37 m³ of methanol at 0.791 kg/L is 29,267 kg: within 30 t; 38 m³ is 30,058 kg: over.
    expect((await submit(t, w, {}, { quantity: { value: 37, unit: 'm3' } })).status).toBe(200);
    expect(await refused(await world(big), {}, { quantity: { value: 38, unit: 'm3' } })).toEqual(['OVERLOAD']);
  });

  it('DRIVER_QUALIFICATION_EXPIRED and _KIND: the driver holds a valid qualification of the right kind', async () => {
    expect(await refused(await world({ driver: { qualificationExpiry: day(-1) } }))).toEqual([
      'DRIVER_QUALIFICATION_EXPIRED',
    ]);
    expect(await refused(await world({ driver: { role: 'escort', qualificationKind: 'dg_escort' } }))).toEqual([
      'DRIVER_QUALIFICATION_KIND',
    ]);
  });

  it('ESCORT_NOT_EMPLOYED: driver and escort are employed by the carrier', async () => {
    const w = await world();
    const stranger = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    const escort = (await makePerson(t, stranger, { role: 'escort', qualificationKind: 'dg_escort' })).id as string;
    expect(await refused(w, { escortId: escort })).toEqual(['ESCORT_NOT_EMPLOYED']);
  });

  it('SAME_PERSON: driver and escort are two different people', async () => {
    const w = await world({ driver: { qualificationKind: 'dg_driver' } });
    expect(await refused(w, { escortId: w.driverId })).toContain('SAME_PERSON');
  });

  it('LOADING_FACILITY_OWNER / UNLOADING_FACILITY_OWNER: the loading facility is the consignor’s, the unloading the consignee’s', async () => {
    const w = await world();
    const codes = await refused(w, {
      loadingFacilityId: w.consignee.facilityId,
      unloadingFacilityId: w.consignor.facilityId,
    });
    expect(codes).toEqual(expect.arrayContaining(['LOADING_FACILITY_OWNER', 'UNLOADING_FACILITY_OWNER']));
  });

  it('ROUTE_NOT_APPROVED: the route is approved by the transport bureau', async () => {
    const w = await world();
    const draftRoute = await post(t, transport, '/v1/routes', {
      name: '未审批线路',
      geometry: { type: 'LineString', coordinates: [A, B] },
      hazardClasses: ['3'],
      validFrom: '2026-01-01',
      validTo: yearsFromNow(4),
    });
    expect(await refused(w, { routeId: draftRoute.body.id })).toEqual(['ROUTE_NOT_APPROVED']);
  });

  it('ROUTE_NOT_VALID: the route is valid on the trip dates', async () => {
    expect(await refused(await world({ route: { validFrom: '2026-01-01', validTo: day(-1) } }))).toEqual([
      'ROUTE_NOT_VALID',
    ]);
  });

  it('ROUTE_CLASS: the route allows every class on board', async () => {
    expect(await refused(await world({ route: { hazardClasses: ['8'] } }))).toEqual(['ROUTE_CLASS']);
  });

  it('ROUTE_START_FAR / ROUTE_END_FAR: the route starts and ends within 2 km of the facilities', async () => {
    const far = await world({ route: { geometry: { type: 'LineString', coordinates: [[120.27, 31.5], B] } } });
    expect(await refused(far)).toEqual(['ROUTE_START_FAR']);
    const near = await world({
      route: {
        geometry: {
          type: 'LineString',
          coordinates: [
            [120.285, 31.5],
            [120.325, 31.5],
          ],
        },
      },
    });
    expect((await submit(t, near)).status).toBe(200); // 1.4 km and 1.2 km off: within 2 km
    const end = await world({ route: { geometry: { type: 'LineString', coordinates: [A, [120.34, 31.5]] } } });
    expect(await refused(end)).toEqual(['ROUTE_END_FAR']);
  });

  it('ROUTE_HOURS: departure within the route’s allowed hours (local time)', async () => {
    // Allowed 02:00–03:00 Asia/Shanghai; planned departure at 12:00 local is outside.
    const w = await world({ route: { allowedHours: [{ from: '02:00', to: '03:00' }] } });
    const noon = new Date(`${day(1)}T04:00:00Z`);
    expect(
      await refused(w, {
        plannedDeparture: noon.toISOString(),
        plannedArrival: new Date(noon.getTime() + 3600_000).toISOString(),
      }),
    ).toEqual(['ROUTE_HOURS']);
  });

  it('a category D tunnel admits acrylonitrile (C/E) in packages and refuses it in a tank', async () => {
    const tunnel = { tunnels: [{ name: '太湖隧道', category: 'D', at: [120.306, 31.5] }] };
    const packaged = await world({ cas: '107-13-1', route: tunnel, vehicle: { kind: 'van', tankVolumeM3: undefined } });
    const ok = await submit(
      t,
      packaged,
      {},
      { quantity: { value: 2000, unit: 'kg' }, packaging: 'packaged', packages: 10, compartment: undefined },
    );
    expect(ok.status).toBe(200);
    const tank = await world({ cas: '107-13-1', route: tunnel });
    const codes = await refused(tank, {}, { quantity: { value: 2000, unit: 'kg' } });
    expect(codes).toEqual(['TUNNEL_RESTRICTED']);
  });

  it('SEGREGATION: mixed loads respect ADR 7.5.2 (no explosive with another class)', async () => {
    const w = await world();
    const tnt = (await chemicalByCas(t, '118-96-7')).id as string;
    const codes = await refused(w, {
      items: [
        (content(w).items as Json[])[0]!,
        { chemicalId: tnt, quantity: { value: 100, unit: 'kg' }, packaging: 'packaged', packages: 4 },
      ],
    });
    expect(codes).toContain('SEGREGATION');
  });

  it('COMPARTMENT_SHARED / COMPARTMENT_REQUIRED: one chemical per tank compartment, named', async () => {
    const ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    const w = await world();
    await t
      .http()
      .patch(`/v1/vehicles/${w.vehicleId}`)
      .set(...bearer(t.adminKey))
      .send({ approvedMedia: [w.chemicalId, ethanol] });
    const line = (content(w).items as Json[])[0]!;
    const shared = await refused(w, {
      items: [
        { ...line, quantity: { value: 5, unit: 't' } },
        { chemicalId: ethanol, quantity: { value: 5, unit: 't' }, packaging: 'tank', compartment: 1 },
      ],
    });
    expect(shared).toEqual(['COMPARTMENT_SHARED']);
    const unnamed = await refused(await world(), {}, { compartment: undefined });
    expect(unnamed).toEqual(['COMPARTMENT_REQUIRED']);
  });

  it('TOXIC_PASS_REQUIRED, _NOT_VERIFIED, _NOT_VALID and _ROUTE: a highly toxic load carries the pass police issued for its route and dates', async () => {
    const w = await world({
      cas: '143-33-9',
      vehicle: { kind: 'van', tankVolumeM3: undefined },
      driver: { qualificationKind: 'dg_driver_toxic_explosive' },
      escort: { qualificationKind: 'dg_escort_toxic_explosive' },
      consigneeLicences: [{ kind: 'business', scope: { classes: ['6.1'] } }],
    });
    const item = { quantity: { value: 500, unit: 'kg' }, packaging: 'packaged', packages: 20, compartment: undefined };
    expect(await refused(w, {}, item)).toEqual(['TOXIC_PASS_REQUIRED']);
    const pass = { number: '锡公剧通字[2026]0088号', validFrom: day(-1), validTo: day(3), routeId: w.routeId };
    // A pass the consignor only says it holds is no pass: police issue it.
    expect(await refused(w, { toxicPass: pass }, item)).toEqual(['TOXIC_PASS_NOT_VERIFIED']);
    const police = await t.mintKey({ principal: 'agency', agency: 'police' });
    const issue = (number: string, over: Json = {}) =>
      t
        .http()
        .post(`/v1/enterprises/${w.consignor.enterpriseId}/licences`)
        .set(...bearer(police))
        .send({
          kind: 'highly_toxic_road_pass',
          number,
          issuer: '无锡市公安局',
          validFrom: day(-1),
          validTo: day(3),
          scope: { chemicalIds: [w.chemicalId], routeIds: [w.routeId], vehicleIds: [w.vehicleId] },
          permittedQuantityKg: 20_000,
          ...over,
        });
    expect((await issue(pass.number)).status).toBe(201);
    const short = '锡公剧通字[2026]0089号';
    expect((await issue(short, { validTo: day(-1) })).status).toBe(201);
    expect(await refused(w, { toxicPass: { ...pass, number: short } }, item)).toEqual(['TOXIC_PASS_NOT_VALID']);
    const otherRoute = await approvedRoute(t, transport);
    expect(await refused(w, { toxicPass: { ...pass, routeId: otherRoute } }, item)).toEqual(['TOXIC_PASS_ROUTE']);
    expect((await submit(t, w, { toxicPass: pass }, item)).status).toBe(200);
  });

  it('WASTE_MANIFEST_REQUIRED and _CARRIER: a hazardous-waste load names its transfer manifest, and the carrier is on it', async () => {
    const w = await world();
    const { disposer, wasteLot } = await wasteForDisposal(t, w, new Date(Date.now() - 3600_000).toISOString());
    const trip = { consigneeId: disposer.enterpriseId, unloadingFacilityId: disposer.facilityId };
    const item = { lotId: wasteLot, quantity: { value: 1000, unit: 'kg' } };
    expect(await refused(w, trip, item)).toEqual(['WASTE_MANIFEST_REQUIRED']);

    const someoneElse = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    await makeLicence(t, someoneElse, { kind: 'road_transport', scope: { classes: ['3'] } });
    const manifest = await post(t, w.consignor.key, '/v1/waste-manifests', {
      generatorFacilityId: w.consignor.facilityId,
      lotId: wasteLot,
      wasteCode: 'HW06',
      wasteListCode: '900-402-06',
      transporterEnterpriseId: someoneElse,
      receiverFacilityId: disposer.facilityId,
      quantity: { value: 1000, unit: 'kg' },
      packaging: 'bulk',
    });
    expect(manifest.status).toBe(201);
    expect(await refused(w, { ...trip, manifestId: manifest.body.id }, item)).toEqual(['WASTE_MANIFEST_CARRIER']);
    const right = await post(t, w.consignor.key, '/v1/waste-manifests', {
      generatorFacilityId: w.consignor.facilityId,
      lotId: wasteLot,
      wasteCode: 'HW06',
      wasteListCode: '900-402-06',
      transporterEnterpriseId: w.carrier.enterpriseId,
      receiverFacilityId: disposer.facilityId,
      quantity: { value: 1000, unit: 'kg' },
      packaging: 'bulk',
    });
    expect(right.status).toBe(201);
    expect((await submit(t, w, { ...trip, manifestId: right.body.id }, item)).status).toBe(200);
  });

  it('PLANNED_TIMES and PLANNED_IN_PAST: arrival after departure, and not already passed', async () => {
    const w = await world();
    const now = Date.now();
    expect(
      await refused(w, {
        plannedDeparture: new Date(now + 7200_000).toISOString(),
        plannedArrival: new Date(now + 3600_000).toISOString(),
      }),
    ).toEqual(['PLANNED_TIMES']);
    expect(
      await refused(await world(), {
        plannedDeparture: new Date(now - 7200_000).toISOString(),
        plannedArrival: new Date(now - 3600_000).toISOString(),
      }),
    ).toEqual(['PLANNED_IN_PAST']);
  });

  it('re-checks every rule at loading: an escort whose qualification expired since submission stops the loading', async () => {
    const w = await world();
    const s = await submit(t, w);
    expect(s.status).toBe(200);
    // The escort's qualification lapses (the registry records it) before the tanker is loaded.
    const lapsed = await t
      .http()
      .patch(`/v1/personnel/${w.escortId}`)
      .set(...bearer(t.adminKey))
      .send({ qualificationExpiry: day(-1) });
    expect(lapsed.status).toBe(200);
    const stockBefore = await t.db.query('SELECT count(*) AS n FROM movements WHERE waybill_id = $1', [s.id]);
    const load = await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, LOADING_CHECK);
    expect(load.status).toBe(422);
    expect(rulesOf(load.body)).toEqual(['ESCORT_QUALIFICATION_EXPIRED']);
    const [row] = await t.db.query<{ status: string }>('SELECT status FROM waybills WHERE id = $1', [s.id]);
    expect(row!.status).toBe('submitted');
    expect(await t.db.query('SELECT count(*) AS n FROM movements WHERE waybill_id = $1', [s.id])).toEqual(stockBefore);
  });

  it('refuses a loading whose check found a problem, or without a lot', async () => {
    const w = await world();
    const s = await submit(t, w, {}, { lotId: undefined });
    expect(s.status).toBe(200);
    const load = await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, { ...LOADING_CHECK, tankOk: false });
    expect(load.status).toBe(422);
    expect(rulesOf(load.body).sort()).toEqual(['LOADING_CHECK_FAILED', 'LOT_REQUIRED']);
  });

  it('refuses loading more than the consignor holds (the ledger’s stock rule), leaving nothing half-written', async () => {
    const w = await world({ stockKg: 5000 });
    const s = await submit(t, w);
    expect(s.status).toBe(200);
    const load = await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, LOADING_CHECK);
    expect(load.status).toBe(422);
    expect(rulesOf(load.body)).toEqual(['STOCK_NEGATIVE']);
    const [row] = await t.db.query<{ status: string }>('SELECT status FROM waybills WHERE id = $1', [s.id]);
    expect(row!.status).toBe('submitted');
    const [moved] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM movements WHERE waybill_id = $1', [
      s.id,
    ]);
    expect(Number(moved!.n)).toBe(0);
    const [assigned] = await t.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM vehicle_assignments WHERE waybill_id = $1',
      [s.id],
    );
    expect(Number(assigned!.n)).toBe(0);
  });
});
