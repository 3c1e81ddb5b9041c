/**
 * A hand-built tanker track along a straight east–west route in Wuxi: one fix every 5 s, about
 * 28 m apart (20 km/h), with ±20 m jitter; fixes 300 to 335 detour north for three minutes,
 * turning off and back at a plausible 55 km/h and reaching 300 m (through a small ban zone);
 * fix 600 is a 300 m GPS spike (an implied 216 km/h).
 */
export const ROUTE = {
  type: 'LineString',
  coordinates: [
    [120.2, 31.5],
    [120.5, 31.5],
  ],
};
export const DETOUR = { from: 300, to: 335 };
export const SPIKE = 600;
const M_PER_DEG_LAT = 110_540;
const M_PER_DEG_LON = 111_320 * Math.cos((31.5 * Math.PI) / 180);

/** Lon of fix i on the route. */
export const lonAt = (i: number): number => 120.2 + (i * 28.5) / M_PER_DEG_LON;

/** A ban zone north of the route, crossed by the middle of the detour (fixes ~312 to ~322). */
export const ZONE = {
  type: 'Polygon',
  coordinates: [
    [
      [lonAt(312) - 0.00005, 31.5 + 200 / M_PER_DEG_LAT],
      [lonAt(322) + 0.00005, 31.5 + 200 / M_PER_DEG_LAT],
      [lonAt(322) + 0.00005, 31.5 + 400 / M_PER_DEG_LAT],
      [lonAt(312) - 0.00005, 31.5 + 400 / M_PER_DEG_LAT],
      [lonAt(312) - 0.00005, 31.5 + 200 / M_PER_DEG_LAT],
    ],
  ],
};

/** Deterministic jitter in metres, within ±20 m. */
const jitter = (i: number, k: number): number => Math.sin(i * 12.9898 + k * 78.233) * 20;

export function buildTrack(vehicleId: string, start: number, count = 1000): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => {
    let north = jitter(i, 1);
    if (i >= DETOUR.from && i <= DETOUR.to)
      north += Math.min(300, 75 * (i - DETOUR.from + 1), 75 * (DETOUR.to - i + 1));
    if (i === SPIKE) north += 300;
    return {
      vehicleId,
      ts: new Date(start + i * 5000).toISOString(),
      lon: lonAt(i) + jitter(i, 2) / M_PER_DEG_LON,
      lat: 31.5 + north / M_PER_DEG_LAT,
      speedKmh: 20.5,
      heading: 90,
      hdop: 0.8,
    };
  });
}
