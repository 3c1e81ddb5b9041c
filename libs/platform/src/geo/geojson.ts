import type { ProblemItem } from '../errors/domain-error.js';
import { firstSelfIntersection } from './self-intersection.js';

export type Position = [number, number];
export interface PointGeometry {
  type: 'Point';
  coordinates: Position;
}
export interface LineStringGeometry {
  type: 'LineString';
  coordinates: Position[];
}
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type Geometry = PointGeometry | LineStringGeometry | PolygonGeometry | MultiPolygonGeometry;

/** The most vertices one geometry may have; larger ones are refused (they are data errors or attacks). */
export const MAX_VERTICES = 20_000;

const isNumberPair = (p: unknown): p is number[] => Array.isArray(p) && (p.length === 2 || p.length === 3);

function checkPosition(p: unknown, path: string, out: ProblemItem[]): p is Position {
  if (!isNumberPair(p) || !p.every((n) => typeof n === 'number')) {
    out.push({ path, rule: 'position', message: `${path} must be [longitude, latitude] (numbers)` });
    return false;
  }
  const [lon, lat] = p as [number, number];
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
    out.push({ path, rule: 'finite', message: `${path} must hold finite numbers` });
    return false;
  }
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    out.push({
      path,
      rule: 'range',
      message: `${path} must be within longitude -180..180 and latitude -90..90 (WGS-84, [lon, lat])`,
    });
    return false;
  }
  return true;
}

function checkRing(ring: unknown, path: string, out: ProblemItem[]): boolean {
  if (!Array.isArray(ring) || ring.length < 4) {
    out.push({ path, rule: 'ringLength', message: `${path} must be a closed ring of at least 4 positions` });
    return false;
  }
  const before = out.length;
  ring.forEach((p, i) => checkPosition(p, `${path}[${i}]`, out));
  if (out.length > before) return false;
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    out.push({ path, rule: 'closedRing', message: `${path} must end where it starts (a closed ring)` });
    return false;
  }
  return true;
}

function checkPolygon(coords: unknown, path: string, out: ProblemItem[]): void {
  if (!Array.isArray(coords) || coords.length === 0) {
    out.push({ path, rule: 'polygon', message: `${path} must be an array of rings` });
    return;
  }
  const ringsOk = coords.map((r, i) => checkRing(r, `${path}[${i}]`, out)).every(Boolean);
  if (!ringsOk) return;
  const found = firstSelfIntersection(coords as Position[][]);
  if (found) {
    const [lon, lat] = found;
    out.push({
      path,
      rule: 'selfIntersection',
      message: `${path} intersects itself (near ${lon!.toFixed(6)}, ${lat!.toFixed(6)})`,
    });
  }
}

export function countVertices(g: { coordinates: unknown }): number {
  const count = (c: unknown): number =>
    Array.isArray(c) ? (typeof c[0] === 'number' ? 1 : c.reduce((n: number, x) => n + count(x), 0)) : 0;
  return count(g.coordinates);
}

/**
 * Validates a GeoJSON geometry of one of the allowed types: WGS-84 ranges, finite numbers, closed
 * rings, no self-intersection, a vertex limit. Returns every problem found, with its path.
 */
export function validateGeometry(value: unknown, allowed: Geometry['type'][], path = 'geometry'): ProblemItem[] {
  const out: ProblemItem[] = [];
  const g = value as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object' || !allowed.includes(g.type as Geometry['type'])) {
    return [
      { path: `${path}.type`, rule: 'geometryType', message: `${path} must be a GeoJSON ${allowed.join(' or ')}` },
    ];
  }
  if (!Array.isArray(g.coordinates))
    return [{ path: `${path}.coordinates`, rule: 'coordinates', message: `${path}.coordinates must be an array` }];
  const vertices = countVertices(g as { coordinates: unknown });
  if (vertices > MAX_VERTICES) {
    return [
      {
        path: `${path}.coordinates`,
        rule: 'vertexLimit',
        message: `${path} has ${vertices} vertices; the limit is ${MAX_VERTICES}`,
      },
    ];
  }
  const c = `${path}.coordinates`;
  switch (g.type) {
    case 'Point':
      checkPosition(g.coordinates, c, out);
      break;
    case 'LineString':
      if (g.coordinates.length < 2)
        out.push({ path: c, rule: 'lineLength', message: `${c} must have at least 2 positions` });
      g.coordinates.forEach((p, i) => checkPosition(p, `${c}[${i}]`, out));
      break;
    case 'Polygon':
      checkPolygon(g.coordinates, c, out);
      break;
    case 'MultiPolygon':
      if (g.coordinates.length === 0)
        out.push({ path: c, rule: 'polygon', message: `${c} must hold at least one polygon` });
      g.coordinates.forEach((poly, i) => checkPolygon(poly, `${c}[${i}]`, out));
      break;
  }
  return out;
}

/** Drops a third coordinate (altitude) and rounds to 1e-7 degrees (about 1 cm). */
export function normaliseGeometry<G extends Geometry>(g: G): G {
  const round = (p: number[]): Position => [Math.round(p[0]! * 1e7) / 1e7, Math.round(p[1]! * 1e7) / 1e7];
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number' ? round(c as number[]) : (c as unknown[]).map(walk);
  return { type: g.type, coordinates: walk(g.coordinates) } as G;
}

export function bbox(g: Geometry): [number, number, number, number] {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  const walk = (c: unknown): void => {
    if (typeof (c as unknown[])[0] === 'number') {
      const [lon, lat] = c as Position;
      minLon = Math.min(minLon, lon);
      maxLon = Math.max(maxLon, lon);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
    } else (c as unknown[]).forEach(walk);
  };
  walk(g.coordinates);
  return [minLon, minLat, maxLon, maxLat];
}
