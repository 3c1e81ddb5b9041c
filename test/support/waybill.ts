import { chemicalByCas, makeEnterprise, makeLicence, makePerson, makeVehicle, yearsFromNow } from './factories.js';
import { BUSINESS_LICENCE, party, type Party, PRODUCTION_LICENCE, recorded } from './ledger.js';
import { bearer, type TestApp } from './test-app.js';

type Json = Record<string, unknown>;

/** Loading at A, unloading at B, 1.14 km apart on an east–west line in Wuxi. */
export const A: [number, number] = [120.3, 31.5];
export const B: [number, number] = [120.312, 31.5];
export const M_PER_DEG_LON = 111_320 * Math.cos((31.5 * Math.PI) / 180);

/** A square of ±half metres around a point, as a GeoJSON Polygon. */
export function square([lon, lat]: [number, number], half = 60): Json {
  const dx = half / M_PER_DEG_LON;
  const dy = half / 110_540;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon - dx, lat - dy],
        [lon + dx, lat - dy],
        [lon + dx, lat + dy],
        [lon - dx, lat + dy],
        [lon - dx, lat - dy],
      ],
    ],
  };
}

export interface TripWorld {
  consignor: Party;
  consignee: Party;
  carrier: { enterpriseId: string; key: string };
  transportKey: string;
  chemicalId: string;
  lotId: string;
  vehicleId: string;
  driverId: string;
  escortId: string;
  routeId: string;
}

export async function post(t: TestApp, key: string, path: string, body: Json = {}, headers: Json = {}) {
  const req = t
    .http()
    .post(path)
    .set(...bearer(key));
  for (const [k, v] of Object.entries(headers)) req.set(k, String(v));
  return req.send(body);
}

export async function approvedRoute(t: TestApp, transportKey: string, over: Json = {}): Promise<string> {
  const res = await post(t, transportKey, '/v1/routes', {
    name: `装卸线路 ${Math.random().toString(36).slice(2, 8)}`,
    geometry: { type: 'LineString', coordinates: [A, B] },
    halfWidthM: 60,
    hazardClasses: ['2', '3', '6.1', '8'],
    validFrom: '2026-01-01',
    validTo: yearsFromNow(4),
    ...over,
  });
  if (res.status !== 201) throw new Error(`route refused: ${JSON.stringify(res.body)}`);
  const id = res.body.id as string;
  const ok = await post(t, transportKey, `/v1/routes/${id}/approve`);
  if (ok.status >= 300) throw new Error(`route not approved: ${JSON.stringify(ok.body)}`);
  return id;
}

/**
 * Everything a valid tank trip needs: a consignor with stock of one lot at A, a licensed
 * consignee at B, a carrier with its transport licence, a tanker approved for the chemical, a
 * driver and an escort, an approved route from A to B. Options change one thing.
 */
export async function tripWorld(
  t: TestApp,
  options: {
    cas?: string;
    stockKg?: number;
    vehicle?: Json;
    driver?: Json;
    escort?: Json;
    route?: Json;
    carrierLicence?: Json;
    consigneeLicences?: Json[];
    transportKey?: string;
  } = {},
): Promise<TripWorld> {
  const transportKey = options.transportKey ?? (await t.mintKey({ principal: 'agency', agency: 'transport' }));
  const chemicalId = (await chemicalByCas(t, options.cas ?? '67-56-1')).id as string;
  const consignor = await party(t, { licences: [PRODUCTION_LICENCE] });
  await t
    .http()
    .patch(`/v1/facilities/${consignor.facilityId}`)
    .set(...bearer(t.adminKey))
    .send({ geometry: square(A) });
  const consignee = await party(t, {
    roles: ['trader', 'storer'],
    licences: options.consigneeLicences ?? [BUSINESS_LICENCE],
  });
  await t
    .http()
    .patch(`/v1/facilities/${consignee.facilityId}`)
    .set(...bearer(t.adminKey))
    .send({ geometry: square(B) });
  const carrierId = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
  await makeLicence(t, carrierId, {
    kind: 'road_transport',
    scope: { classes: ['2', '3', '6.1', '8'] },
    ...options.carrierLicence,
  });
  const vehicleId = (
    await makeVehicle(t, carrierId, {
      permittedClasses: ['3', '6.1', '8'],
      approvedMedia: [chemicalId],
      ...options.vehicle,
    })
  ).id as string;
  const driverId = (await makePerson(t, carrierId, options.driver)).id as string;
  const escortId = (
    await makePerson(t, carrierId, {
      name: '张押运',
      role: 'escort',
      qualificationKind: 'dg_escort',
      ...options.escort,
    })
  ).id as string;
  const routeId = await approvedRoute(t, transportKey, options.route);
  const [produced] = await recorded(t, consignor.key, {
    operation: 'produce',
    facilityId: consignor.facilityId,
    chemicalId,
    lotNumber: `LOT-${Math.random().toString(36).slice(2, 8)}`,
    quantity: { value: options.stockKg ?? 20_000, unit: 'kg' },
    occurredAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
  });
  return {
    consignor,
    consignee,
    carrier: { enterpriseId: carrierId, key: await t.mintKey({ principal: 'enterprise', enterpriseId: carrierId }) },
    transportKey,
    chemicalId,
    lotId: produced!.lotId as string,
    vehicleId,
    driverId,
    escortId,
    routeId,
  };
}

/** The content of a valid waybill for the world: 10 t in compartment 1, leaving in an hour. */
export function content(w: TripWorld, over: Json = {}, item: Json = {}): Json {
  const now = Date.now();
  return {
    carrierId: w.carrier.enterpriseId,
    consigneeId: w.consignee.enterpriseId,
    loadingFacilityId: w.consignor.facilityId,
    unloadingFacilityId: w.consignee.facilityId,
    vehicleId: w.vehicleId,
    driverId: w.driverId,
    escortId: w.escortId,
    routeId: w.routeId,
    plannedDeparture: new Date(now + 3600_000).toISOString(),
    plannedArrival: new Date(now + 3 * 3600_000).toISOString(),
    items: [
      {
        chemicalId: w.chemicalId,
        quantity: { value: 10, unit: 't' },
        lotId: w.lotId,
        packaging: 'tank',
        compartment: 1,
        ...item,
      },
    ],
    ...over,
  };
}

/** Files a draft and answers it (throws on refusal). */
export async function draft(t: TestApp, w: TripWorld, over: Json = {}, item: Json = {}): Promise<Json> {
  const res = await post(t, w.consignor.key, '/v1/waybills', content(w, over, item));
  if (res.status !== 201) throw new Error(`draft refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

/** Files and submits; answers the submission's response (status and body). */
export async function submit(t: TestApp, w: TripWorld, over: Json = {}, item: Json = {}) {
  const d = await draft(t, w, over, item);
  const res = await post(t, w.consignor.key, `/v1/waybills/${String(d.id)}/submit`);
  return { id: d.id as string, status: res.status, body: res.body as Json, headers: res.headers };
}

export const LOADING_CHECK = {
  vehicleOk: true,
  tankOk: true,
  documentsOk: true,
  goodsMatch: true,
  loaderName: '周建华',
};

/** The consignor loads the submitted waybill now (the loading check passed): its status and when. */
export async function loadNow(t: TestApp, w: TripWorld, waybillId: string) {
  const loadedAt = Date.now();
  const res = await post(t, w.consignor.key, `/v1/waybills/${waybillId}/load`, {
    ...LOADING_CHECK,
    at: new Date(loadedAt).toISOString(),
  });
  return { loadedAt, status: res.status };
}

/** The rule codes of a 422 problem+json. */
export const rulesOf = (body: Json): string[] =>
  ((body.errors as Json[] | undefined) ?? []).map((e) => e.rule as string);

const M_PER_DEG_LAT = 110_540;

/** Fixes every 2 s from A: east along the route, then 400 m north of it and on (a deviation). */
export function deviatingTrack(vehicleId: string, start: number): Json[] {
  const fixes: Json[] = [];
  let x = 0;
  let y = 0;
  const fix = (): void =>
    void fixes.push({
      vehicleId,
      ts: new Date(start + fixes.length * 2000).toISOString(),
      lon: A[0] + x / M_PER_DEG_LON,
      lat: A[1] + y / M_PER_DEG_LAT,
      speedKmh: 72,
      heading: 90,
      hdop: 0.8,
    });
  for (let i = 0; i < 5; i++, x += 40) fix();
  for (let i = 0; i < 10; i++, y += 40) fix();
  for (let i = 0; i < 16; i++, x += 40) fix();
  return fixes;
}

/**
 * Hazardous waste to carry on a trip: 2 t of methanol waste (HW06) generated at `occurredAt` from
 * the consignor's lot, and a disposer at B licensed for it.
 */
export async function wasteForDisposal(
  t: TestApp,
  w: TripWorld,
  occurredAt: string,
): Promise<{ disposer: Party; wasteLot: string }> {
  const disposer = await party(t, {
    roles: ['disposer'],
    licences: [{ kind: 'hazardous_waste', scope: { wasteCodes: ['HW06'] } }],
    facilityKind: 'disposal',
  });
  await t
    .http()
    .patch(`/v1/facilities/${disposer.facilityId}`)
    .set(...bearer(t.adminKey))
    .send({ geometry: square(B) });
  const waste = await recorded(t, w.consignor.key, {
    operation: 'waste_generate',
    facilityId: w.consignor.facilityId,
    chemicalId: w.chemicalId,
    lotId: w.lotId,
    wasteCode: 'HW06',
    quantity: { value: 2000, unit: 'kg' },
    occurredAt,
  });
  return { disposer, wasteLot: waste[1]!.lotId as string };
}
