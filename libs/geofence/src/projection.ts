/**
 * A local equirectangular projection in metres around the world's centre. Distances use turf's
 * spherical earth (mean radius 6371008.8 m), so a corridor border decided here agrees with what
 * turf (and the rest of the service) reports for the same points.
 *
 * Projected x uses the cosine of the centre latitude; a fix far north or south of the centre
 * scales its east-west differences by `eastScale(lat)` = cos(lat) / cos(lat0), which keeps local
 * distances exact to the centimetre however far the world spans (a province as well as a city).
 * Containment is unaffected: the projection is affine in lon/lat, like turf's planar tests.
 */
export const EARTH_RADIUS_M = 6_371_008.8;
export const METRES_PER_DEGREE = (EARTH_RADIUS_M * Math.PI) / 180;
const RAD = Math.PI / 180;

export class LocalProjection {
  readonly cosLat0: number;
  readonly tanLat0: number;
  /** Metres per degree of longitude at lat0. */
  readonly mx: number;

  constructor(
    readonly lon0: number,
    readonly lat0: number,
  ) {
    this.cosLat0 = Math.cos(lat0 * RAD);
    this.tanLat0 = Math.tan(lat0 * RAD);
    this.mx = this.cosLat0 * METRES_PER_DEGREE;
  }

  x(lon: number): number {
    return (lon - this.lon0) * this.mx;
  }

  y(lat: number): number {
    return (lat - this.lat0) * METRES_PER_DEGREE;
  }

  /**
   * Factor turning a projected east-west difference at `lat` into metres: cos(lat) / cos(lat0).
   * Near the centre it is a polynomial in d = lat - lat0 (cos and sin to fourth order; off by
   * under 1e-7 within 5°, 1e-5 within 11°): Math.cos is a library call, and this runs per fix.
   */
  eastScale(lat: number): number {
    const d = (lat - this.lat0) * RAD;
    if (d > 0.2 || d < -0.2) return Math.cos(lat * RAD) / this.cosLat0;
    const d2 = d * d;
    return 1 - d2 / 2 + (d2 * d2) / 24 - this.tanLat0 * d * (1 - d2 / 6);
  }
}
