import {
  booleanPointInPolygon,
  distance as turfDistance,
  lineString,
  point as turfPoint,
  pointToLineDistance,
  polygon as turfPolygon,
} from '@turf/turf';
import type { FacilityView } from '@lib/registry';

/** Is a position inside a facility's arrival/departure fence (its geometry grown by fenceRadiusM)? */
export function insideFence(lon: number, lat: number, f: FacilityView): boolean {
  const g = f.geometry as { type: string; coordinates: unknown };
  const at = turfPoint([lon, lat]);
  if (g.type === 'Point')
    return (
      turfDistance(at, turfPoint(g.coordinates as [number, number]), { units: 'kilometers' }) * 1000 <= f.fenceRadiusM
    );
  const rings = g.coordinates as Array<Array<[number, number]>>;
  if (booleanPointInPolygon(at, turfPolygon(rings))) return true;
  return pointToLineDistance(at, lineString(rings[0]!), { units: 'kilometers' }) * 1000 <= f.fenceRadiusM;
}
