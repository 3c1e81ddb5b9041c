import { chemicalByCas, makeEnterprise, WUXI_SQUARE } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

describe('facilities', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = (await makeEnterprise(t)).id as string;
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>) =>
    t
      .http()
      .post('/v1/facilities')
      .set(...bearer(t.adminKey))
      .send({ enterpriseId: owner, name: '液氯库', kind: 'storage', district: '新吴', address: 'x', ...body });

  it('stores a polygon facility with its capacities and bounding box', async () => {
    const chlorine = (await chemicalByCas(t, '7782-50-5')).id as string;
    const res = await create({
      geometry: WUXI_SQUARE,
      capacities: [
        { chemicalId: chlorine, maxKg: 6000 },
        { unClass: '3', maxKg: 50000 },
      ],
      peopleWithin500m: 120,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      hazardUnitKind: 'storage_unit',
      fenceRadiusM: 50,
      bbox: [120.352, 31.49, 120.356, 31.493],
      peopleWithin500m: 120,
    });
    const near = await t
      .http()
      .get('/v1/facilities?bbox=120.35,31.48,120.36,31.5')
      .set(...bearer(t.adminKey));
    expect(near.body.items.map((f: { id: string }) => f.id)).toContain(res.body.id);
    const far = await t
      .http()
      .get('/v1/facilities?bbox=120.0,31.0,120.1,31.1')
      .set(...bearer(t.adminKey));
    expect(far.body.items).toEqual([]);
  });

  it.each([
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [120.35, 31.49],
            [120.36, 31.5],
            [120.36, 31.49],
            [120.35, 31.5],
            [120.35, 31.49],
          ],
        ],
      },
      'selfIntersection',
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [120.35, 31.49],
            [120.36, 31.49],
            [120.36, 31.5],
            [120.35, 31.5],
          ],
        ],
      },
      'closedRing',
    ],
    [{ type: 'Point', coordinates: [31.49, 120.35] }, 'range'],
    [
      {
        type: 'LineString',
        coordinates: [
          [120.35, 31.49],
          [120.36, 31.5],
        ],
      },
      'geometryType',
    ],
  ])('refuses geometry %j with 400 (%s)', async (geometry, rule) => {
    const res = await create({ geometry });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { rule: string }) => e.rule)).toContain(rule);
    expect(res.body.errors[0].path).toMatch(/^geometry/);
  });

  it('refuses a capacity naming both a chemical and a class, or an unknown chemical', async () => {
    const res = await create({
      geometry: { type: 'Point', coordinates: [120.3, 31.5] },
      capacities: [{ chemicalId: '0190a1b2-0000-7000-8000-000000000001', maxKg: 1 }],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ path: 'capacities[0].chemicalId', rule: 'REFERENCE_NOT_FOUND' });
    const count = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM facilities');
    expect(Number(count[0]!.n)).toBe(1);
  });
});
