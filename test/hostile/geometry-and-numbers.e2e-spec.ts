import { chemicalByCas, makeEnterprise, makeVehicle, WUXI_SQUARE } from '../support/factories.js';
import { expectProblem, rowCounts } from '../support/hostile.js';
import { hoursAgo, ledgerRows, party, PRODUCTION_LICENCE, recorded } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { content, post, tripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/** JSON text with raw tokens JSON.stringify cannot write (NaN, Infinity, 1e400): `@@name@@` placeholders. */
const rawJson = (value: unknown, tokens: Record<string, string>): string =>
  Object.entries(tokens).reduce((s, [k, v]) => s.replace(`"@@${k}@@"`, v), JSON.stringify(value));

/** A closed ring of n vertices around Wuxi (a many-sided polygon, never self-intersecting). */
const ring = (n: number): number[][] => {
  const pts = Array.from({ length: n - 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / (n - 1);
    return [120.3 + 0.05 * Math.cos(a), 31.5 + 0.05 * Math.sin(a)];
  });
  return [...pts, pts[0]!];
};

describe('hostile geometry, coordinates, times and quantities', () => {
  let t: TestApp;
  let transport: string;
  beforeAll(async () => {
    t = await createTestApp();
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
  });
  afterAll(() => t.close());

  const send = (key: string, path: string, body: Json | string) =>
    t
      .http()
      .post(path)
      .set(...bearer(key))
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  // Geometry problems are schema problems: 400 VALIDATION_FAILED with the path and the rule, as
  // every other field (test/telematics/fences.e2e-spec.ts holds the contract).
  it('refuses a zone or route over the vertex limit (MAX_VERTICES = 20,000), naming path and rule', async () => {
    const before = await rowCounts(t, ['routes', 'zones']);
    const zone = await send(transport, '/v1/zones', {
      name: '巨型多边形',
      kind: 'ban',
      geometry: { type: 'Polygon', coordinates: [ring(20_001)] },
    });
    expectProblem(zone, 400, 'VALIDATION_FAILED', [{ path: 'geometry.coordinates', rule: 'vertexLimit' }]);
    const multi = await send(transport, '/v1/zones', {
      name: '巨型多多边形',
      kind: 'ban',
      geometry: { type: 'MultiPolygon', coordinates: [[ring(10_001)], [ring(10_001)]] },
    });
    expectProblem(multi, 400, 'VALIDATION_FAILED', [{ path: 'geometry.coordinates', rule: 'vertexLimit' }]);
    const line = ring(20_002).slice(0, 20_001);
    const route = await send(transport, '/v1/routes', {
      name: '巨型线路',
      geometry: { type: 'LineString', coordinates: line },
      hazardClasses: ['3'],
      validFrom: '2026-01-01',
      validTo: '2027-12-31',
    });
    expectProblem(route, 400, 'VALIDATION_FAILED', [{ path: 'geometry.coordinates', rule: 'vertexLimit' }]);
    // At the limit a many-sided zone is accepted (the self-intersection check is near-linear).
    const below = await send(transport, '/v1/zones', {
      name: '两万顶点',
      kind: 'ban',
      geometry: { type: 'Polygon', coordinates: [ring(20_000)] },
    });
    expect(below.status).toBe(201);
    expect(await rowCounts(t, ['routes', 'zones'])).toEqual({ ...before, zones: before.zones! + 1 });
  });

  it('refuses a bow-tie facility or zone, and NaN, Infinity and out-of-range coordinates, per position', async () => {
    const before = await rowCounts(t, ['routes', 'zones', 'facilities']);
    const owner = (await makeEnterprise(t)).id as string;
    const bowTie = {
      type: 'Polygon',
      coordinates: [
        [
          [120.3, 31.49],
          [120.31, 31.5],
          [120.31, 31.49],
          [120.3, 31.5],
          [120.3, 31.49],
        ],
      ],
    };
    const facility = {
      enterpriseId: owner,
      name: '蝴蝶结',
      kind: 'storage',
      district: '新吴',
      address: '无锡市新吴区',
      geometry: bowTie,
    };
    expectProblem(await send(t.adminKey, '/v1/facilities', facility), 400, 'VALIDATION_FAILED', [
      { path: 'geometry.coordinates', rule: 'selfIntersection' },
    ]);
    expectProblem(
      await send(transport, '/v1/zones', {
        name: '蝴蝶结',
        kind: 'ban',
        geometry: { type: 'MultiPolygon', coordinates: [WUXI_SQUARE.coordinates, bowTie.coordinates] },
      }),
      400,
      'VALIDATION_FAILED',
      [{ path: 'geometry.coordinates[1]', rule: 'selfIntersection' }],
    );
    const line = (a: unknown, b: unknown) => ({
      name: '坐标',
      geometry: { type: 'LineString', coordinates: [a, b, [120.4, 31.5]] },
      hazardClasses: ['3'],
      validFrom: '2026-01-01',
      validTo: '2027-12-31',
    });
    // 1e400 is valid JSON that parses to Infinity.
    const infinite = await send(
      transport,
      '/v1/routes',
      rawJson(line(['@@a@@', 31.5], [120.3, '@@b@@']), { a: '1e400', b: '-1e400' }),
    );
    expectProblem(infinite, 400, 'VALIDATION_FAILED', [
      { path: 'geometry.coordinates[0]', rule: 'finite' },
      { path: 'geometry.coordinates[1]', rule: 'finite' },
    ]);
    // NaN and Infinity are not JSON at all.
    for (const token of ['NaN', 'Infinity', '-Infinity']) {
      expectProblem(
        await send(transport, '/v1/routes', rawJson(line(['@@a@@', 31.5], [120.3, 31.5]), { a: token })),
        400,
        'MALFORMED_JSON',
      );
    }
    expectProblem(
      await send(transport, '/v1/routes', line(['NaN', 31.5], [120.3, 'Infinity'])),
      400,
      'VALIDATION_FAILED',
      [
        { path: 'geometry.coordinates[0]', rule: 'position' },
        { path: 'geometry.coordinates[1]', rule: 'position' },
      ],
    );
    expectProblem(await send(transport, '/v1/routes', line([181, 31.5], [120.3, -91])), 400, 'VALIDATION_FAILED', [
      { path: 'geometry.coordinates[0]', rule: 'range' },
      { path: 'geometry.coordinates[1]', rule: 'range' },
    ]);
    expectProblem(
      await send(t.adminKey, '/v1/facilities', {
        ...facility,
        geometry: { type: 'Point', coordinates: [-180.000001, 90.5] },
      }),
      400,
      'VALIDATION_FAILED',
      [{ path: 'geometry.coordinates', rule: 'range' }],
    );
    expect(await rowCounts(t, ['routes', 'zones', 'facilities'])).toEqual(before);
  });

  it('rejects GPS points with non-finite or out-of-range coordinates and impossible times, one by one, storing only the good one', async () => {
    const carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    const key = await t.mintKey({ principal: 'enterprise', enterpriseId: carrier });
    const vehicle = (await makeVehicle(t, carrier)).id as string;
    const fixes = async (): Promise<number> =>
      Number(
        (await t.db.query<{ n: string }>('SELECT count(*) AS n FROM fixes WHERE vehicle_id = $1', [vehicle]))[0]!.n,
      );
    const now = Date.now();
    const point = (over: Json = {}) => ({
      vehicleId: vehicle,
      ts: new Date(now - 30_000).toISOString(),
      lat: 31.49,
      lon: 120.31,
      speedKmh: 40,
      heading: 90,
      ...over,
    });
    const batch = {
      positions: [
        point(),
        point({ lat: '@@lat@@' }),
        point({ lon: '@@lon@@' }),
        point({ lat: 'NaN' }),
        point({ lon: 'Infinity' }),
        point({ lon: 181 }),
        point({ lat: -91 }),
        point({ ts: '1970-01-01T00:00:00Z' }),
        point({ ts: new Date(now - 200 * 86_400_000).toISOString() }), // beyond FIX_RETENTION_DAYS (180)
        point({ ts: new Date(now + 86_400_000).toISOString() }),
        point({ ts: '9999-12-31T23:59:59Z' }),
        point({ ts: '2026-02-30T00:00:00Z' }),
        point({ speedKmh: '@@speed@@' }),
      ],
    };
    const before = await fixes();
    const res = await send(
      key,
      '/v1/telemetry/positions',
      rawJson(batch, { lat: '1e400', lon: '-1e400', speed: '1e400' }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ received: 13, accepted: 1 });
    const rejected = (res.body.rejected as Array<{ index: number; errors: Array<{ path: string; rule: string }> }>).map(
      (r) => [r.index, r.errors.map((e) => `${e.path}:${e.rule}`)],
    );
    expect(rejected).toEqual([
      [1, [expect.stringMatching(/^lat:/)]],
      [2, [expect.stringMatching(/^lon:/)]],
      [3, [expect.stringMatching(/^lat:/)]],
      [4, [expect.stringMatching(/^lon:/)]],
      [5, ['lon:range']],
      [6, ['lat:range']],
      [7, ['ts:BEYOND_RETENTION']],
      [8, ['ts:BEYOND_RETENTION']],
      [9, ['ts:IN_FUTURE']],
      [10, ['ts:IN_FUTURE']],
      [11, [expect.stringMatching(/^ts:/)]],
      [12, [expect.stringMatching(/^speedKmh:/)]],
    ]);
    await t.settle();
    expect(await fixes()).toBe(before + 1);
    // A literal NaN makes the whole batch unreadable: nothing of it is stored.
    const nan = await send(
      key,
      '/v1/telemetry/positions',
      rawJson(
        { positions: [point({ ts: new Date(now - 20_000).toISOString() }), point({ lat: '@@nan@@' })] },
        { nan: 'NaN' },
      ),
    );
    expectProblem(nan, 400, 'MALFORMED_JSON');
    expect(await fixes()).toBe(before + 1);
  });

  it('books no movement with a negative, zero, sub-gram, absurd or non-finite quantity', async () => {
    const p = await party(t, { licences: [PRODUCTION_LICENCE] });
    const chemicalId = (await chemicalByCas(t, '67-56-1')).id as string;
    const [made] = await recorded(t, p.key, {
      operation: 'produce',
      facilityId: p.facilityId,
      chemicalId,
      lotNumber: 'Q-1',
      quantity: { value: 100, unit: 'kg' },
    });
    const before = await ledgerRows(t);
    const movement = (value: unknown, unit = 'kg') => ({
      operation: 'loss',
      facilityId: p.facilityId,
      chemicalId,
      lotId: made!.lotId,
      reason: '测试',
      quantity: { value, unit },
      occurredAt: hoursAgo(12),
    });
    for (const [value, rule] of [
      [-1, 'isPositive'],
      [0, 'isPositive'],
      [1e30, 'max'],
      ['12', 'isNumber'],
      [null, 'isNumber'],
    ] as const) {
      expectProblem(await send(p.key, '/v1/movements', movement(value)), 400, 'VALIDATION_FAILED', [
        { path: 'quantity.value', rule },
      ]);
    }
    expectProblem(
      await send(p.key, '/v1/movements', rawJson(movement('@@v@@'), { v: '1e400' })),
      400,
      'VALIDATION_FAILED',
      [{ path: 'quantity.value', rule: 'isNumber' }],
    );
    // Positive but below the ledger's gram: it would book 0 kg.
    const subGram = await send(p.key, '/v1/movements', movement(0.0001));
    expect([400, 422]).toContain(subGram.status);
    expect(JSON.stringify(subGram.body.errors)).toContain('quantity');
    // Allowed by the schema, impossible in the world: 1e9 t into a 50 t facility.
    const huge = await send(p.key, '/v1/movements', {
      ...movement(1e9, 't'),
      operation: 'produce',
      lotId: undefined,
      lotNumber: 'Q-2',
    });
    expect(huge.status).toBe(422);
    expect(await ledgerRows(t)).toEqual(before);
  });

  it('refuses waybill items with a negative, zero or absurd quantity, naming the item', async () => {
    const w = await tripWorld(t, { transportKey: transport });
    const before = await rowCounts(t, ['waybills', 'waybill_items']);
    for (const [value, rule] of [
      [-5, 'isPositive'],
      [0, 'isPositive'],
      [1e30, 'max'],
    ] as const) {
      const res = await post(t, w.consignor.key, '/v1/waybills', content(w, {}, { quantity: { value, unit: 't' } }));
      expectProblem(res, 400, 'VALIDATION_FAILED', [{ path: 'items[0].quantity.value', rule }]);
    }
    const huge = await send(
      w.consignor.key,
      '/v1/waybills',
      rawJson(content(w, {}, { quantity: { value: '@@v@@', unit: 't' } }), { v: '1e400' }),
    );
    expectProblem(huge, 400, 'VALIDATION_FAILED', [{ path: 'items[0].quantity.value', rule: 'isNumber' }]);
    expect(await rowCounts(t, ['waybills', 'waybill_items'])).toEqual(before);
  });

  it('names the field of every unknown enum value', async () => {
    const before = await rowCounts(t, ['movements', 'api_keys', 'vehicles', 'routes', 'zones', 'enterprises']);
    const p = await party(t, { licences: [PRODUCTION_LICENCE] });
    const after = await rowCounts(t, ['movements', 'api_keys', 'vehicles', 'routes', 'zones', 'enterprises']);
    const chemicalId = (await chemicalByCas(t, '67-56-1')).id as string;
    const cases: Array<[string, string, Json, string]> = [
      [
        p.key,
        '/v1/movements',
        {
          operation: 'steal',
          facilityId: p.facilityId,
          chemicalId,
          lotNumber: 'E-1',
          quantity: { value: 1, unit: 'kg' },
          occurredAt: hoursAgo(12),
        },
        'operation',
      ],
      [
        p.key,
        '/v1/movements',
        {
          operation: 'produce',
          facilityId: p.facilityId,
          chemicalId,
          lotNumber: 'E-1',
          quantity: { value: 1, unit: 'lb' },
          occurredAt: hoursAgo(12),
        },
        'quantity.unit',
      ],
      [t.adminKey, '/v1/api-keys', { principal: 'root', name: 'x' }, 'principal'],
      [t.adminKey, '/v1/api-keys', { principal: 'agency', agency: 'army', name: 'x' }, 'agency'],
      [
        t.adminKey,
        '/v1/vehicles',
        { kind: 'tanker', plate: '苏B12345', carrierId: p.enterpriseId, permittedClasses: ['10'] },
        'permittedClasses',
      ],
      [
        t.adminKey,
        '/v1/vehicles',
        { kind: 'spaceship', plate: '苏B12345', carrierId: p.enterpriseId, permittedClasses: ['3'] },
        'kind',
      ],
      [
        transport,
        '/v1/routes',
        {
          name: 'x',
          geometry: {
            type: 'LineString',
            coordinates: [
              [120.3, 31.5],
              [120.4, 31.5],
            ],
          },
          hazardClasses: ['2.9'],
          validFrom: '2026-01-01',
          validTo: '2027-12-31',
        },
        'hazardClasses',
      ],
      [transport, '/v1/zones', { name: 'x', kind: 'volcano', geometry: WUXI_SQUARE }, 'kind'],
      [
        t.adminKey,
        '/v1/enterprises',
        { creditCode: '91320214MA1P3K2X02', name: 'x', roles: ['pirate'], district: '火星', address: 'x' },
        'roles',
      ],
    ];
    for (const [key, path, body, field] of cases) {
      const res = await send(key, path, body);
      expectProblem(res, 400, 'VALIDATION_FAILED', [{ path: field, rule: 'isIn' }]);
    }
    expect(await rowCounts(t, ['movements', 'api_keys', 'vehicles', 'routes', 'zones', 'enterprises'])).toEqual(after);
    expect(after.enterprises).toBe(before.enterprises! + 1);
  });
});
