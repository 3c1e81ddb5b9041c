import type { Geometry, Position } from './geojson.js';

/**
 * GCJ-02 ("Mars coordinates"), the obfuscated datum Chinese map services (Amap, Tencent, Tianditu
 * exports of them) publish in. The forward transform is the widely published one (krasnokutsky,
 * eviltransform); the inverse is found by fixed-point iteration, exact to well under 1 cm.
 * Outside mainland China GCJ-02 equals WGS-84.
 */
const A = 6378245.0;
const EE = 0.006693421622965943; // first eccentricity squared of Krasovsky 1940

const outOfChina = (lon: number, lat: number): boolean =>
  lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

export function wgs84ToGcj02([lon, lat]: Position): Position {
  if (outOfChina(lon, lat)) return [lon, lat];
  let dLat = transformLat(lon - 105.0, lat - 35.0);
  let dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

export function gcj02ToWgs84([lon, lat]: Position): Position {
  if (outOfChina(lon, lat)) return [lon, lat];
  let w: Position = [lon, lat];
  for (let i = 0; i < 10; i++) {
    const g = wgs84ToGcj02(w);
    const dLon = g[0] - lon;
    const dLat = g[1] - lat;
    w = [w[0] - dLon, w[1] - dLat];
    if (Math.abs(dLon) < 1e-10 && Math.abs(dLat) < 1e-10) break;
  }
  return w;
}

/** Converts every position of a geometry from GCJ-02 to WGS-84. */
export function geometryFromGcj02<G extends Geometry>(g: G): G {
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number' ? gcj02ToWgs84(c as Position) : (c as unknown[]).map(walk);
  return { ...g, coordinates: walk(g.coordinates) } as G;
}
