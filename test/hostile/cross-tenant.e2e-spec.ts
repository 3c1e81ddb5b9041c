import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { makeLicence } from '../support/factories.js';
import { hoursAgo, party, type Party, PRODUCTION_LICENCE, recorded } from '../support/ledger.js';
import { declaredRoutes } from '../support/routes.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { content, LOADING_CHECK, post, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/**
 * One request from a chosen loopback address (all of 127/8 reaches the server), so that the
 * per-address throttle of failed authentications sees distinct callers.
 */
function call(
  t: TestApp,
  method: string,
  path: string,
  options: { key?: string; body?: Json; from?: string } = {},
): Promise<{ status: number; headers: Record<string, string>; text: string; body: Json }> {
  const url = new URL(path, t.baseUrl);
  const payload = options.body ? Buffer.from(JSON.stringify(options.body)) : null;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname + url.search,
        localAddress: options.from,
        headers: {
          ...(options.key ? { Authorization: `Bearer ${options.key}` } : {}),
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Json = {};
          try {
            body = JSON.parse(text) as Json;
          } catch {
            /* not JSON (HTML, CSV, an event stream) */
          }
          resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, text, body });
        });
      },
    );
    req.on('error', reject);
    // An answer that does not come (or an event stream, which never ends by itself) fails the
    // call; 30 s, not less: a busy machine answers slowly, and only the test's own limit is later.
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} did not answer`)));
    req.end(payload ?? undefined);
  });
}

/** A digest of every row of the tables a write could change: equal before and after means nothing changed. */
async function snapshot(t: TestApp): Promise<string> {
  const tables = [
    'enterprises',
    'licences',
    'facilities',
    'vehicles',
    'personnel',
    'movements',
    'lots',
    'stock_balances',
    'waybills',
    'waybill_items',
    'waybill_transitions',
    'vehicle_assignments',
    'api_keys',
  ];
  const parts: string[] = [];
  for (const table of tables) {
    const [row] = await t.db.query<{ d: string | null }>(
      `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS d FROM ${table} x`,
    );
    parts.push(`${table}:${row!.d ?? ''}`);
  }
  // last_used_at is written by the queue whenever a key is used: not a change made by the attacker.
  return parts.join('\n').replace(/api_keys:.*/, '');
}

describe("one enterprise's key against another enterprise's resources", () => {
  let t: TestApp;
  let victim: TripWorld;
  let attacker: Party;
  let ids: Record<string, string>;
  let secrets: string[];
  beforeAll(async () => {
    t = await createTestApp();
    victim = await tripWorld(t);
    attacker = await party(t, { licences: [PRODUCTION_LICENCE] });
    const [produced] = await recorded(t, victim.consignor.key, {
      operation: 'produce',
      facilityId: victim.consignor.facilityId,
      chemicalId: victim.chemicalId,
      lotNumber: 'VICTIM-LOT-7',
      quantity: { value: 500, unit: 'kg' },
    });
    const licence = await makeLicence(t, victim.consignor.enterpriseId);
    const waybill = await post(t, victim.consignor.key, '/v1/waybills', content(victim));
    if (waybill.status !== 201) throw new Error(`waybill refused: ${JSON.stringify(waybill.body)}`);
    const read = async (path: string): Promise<Json> =>
      (
        await t
          .http()
          .get(path)
          .set(...bearer(t.adminKey))
      ).body as Json;
    const enterprise = await read(`/v1/enterprises/${victim.consignor.enterpriseId}`);
    const carrier = await read(`/v1/enterprises/${victim.carrier.enterpriseId}`);
    const facility = await read(`/v1/facilities/${victim.consignor.facilityId}`);
    const vehicle = await read(`/v1/vehicles/${victim.vehicleId}`);
    const driver = await read(`/v1/personnel/${victim.driverId}`);
    ids = {
      enterprise: victim.consignor.enterpriseId,
      facility: victim.consignor.facilityId,
      vehicle: victim.vehicleId,
      person: victim.driverId,
      movement: produced!.id as string,
      lot: produced!.lotId as string,
      waybill: waybill.body.id as string,
      licence: licence.id as string,
    };
    // What identifies the victim: none of it may reach the attacker.
    secrets = [
      enterprise.name as string,
      enterprise.creditCode as string,
      carrier.name as string,
      carrier.creditCode as string,
      facility.name as string,
      vehicle.plate as string,
      vehicle.transportCertNumber as string,
      driver.idNumber as string,
      'VICTIM-LOT-7',
      waybill.body.number as string,
    ];
  });
  afterAll(() => t.close());

  /** The victim's id a path parameter stands for, by the collection it follows. */
  const fill = (path: string): string =>
    path
      .replace(
        /\/enterprises\/:id\/licences\/:licenceId/,
        () => `/enterprises/${ids.enterprise}/licences/${ids.licence}`,
      )
      .replace(/\/(enterprises|facilities|vehicles|personnel|movements|lots|waybills)\/:id/, (_m, c: string) => {
        const kind = {
          enterprises: 'enterprise',
          facilities: 'facility',
          vehicles: 'vehicle',
          personnel: 'person',
          movements: 'movement',
          lots: 'lot',
          waybills: 'waybill',
        }[c]!;
        return `/${c}/${ids[kind]!}`;
      })
      // Shared data (catalogue, routes, zones) and records that are not an enterprise's: any id.
      .replace(/:id|:licenceId/g, () => randomUUID())
      .replace(/:kind/, 'enterprises');

  it('answers 403 or 404 on every GET with an id, never with the other enterprise’s data', async () => {
    const routes = declaredRoutes(t.app).filter((r) => r.method === 'GET' && r.path.includes('/:'));
    expect(routes.length).toBeGreaterThan(25);
    const leaks: string[] = [];
    for (const route of routes) {
      // Routes whose query is required get a valid one, so that only ownership can refuse them.
      const query: Record<string, string> = {
        '/v1/vehicles/:id/track': 'from=2026-06-01T00:00:00Z&to=2026-06-01T01:00:00Z',
        '/v1/enterprises/:id/authorization': `activity=produce&chemicalId=${victim.chemicalId}`,
      };
      const path = fill(route.path) + (query[route.path] ? `?${query[route.path]}` : '');
      const res = await call(t, 'GET', path, { key: attacker.key });
      if (![403, 404].includes(res.status)) leaks.push(`${route.path} → ${res.status} ${res.text.slice(0, 300)}`);
      for (const s of secrets) if (res.text.includes(s)) leaks.push(`${route.path} shows ${s}`);
    }
    expect(leaks).toEqual([]);
    // Filters on lists are scoped too: naming the victim's facility or lot lists nothing of theirs.
    for (const path of [
      `/v1/movements?facilityId=${ids.facility}`,
      `/v1/movements?lotId=${ids.lot}`,
      `/v1/waybills?number=${secrets[9]!}`,
      `/v1/personnel?limit=500`,
      `/v1/vehicles?plate=${encodeURIComponent(secrets[5]!)}`,
      `/v1/facilities?limit=500`,
    ]) {
      const res = await call(t, 'GET', path, { key: attacker.key });
      expect({ path, status: [200, 403, 404].includes(res.status) }).toEqual({ path, status: true });
      expect({ path, leaked: secrets.filter((s) => res.text.includes(s)) }).toEqual({ path, leaked: [] });
    }
  });

  it('refuses every write on the other enterprise’s ids with 403 or 404, changing nothing', async () => {
    const before = await snapshot(t);
    const wb = `/v1/waybills/${ids.waybill}`;
    // Valid bodies, so that only ownership can stop them.
    const writes: Array<[string, string, Json]> = [
      ['PATCH', `/v1/enterprises/${ids.enterprise}`, { name: '被篡改' }],
      ['PATCH', `/v1/facilities/${ids.facility}`, { name: '被篡改' }],
      ['PATCH', `/v1/vehicles/${ids.vehicle}`, { transportCertNumber: 'HACKED' }],
      ['PATCH', `/v1/personnel/${ids.person}`, { name: '被篡改' }],
      ['POST', `/v1/movements/${ids.movement}/reverse`, { reason: '恶意冲正' }],
      [
        'POST',
        '/v1/movements',
        {
          operation: 'use',
          facilityId: ids.facility,
          chemicalId: victim.chemicalId,
          lotId: ids.lot,
          quantity: { value: 1, unit: 'kg' },
          occurredAt: hoursAgo(12),
        },
      ],
      [
        'POST',
        '/v1/movements',
        {
          operation: 'transfer',
          facilityId: attacker.facilityId,
          chemicalId: victim.chemicalId,
          lotId: ids.lot,
          toFacilityId: ids.facility,
          quantity: { value: 1, unit: 'kg' },
          occurredAt: hoursAgo(12),
        },
      ],
      ['PUT', wb, content(victim, { notes: 'hijacked' })],
      ['POST', `${wb}/submit`, {}],
      ['POST', `${wb}/cancel`, { reason: '恶意取消' }],
      ['POST', `${wb}/load`, LOADING_CHECK],
      ['POST', `${wb}/depart`, {}],
      ['POST', `${wb}/arrive`, {}],
      ['POST', `${wb}/close`, {}],
      [
        'PUT',
        `/v1/vehicles/${ids.vehicle}/assignment`,
        {
          routeId: victim.routeId,
          loaded: true,
          chemicalIds: [victim.chemicalId],
          validFrom: new Date().toISOString(),
          validTo: new Date(Date.now() + 3600_000).toISOString(),
        },
      ],
      [
        'POST',
        '/v1/telemetry/positions',
        {
          positions: [
            { vehicleId: ids.vehicle, ts: new Date(Date.now() - 60_000).toISOString(), lat: 31.5, lon: 120.3 },
          ],
        },
      ],
    ];
    const refused: string[] = [];
    for (const [method, path, body] of writes) {
      const res = await call(t, method, path, { key: attacker.key, body });
      // An id in the body (not the path) that is not the caller's is a 422 naming the field.
      const bodyReferenceRefused =
        res.status === 422 && /"rule":"(NOT_YOURS|NOT_YOUR_VEHICLE|[A-Z_]*NOT_FOUND)"/.test(res.text);
      if (![403, 404].includes(res.status) && !bodyReferenceRefused)
        refused.push(`${method} ${path} → ${res.status} ${res.text.slice(0, 300)}`);
      for (const s of secrets) if (res.text.includes(s)) refused.push(`${method} ${path} shows ${s}`);
    }
    expect(refused).toEqual([]);
    // Every other declared write route with an id, with an empty body: refused one way or another.
    const others = declaredRoutes(t.app).filter((r) => r.method !== 'GET' && r.path.includes('/:'));
    for (const route of others) {
      const res = await call(t, route.method, fill(route.path), { key: attacker.key, body: {} });
      expect({ route: `${route.method} ${route.path}`, ok: res.status < 300 }).toEqual({
        route: `${route.method} ${route.path}`,
        ok: false,
      });
    }
    await t.settle();
    expect(await snapshot(t)).toBe(before);
  });

  it('answers 401 with a revoked key on every route but the public ones', async () => {
    const key = await t.mintKey({ principal: 'enterprise', enterpriseId: victim.consignor.enterpriseId });
    const list = await t
      .http()
      .get('/v1/api-keys?limit=500')
      .set(...bearer(t.adminKey));
    const id = (list.body.items as Array<{ id: string; keyId: string }>).find((k) =>
      key.startsWith(`hc_${k.keyId}_`),
    )!.id;
    expect((await call(t, 'GET', `/v1/facilities/${ids.facility}`, { key })).status).toBe(200);
    expect((await call(t, 'DELETE', `/v1/api-keys/${id}`, { key: t.adminKey })).status).toBe(204);
    const routes = declaredRoutes(t.app).filter((r) => !(r.access && 'public' in (r.access as object)));
    expect(routes.length).toBeGreaterThan(80);
    const wrong: string[] = [];
    for (const [i, route] of routes.entries()) {
      // Each from its own address: the throttle of failed keys (20 a minute) must not mask the 401.
      const from = `127.0.${10 + Math.floor(i / 250)}.${1 + (i % 250)}`;
      const res = await call(t, route.method, fill(route.path), {
        key,
        from,
        body: route.method === 'GET' ? undefined : {},
      });
      if (res.status !== 401 || res.body.code !== 'UNAUTHENTICATED')
        wrong.push(`${route.method} ${route.path} → ${res.status}`);
      for (const s of secrets) if (res.text.includes(s)) wrong.push(`${route.method} ${route.path} shows ${s}`);
    }
    expect(wrong).toEqual([]);
  });

  it('throttles key guessing per address, holds only failing keys there, and never tells a known key id from an unknown one', async () => {
    const from = '127.0.200.1';
    const real = victim.consignor.key;
    const knownId = real.slice(0, 16); // hc_<key id>_
    const answers: Array<{ status: number; body: Json; headers: Record<string, string> }> = [];
    for (let i = 0; i < 20; i++) {
      // Alternate a real key id with a wrong secret and an unknown key id.
      const guess =
        i % 2 === 0 ? `${knownId}${'A'.repeat(42)}${i % 10}` : `hc_${'f'.repeat(12)}_${'A'.repeat(42)}${i % 10}`;
      answers.push(await call(t, 'GET', `/v1/facilities/${ids.facility}`, { key: guess, from }));
    }
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(401));
    const strip = (b: Json): Json => ({ ...b, requestId: undefined });
    expect(new Set(answers.map((a) => JSON.stringify(strip(a.body)))).size).toBe(1);
    const blocked = await call(t, 'GET', `/v1/facilities/${ids.facility}`, { key: 'hc_wrong', from });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The right key from the guessing address is not held (a shared address must not lock it out);
    // the guesser's next bad key still is.
    const right = await call(t, 'GET', `/v1/facilities/${ids.facility}`, { key: real, from });
    expect(right.status).toBe(200);
    expect(
      (await call(t, 'GET', `/v1/facilities/${ids.facility}`, { key: `${knownId}${'B'.repeat(43)}`, from })).status,
    ).toBe(429);
    // Another address is not held.
    expect((await call(t, 'GET', `/v1/facilities/${ids.facility}`, { key: real, from: '127.0.200.2' })).status).toBe(
      200,
    );
  });
});
