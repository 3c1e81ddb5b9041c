import type { World } from './types.js';

/**
 * Rejects a world the engine could not judge fairly (a route without a line, a non-finite
 * coordinate, a duplicate id): the caller builds engines from stored fences, so a clear error
 * naming the fence beats silently never (or always) raising for it.
 */
export function validateWorld(world: World): void {
  const seen = new Set<string>();
  const unique = (kind: string, id: string): void => {
    const key = `${kind}:${id}`;
    if (seen.has(key)) throw new TypeError(`geofence world: duplicate ${kind} id ${id}`);
    seen.add(key);
  };
  for (const r of world.routes) {
    unique('route', r.id);
    if (r.coordinates.length < 2) throw new TypeError(`geofence world: route ${r.id} needs at least 2 positions`);
    r.coordinates.forEach((p) => position(`route ${r.id}`, p));
    if (!(r.halfWidthM > 0 && Number.isFinite(r.halfWidthM))) {
      throw new TypeError(`geofence world: route ${r.id} has a bad halfWidthM`);
    }
  }
  for (const z of world.zones) {
    unique('zone', z.id);
    for (const polygon of z.polygons) {
      for (const ring of polygon) {
        if (ring.length < 3) throw new TypeError(`geofence world: zone ${z.id} has a ring of fewer than 3 positions`);
        ring.forEach((p) => position(`zone ${z.id}`, p));
      }
    }
  }
  for (const f of world.facilities) {
    unique('facility', f.id);
    if (!f.polygon && !f.point) throw new TypeError(`geofence world: facility ${f.id} has neither polygon nor point`);
    if (!(f.radiusM >= 0 && Number.isFinite(f.radiusM))) {
      throw new TypeError(`geofence world: facility ${f.id} has a bad radiusM`);
    }
    if (f.point) position(`facility ${f.id}`, f.point);
    for (const ring of f.polygon ?? []) ring.forEach((p) => position(`facility ${f.id}`, p));
  }
}

function position(owner: string, p: readonly number[]): void {
  const [lon, lat] = p;
  if (!(Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon!) <= 180 && Math.abs(lat!) <= 90)) {
    throw new TypeError(`geofence world: ${owner} has a bad position ${JSON.stringify(p)}`);
  }
}
