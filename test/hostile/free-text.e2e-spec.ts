import {
  chemicalByCas,
  citizenId,
  creditCode,
  makeEnterprise,
  plate,
  terminalId,
  WUXI_SQUARE,
} from '../support/factories.js';
import { expectProblem, rowCounts, stillServing } from '../support/hostile.js';
import { hoursAgo, PRODUCTION_LICENCE, party, recorded } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { content, post, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/** Text that would do harm if any layer interpreted it instead of storing it. */
const PAYLOADS: Record<string, string> = {
  sql: "'; DROP TABLE enterprises;--",
  script: '<script>alert(1)</script>',
  quoteOr: '" OR 1=1 --',
  rtl: '发票\u202Egpj.exe\u202C 反向',
  zeroWidth: 'a\u200Bb\uFEFFc',
  nul: 'a\u0000b',
};

/** The value at a JSON path like "contacts[0].name". */
const at = (body: unknown, path: string): unknown =>
  path
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')
    .reduce<unknown>((v, p) => (v as Json | undefined)?.[p], body);

/**
 * Either the write was refused with a 400 that names every free-text field, or it was stored and
 * is echoed back byte for byte, both in the answer and when read again.
 */
async function verbatimOrRefused(
  t: TestApp,
  res: { status: number; headers: Record<string, string>; body: Json },
  fields: string[],
  payload: string,
  readPath: (id: string) => string,
  key: string,
  /** Where the answer holds the request's fields (a waybill answers them under `content`). */
  prefix = '',
): Promise<'stored' | 'refused'> {
  if (res.status === 400) {
    expectProblem(
      res,
      400,
      'VALIDATION_FAILED',
      fields.map((path) => ({ path })),
    );
    return 'refused';
  }
  expect({ status: res.status, body: res.status === 201 ? 'ok' : res.body }).toEqual({ status: 201, body: 'ok' });
  const read = await t
    .http()
    .get(readPath(res.body.id as string))
    .set(...bearer(key));
  expect(read.status).toBe(200);
  for (const path of fields) {
    expect({ path, written: at(res.body, prefix + path) }).toEqual({ path, written: payload });
    expect({ path, read: at(read.body, prefix + path) }).toEqual({ path, read: payload });
  }
  return 'stored';
}

describe('hostile free text (SQL, script, bidi, NUL) in every free-text field', () => {
  let t: TestApp;
  let transport: string;
  let world: TripWorld;
  let producer: { enterpriseId: string; key: string; facilityId: string };
  let chemicalId: string;
  let lotId: string;
  beforeAll(async () => {
    t = await createTestApp();
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    world = await tripWorld(t, { transportKey: transport });
    producer = await party(t, { licences: [PRODUCTION_LICENCE] });
    chemicalId = (await chemicalByCas(t, '67-56-1')).id as string;
    const [produced] = await recorded(t, producer.key, {
      operation: 'produce',
      facilityId: producer.facilityId,
      chemicalId,
      lotNumber: 'FREE-TEXT-1',
      quantity: { value: 1000, unit: 'kg' },
    });
    lotId = produced!.lotId as string;
  });
  afterAll(() => t.close());

  afterEach(async () => {
    // Nothing was interpreted: every table is still there and still readable.
    await rowCounts(t, ['enterprises', 'vehicles', 'personnel', 'facilities', 'movements', 'waybills', 'routes']);
    await stillServing(t);
  });

  it.each(Object.entries(PAYLOADS))('registry: enterprise, vehicle, person and facility with %s', async (_name, p) => {
    const enterprise = await post(t, t.adminKey, '/v1/enterprises', {
      creditCode: creditCode(),
      name: p,
      roles: ['carrier', 'storer'],
      district: '新吴',
      address: p,
      contacts: [{ name: p, role: p }],
    });
    await verbatimOrRefused(
      t,
      enterprise,
      ['name', 'address', 'contacts[0].name', 'contacts[0].role'],
      p,
      (id) => `/v1/enterprises/${id}`,
      t.adminKey,
    );
    const carrierId = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    const vehicle = await post(t, t.adminKey, '/v1/vehicles', {
      kind: 'tanker',
      plate: plate(),
      carrierId,
      permittedClasses: ['3'],
      tankVolumeM3: 20,
      approvedLoadKg: 20000,
      tankInspectionExpiry: '2028-06-30',
      transportCertNumber: p,
      transportCertExpiry: '2028-12-31',
      terminalId: terminalId(),
    });
    await verbatimOrRefused(t, vehicle, ['transportCertNumber'], p, (id) => `/v1/vehicles/${id}`, t.adminKey);
    const person = await post(t, t.adminKey, '/v1/personnel', {
      name: p,
      idNumber: citizenId(),
      phone: '13912345678',
      role: 'driver',
      employerId: carrierId,
      qualificationKind: 'dg_driver',
      qualificationNumber: p,
      qualificationExpiry: '2028-03-31',
    });
    await verbatimOrRefused(t, person, ['name', 'qualificationNumber'], p, (id) => `/v1/personnel/${id}`, t.adminKey);
    const facility = await post(t, t.adminKey, '/v1/facilities', {
      enterpriseId: carrierId,
      name: p,
      kind: 'storage',
      geometry: WUXI_SQUARE,
      district: '新吴',
      address: p,
    });
    await verbatimOrRefused(t, facility, ['name', 'address'], p, (id) => `/v1/facilities/${id}`, t.adminKey);
  });

  it.each(Object.entries(PAYLOADS))('telematics: route, tunnel and zone names with %s', async (_name, p) => {
    const route = await post(t, transport, '/v1/routes', {
      name: p,
      geometry: {
        type: 'LineString',
        coordinates: [
          [120.3, 31.49],
          [120.35, 31.5],
        ],
      },
      hazardClasses: ['3'],
      validFrom: '2026-01-01',
      validTo: '2027-12-31',
      tunnels: [{ name: p, category: 'C' }],
    });
    await verbatimOrRefused(t, route, ['name', 'tunnels[0].name'], p, (id) => `/v1/routes/${id}`, transport);
    const zone = await post(t, transport, '/v1/zones', { name: p, kind: 'school', geometry: WUXI_SQUARE });
    await verbatimOrRefused(t, zone, ['name'], p, (id) => `/v1/zones/${id}`, transport);
  });

  it.each(Object.entries(PAYLOADS))('ledger: the reason of a loss, and a lot number, with %s', async (_name, p) => {
    const before = await rowCounts(t, ['movements', 'lots']);
    const loss = await post(t, producer.key, '/v1/movements', {
      operation: 'loss',
      facilityId: producer.facilityId,
      chemicalId,
      lotId,
      quantity: { value: 1, unit: 'kg' },
      reason: p,
      occurredAt: hoursAgo(12),
    });
    if (loss.status === 400) {
      expectProblem(loss, 400, 'VALIDATION_FAILED', [{ path: 'reason' }]);
      expect(await rowCounts(t, ['movements', 'lots'])).toEqual(before);
    } else {
      expect(loss.status).toBe(201);
      const [leg] = loss.body as unknown as Json[];
      expect(leg!.reason).toBe(p);
      const read = await t
        .http()
        .get(`/v1/movements/${leg!.id as string}`)
        .set(...bearer(producer.key));
      expect(read.body.reason).toBe(p);
    }
    // Lot numbers have a pattern: every hostile one is refused, naming the field.
    const lot = await post(t, producer.key, '/v1/movements', {
      operation: 'produce',
      facilityId: producer.facilityId,
      chemicalId,
      lotNumber: p,
      quantity: { value: 1, unit: 'kg' },
      occurredAt: hoursAgo(12),
    });
    expectProblem(lot, 400, 'VALIDATION_FAILED', [{ path: 'lotNumber' }]);
  });

  it.each(Object.entries(PAYLOADS))('waybill: notes and proper shipping name with %s', async (_name, p) => {
    const res = await post(
      t,
      world.consignor.key,
      '/v1/waybills',
      content(world, { notes: p }, { properShippingName: p }),
    );
    await verbatimOrRefused(
      t,
      res,
      ['notes', 'items[0].properShippingName'],
      p,
      (id) => `/v1/waybills/${id}`,
      world.consignor.key,
      'content.',
    );
  });

  it('prints a waybill whose every name is a script as inert text', async () => {
    const script = PAYLOADS.script!;
    const patch = (path: string, body: Json) =>
      t
        .http()
        .patch(path)
        .set(...bearer(t.adminKey))
        .send(body);
    expect((await patch(`/v1/enterprises/${world.consignor.enterpriseId}`, { name: `${script}托运` })).status).toBe(
      200,
    );
    expect((await patch(`/v1/facilities/${world.consignor.facilityId}`, { name: `${script}装货` })).status).toBe(200);
    expect((await patch(`/v1/personnel/${world.driverId}`, { name: `${script}驾驶` })).status).toBe(200);
    const draft = await post(
      t,
      world.consignor.key,
      '/v1/waybills',
      content(world, { notes: script }, { properShippingName: `"><img src=x onerror=alert(1)>` }),
    );
    expect(draft.status).toBe(201);
    // A draft is not printed: the copy the driver carries is of a submitted waybill.
    expect((await post(t, world.consignor.key, `/v1/waybills/${draft.body.id as string}/submit`)).status).toBe(200);
    const print = await t
      .http()
      .get(`/v1/waybills/${draft.body.id as string}/print`)
      .set(...bearer(world.consignor.key));
    expect(print.status).toBe(200);
    expect(print.headers['content-type']).toMatch(/^text\/html/);
    expect(print.text).not.toMatch(/<script|<img|onerror=alert\(1\)>/i);
    expect(print.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;托运');
    expect(print.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;装货');
    expect(print.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;驾驶');
    expect(print.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});
