import { Receiver } from '../support/exchange.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { A, deviatingTrack, loadNow, M_PER_DEG_LON, post, submit, tripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

const M_PER_DEG_LAT = 110_540;
/** A point `x` m east and `y` m north of A (the start of the trip's route). */
const at = (x: number, y: number): [number, number] => [A[0] + x / M_PER_DEG_LON, A[1] + y / M_PER_DEG_LAT];

/**
 * An alert names things as people name them, from what was known when it was raised: the vehicle's
 * e-waybill hands its number, parties, load and crew to the assignment at loading, the violation
 * is written with them and its target's name, and the relay publishes that as it stands (no call
 * back to the waybill context). On the real database and queue, through the HTTP ingest.
 */
describe('exchange: what an alert names', () => {
  let t: TestApp;
  const policeHook = new Receiver();
  const transportHook = new Receiver();

  beforeAll(async () => {
    t = await createTestApp({ env: { EXCHANGE_RELAY_INTERVAL_MS: '50' } });
    await policeHook.start();
    await transportHook.start();
  });
  afterAll(async () => {
    await t.close();
    await policeHook.close();
    await transportHook.close();
  });

  const get = async (key: string, path: string): Promise<Json> => {
    const res = await t
      .http()
      .get(path)
      .set(...bearer(key));
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Json;
  };

  it('a police webhook gets a route deviation and a zone intrusion on a trip with plate, names, load and crew; transport sees the crew masked', async () => {
    const police = await t.mintKey({ principal: 'agency', agency: 'police' });
    const transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    expect(
      (await post(t, police, '/v1/exchange/webhooks', { url: policeHook.url, types: ['violation.*'] })).status,
    ).toBe(201);
    expect(
      (await post(t, transport, '/v1/exchange/webhooks', { url: transportHook.url, types: ['violation.opened'] }))
        .status,
    ).toBe(201);

    const trip = await tripWorld(t, { transportKey: transport });
    // A water-source zone north of the route, where the deviating track runs.
    const zone = await post(t, transport, '/v1/zones', {
      name: '太湖饮用水源一级保护区',
      kind: 'water_source',
      geometry: {
        type: 'Polygon',
        coordinates: [[at(300, 300), at(700, 300), at(700, 500), at(300, 500), at(300, 300)]],
      },
    });
    expect(zone.status).toBe(201);
    expect((await post(t, transport, `/v1/zones/${zone.body.id as string}/approve`)).status).toBeLessThan(300);

    const s = await submit(t, trip);
    expect(s.status).toBe(200);
    const { loadedAt, status: loadStatus } = await loadNow(t, trip, s.id);
    expect(loadStatus).toBe(200);

    // What people call each thing, read from the registry, the fences and the waybill themselves.
    const [waybill, vehicle, route, chemical, consignor, carrier, consignee, driver, escort] = await Promise.all([
      get(t.adminKey, `/v1/waybills/${s.id}`),
      get(t.adminKey, `/v1/vehicles/${trip.vehicleId}`),
      get(t.adminKey, `/v1/routes/${trip.routeId}`),
      get(t.adminKey, `/v1/chemicals/${trip.chemicalId}`),
      get(t.adminKey, `/v1/enterprises/${trip.consignor.enterpriseId}`),
      get(t.adminKey, `/v1/enterprises/${trip.carrier.enterpriseId}`),
      get(t.adminKey, `/v1/enterprises/${trip.consignee.enterpriseId}`),
      get(t.adminKey, `/v1/personnel/${trip.driverId}`),
      get(t.adminKey, `/v1/personnel/${trip.escortId}`),
    ]);
    expect(driver.masked).toBe(false);

    const res = await post(t, transport, '/v1/telemetry/positions', {
      positions: deviatingTrack(trip.vehicleId, loadedAt + 500),
    });
    expect(res.status).toBe(202);
    const opened = (rule: string) =>
      policeHook.ofType('violation.opened').find((r) => (r.body.data as Json).rule === rule);
    await policeHook.waitFor(() => !!opened('ROUTE_DEVIATION') && !!opened('ZONE_INTRUSION'));

    const deviation = opened('ROUTE_DEVIATION')!.body.data as Json;
    expect(deviation).toMatchObject({
      vehicleId: trip.vehicleId,
      plate: vehicle.plate,
      plateColour: 2,
      targetId: trip.routeId,
      targetKind: 'route',
      targetName: route.name,
      waybillId: s.id,
      waybill: {
        number: waybill.number,
        status: 'loaded',
        consignorId: trip.consignor.enterpriseId,
        consignorName: consignor.name,
        carrierId: trip.carrier.enterpriseId,
        carrierName: carrier.name,
        consigneeId: trip.consignee.enterpriseId,
        consigneeName: consignee.name,
        loadingFacilityId: trip.consignor.facilityId,
        unloadingFacilityId: trip.consignee.facilityId,
        routeId: trip.routeId,
        routeName: route.name,
      },
      driverId: trip.driverId,
      escortId: trip.escortId,
    });
    expect(typeof deviation.waybill === 'object' && (deviation.waybill as Json).loadingFacilityName).toBeTruthy();
    expect((deviation.waybill as Json).items).toEqual([
      expect.objectContaining({
        chemicalId: trip.chemicalId,
        name: chemical.nameZh,
        unNumber: chemical.unNumber,
        unClass: chemical.unClass,
        quantityKg: 10_000,
      }),
    ]);
    expect(chemical.unNumber).toBe('1230'); // methanol: the name and UN number are the catalogue's, not placeholders
    // Police: the crew in clear, as its policy names them.
    const person = (p: Json) => ({ id: p.id, name: p.name, idNumber: p.idNumber, phone: p.phone });
    expect(deviation.driver).toEqual({ ...person(driver), masked: false });
    expect(deviation.escort).toEqual({ ...person(escort), masked: false });

    const intrusion = opened('ZONE_INTRUSION')!.body.data as Json;
    expect(intrusion).toMatchObject({
      targetId: zone.body.id,
      targetKind: 'zone',
      targetName: '太湖饮用水源一级保护区',
      plate: vehicle.plate,
      waybill: { number: waybill.number, consignorName: consignor.name },
    });

    // Transport: the same alert, phone numbers in clear and id numbers masked, as its policy says.
    await transportHook.waitFor(() =>
      transportHook.ofType('violation.opened').some((r) => (r.body.data as Json).rule === 'ROUTE_DEVIATION'),
    );
    const seen = transportHook.ofType('violation.opened').find((r) => (r.body.data as Json).rule === 'ROUTE_DEVIATION')!
      .body.data as Json;
    expect(seen.targetName).toBe(route.name);
    expect(seen.driver).toMatchObject({ id: trip.driverId, name: driver.name, phone: driver.phone, masked: true });
    expect((seen.driver as Json).idNumber).not.toBe(driver.idNumber);
    expect(JSON.stringify(seen)).not.toContain(driver.idNumber as string);

    // The violation row keeps what it named (read back through the API's store of record).
    const stored = (await get(police, `/v1/violations?waybillId=${s.id}`)).items as Json[];
    expect(stored.map((v) => v.rule).sort()).toEqual(expect.arrayContaining(['ROUTE_DEVIATION', 'ZONE_INTRUSION']));
  });
});
