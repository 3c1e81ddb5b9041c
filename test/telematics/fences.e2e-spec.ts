import { gcj02ToWgs84, wgs84ToGcj02 } from '@lib/platform';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

describe('routes and zones (transport bureau)', () => {
  let t: TestApp;
  let transport: string;
  let police: string;
  beforeAll(async () => {
    t = await createTestApp();
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
  });
  afterAll(() => t.close());

  const line = {
    type: 'LineString',
    coordinates: [
      [120.3, 31.49],
      [120.35, 31.5],
      [120.4, 31.52],
    ],
  };
  const route = (over: Record<string, unknown> = {}) => ({
    name: '线路',
    geometry: line,
    hazardClasses: ['3'],
    validFrom: '2026-01-01',
    validTo: '2027-12-31',
    tunnels: [{ name: '惠山隧道', category: 'C' }],
    allowedHours: [{ from: '22:00', to: '06:00' }],
    ...over,
  });

  it('drafts a route, lets only transport approve it, then retires it; invalid moves are 409', async () => {
    const created = await t
      .http()
      .post('/v1/routes')
      .set(...bearer(transport))
      .send(route());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      halfWidthM: 50,
      allowedHours: [{ from: '22:00', to: '06:00' }],
      tunnels: [{ name: '惠山隧道', category: 'C' }],
    });
    expect(created.body.lengthM).toBeGreaterThan(9000);
    const id = created.body.id as string;
    expect(
      (
        await t
          .http()
          .post(`/v1/routes/${id}/approve`)
          .set(...bearer(police))
      ).status,
    ).toBe(403);
    expect(
      (
        await t
          .http()
          .post(`/v1/routes/${id}/approve`)
          .set(...bearer(t.adminKey))
      ).status,
    ).toBe(403);
    expect(
      (
        await t
          .http()
          .post(`/v1/routes/${id}/approve`)
          .set(...bearer(transport))
      ).body.status,
    ).toBe('approved');
    const again = await t
      .http()
      .post(`/v1/routes/${id}/approve`)
      .set(...bearer(transport));
    expect(again.status).toBe(409);
    expect(again.body.state).toBe('approved');
    expect(
      (
        await t
          .http()
          .post(`/v1/routes/${id}/retire`)
          .set(...bearer(transport))
      ).body.status,
    ).toBe('retired');
  });

  it('converts GCJ-02 input to WGS-84 when asked', async () => {
    const wgs: [number, number] = [120.3119, 31.4912];
    const gcj = wgs84ToGcj02(wgs);
    const res = await t
      .http()
      .post('/v1/routes?crs=gcj02')
      .set(...bearer(transport))
      .send(route({ geometry: { type: 'LineString', coordinates: [gcj, [gcj[0] + 0.01, gcj[1]]] } }));
    const [lon, lat] = res.body.geometry.coordinates[0] as [number, number];
    expect(Math.abs(lon - wgs[0]) * 95_000).toBeLessThan(0.05);
    expect(Math.abs(lat - wgs[1]) * 111_000).toBeLessThan(0.05);
    expect(gcj02ToWgs84(gcj)[0]).toBeCloseTo(wgs[0], 6);
  });

  it('refuses bad geometry with 400 naming the path, and a self-intersecting zone', async () => {
    const bad = await t
      .http()
      .post('/v1/routes')
      .set(...bearer(transport))
      .send(
        route({
          geometry: {
            type: 'LineString',
            coordinates: [
              [120.3, 31.49],
              [200, 31.5],
            ],
          },
        }),
      );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'geometry.coordinates[1]', rule: 'range' })]);
    const bow = await t
      .http()
      .post('/v1/zones')
      .set(...bearer(transport))
      .send({
        name: 'x',
        kind: 'ban',
        geometry: {
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
        },
      });
    expect(bow.status).toBe(400);
    expect(bow.body.errors[0].rule).toBe('selfIntersection');
  });

  it('imports a FeatureCollection of zones all or nothing, and exports them again', async () => {
    const square = (dx: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [120.3 + dx, 31.49],
          [120.31 + dx, 31.49],
          [120.31 + dx, 31.5],
          [120.3 + dx, 31.5],
          [120.3 + dx, 31.49],
        ],
      ],
    });
    const fc = (second: Record<string, unknown>) => ({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: square(0),
          properties: {
            name: '学校',
            kind: 'school',
            schedule: { hours: [{ from: '07:00', to: '18:00' }], weekdays: [1, 2, 3, 4, 5] },
          },
        },
        { type: 'Feature', geometry: square(0.02), properties: second },
      ],
    });
    const bad = await t
      .http()
      .post('/v1/zones/import')
      .set(...bearer(transport))
      .send(fc({ name: '?', kind: 'volcano' }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'features[1].properties.kind' })]);
    expect(
      (
        await t
          .http()
          .get('/v1/zones')
          .set(...bearer(transport))
      ).body.items,
    ).toEqual([]);
    const ok = await t
      .http()
      .post('/v1/zones/import')
      .set(...bearer(transport))
      .send(fc({ name: '停车区', kind: 'parking' }));
    expect(ok.status).toBe(201);
    const exported = await t
      .http()
      .get('/v1/zones/export')
      .set(...bearer(police));
    expect(exported.body.type).toBe('FeatureCollection');
    expect(exported.body.features.map((f: { properties: { name: string } }) => f.properties.name).sort()).toEqual([
      '停车区',
      '学校',
    ]);
  });
});
