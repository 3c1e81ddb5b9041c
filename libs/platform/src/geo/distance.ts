/** The earth's mean radius, as turf and the geofence engine take it. */
const EARTH_M = 6_371_008.8;
const rad = (d: number): number => (d * Math.PI) / 180;

/** Great-circle distance in metres between two WGS-84 positions (haversine on a spherical earth). */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(a)));
}
