import { distance, point } from '@turf/turf';
import { haversineM } from './distance.js';
import { gcj02ToWgs84, wgs84ToGcj02 } from './gcj02.js';
import { validateGeometry } from './geojson.js';

describe('GCJ-02', () => {
  it('offsets Wuxi by a few hundred metres and inverts to within a centimetre', () => {
    const wgs: [number, number] = [120.3119, 31.4912];
    const gcj = wgs84ToGcj02(wgs);
    const offsetM = Math.hypot((gcj[0] - wgs[0]) * 95_000, (gcj[1] - wgs[1]) * 111_000);
    expect(offsetM).toBeGreaterThan(300);
    expect(offsetM).toBeLessThan(800);
    const back = gcj02ToWgs84(gcj);
    expect(Math.abs(back[0] - wgs[0]) * 95_000).toBeLessThan(0.01);
    expect(Math.abs(back[1] - wgs[1]) * 111_000).toBeLessThan(0.01);
  });

  it('leaves positions outside China as they are', () => {
    expect(gcj02ToWgs84([2.35, 48.85])).toEqual([2.35, 48.85]);
  });
});

describe('validateGeometry', () => {
  const square = [
    [120.3, 31.5],
    [120.31, 31.5],
    [120.31, 31.51],
    [120.3, 31.51],
    [120.3, 31.5],
  ];

  it('accepts a valid polygon and point', () => {
    expect(validateGeometry({ type: 'Polygon', coordinates: [square] }, ['Point', 'Polygon'])).toEqual([]);
    expect(validateGeometry({ type: 'Point', coordinates: [120.3, 31.5] }, ['Point', 'Polygon'])).toEqual([]);
  });

  it.each([
    [{ type: 'Polygon', coordinates: [square.slice(0, 4)] }, 'closedRing'],
    [{ type: 'Polygon', coordinates: [square.slice(0, 3)] }, 'ringLength'],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [120.3, 31.5],
            [120.31, 31.51],
            [120.31, 31.5],
            [120.3, 31.51],
            [120.3, 31.5],
          ],
        ],
      },
      'selfIntersection',
    ],
    [{ type: 'Point', coordinates: [31.5, 120.3] }, 'range'],
    [{ type: 'Point', coordinates: [null, 31.5] }, 'position'],
    [{ type: 'LineString', coordinates: [[120, 31]] }, 'lineLength'],
    [{ type: 'Polygon', coordinates: [Array.from({ length: 20_001 }, () => [120, 31])] }, 'vertexLimit'],
    [{ type: 'Circle', coordinates: [120, 31] }, 'geometryType'],
  ])('refuses %j (%s)', (g, rule) => {
    expect(validateGeometry(g, ['Point', 'Polygon', 'LineString']).map((p) => p.rule)).toContain(rule);
  });

  it('finds non-finite numbers (JSON cannot carry NaN, but code can)', () => {
    expect(validateGeometry({ type: 'Point', coordinates: [Number.NaN, 31] }, ['Point'])[0]!.rule).toBe('finite');
  });
});

describe('haversineM', () => {
  it('agrees with turf to well under a millimetre, so trips and nearby lists measure alike', () => {
    const pairs: Array<[number, number, number, number]> = [
      [120.3119, 31.4912, 120.3119, 31.4912],
      [120.3119, 31.4912, 120.3219, 31.4962],
      [120.3119, 31.4912, 121.4737, 31.2304],
      [-0.1276, 51.5072, 2.3522, 48.8566],
    ];
    for (const [lon1, lat1, lon2, lat2] of pairs)
      expect(
        Math.abs(haversineM(lon1, lat1, lon2, lat2) - distance(point([lon1, lat1]), point([lon2, lat2])) * 1000),
      ).toBeLessThan(1e-6);
  });
});
