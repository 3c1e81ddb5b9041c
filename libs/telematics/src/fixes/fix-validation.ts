import type { ProblemItem } from '@lib/platform';

/** Raw point as posted (JSON). Validated by hand: at 20,000 points/s a decorator-based validator costs too much. */
export interface RawPoint {
  vehicleId?: unknown;
  terminalId?: unknown;
  ts?: unknown;
  lat?: unknown;
  lon?: unknown;
  speedKmh?: unknown;
  heading?: unknown;
  altitude?: unknown;
  hdop?: unknown;
  accuracy?: unknown;
  alarmFlags?: unknown;
}

export const POINT_FIELDS = new Set([
  'vehicleId',
  'terminalId',
  'ts',
  'lat',
  'lon',
  'speedKmh',
  'heading',
  'altitude',
  'hdop',
  'accuracy',
  'alarmFlags',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** A typical receiver's error per unit of HDOP, metres (UERE). */
const METRES_PER_HDOP = 5;

export interface PointCheck {
  errors: ProblemItem[];
  vehicleId?: string;
  terminalId?: string;
  ts: number;
  lat: number;
  lon: number;
  speedKmh: number;
  heading: number;
  altitudeM: number | null;
  accuracyM: number | null;
  alarmFlags: number;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** How far ahead of the server clock a fix may be stamped (a terminal's clock a little fast). */
export const MAX_AHEAD_MS = 5 * 60_000;

/** A fix's values as any door decoded them; a field left undefined failed its door's own format check. */
export interface FixValues {
  ts?: number;
  lat?: number;
  lon?: number;
  speedKmh?: number;
  heading?: number;
  altitudeM?: number | null;
  accuracyM?: number | null;
  /** false: the terminal has no GNSS position (JT/T 808 status bit 1), so lat/lon are not checked. */
  located?: boolean;
}

/**
 * The one set of value rules every fix meets, whatever its door (HTTP, JT/T 808, any later one):
 * a time not more than 5 minutes ahead of `now` and not older than the retention, WGS-84 ranges,
 * not exactly 0,0 (a receiver without a fix reports that), speed 0..250 km/h, heading 0..360,
 * altitude -500..9000 m, accuracy 0..100,000 m. Every problem is reported.
 */
export function checkFix(f: FixValues, now: number, retentionMs: number): ProblemItem[] {
  const errors: ProblemItem[] = [];
  if (f.ts !== undefined) {
    if (!Number.isFinite(f.ts)) errors.push({ path: 'ts', rule: 'isISO8601', message: 'ts is not a real time' });
    else if (f.ts > now + MAX_AHEAD_MS)
      errors.push({ path: 'ts', rule: 'IN_FUTURE', message: 'ts is more than 5 minutes ahead of the server clock' });
    else if (f.ts < now - retentionMs)
      errors.push({ path: 'ts', rule: 'BEYOND_RETENTION', message: 'ts is older than the retention period' });
  }
  if (f.located !== false) {
    if (f.lat !== undefined && !(f.lat >= -90 && f.lat <= 90))
      errors.push({ path: 'lat', rule: 'range', message: 'lat must be a finite number within -90..90 (WGS-84)' });
    if (f.lon !== undefined && !(f.lon >= -180 && f.lon <= 180))
      errors.push({ path: 'lon', rule: 'range', message: 'lon must be a finite number within -180..180 (WGS-84)' });
    if (f.lat === 0 && f.lon === 0)
      errors.push({
        path: 'lat',
        rule: 'ZERO_POSITION',
        message: 'exactly 0,0 is what a receiver without a fix reports, not a position',
      });
  }
  if (f.speedKmh !== undefined && !(f.speedKmh >= 0 && f.speedKmh <= 250))
    errors.push({ path: 'speedKmh', rule: 'range', message: 'speedKmh must be within 0..250' });
  if (f.heading !== undefined && !(f.heading >= 0 && f.heading <= 360))
    errors.push({ path: 'heading', rule: 'range', message: 'heading must be within 0..360 degrees' });
  if (f.altitudeM !== undefined && f.altitudeM !== null && !(f.altitudeM >= -500 && f.altitudeM <= 9000))
    errors.push({ path: 'altitude', rule: 'range', message: 'altitude must be within -500..9000 m' });
  if (f.accuracyM !== undefined && f.accuracyM !== null && !(f.accuracyM >= 0 && f.accuracyM <= 100_000))
    errors.push({ path: 'accuracy', rule: 'range', message: 'accuracy must be within 0..100000 m' });
  return errors;
}

/**
 * Checks one point as posted: the JSON types and formats here, then the value rules of checkFix
 * (the same the JT/T 808 gateway applies). Every problem is reported.
 */
export function checkPoint(raw: unknown, now: number, retentionMs: number): PointCheck {
  const errors: ProblemItem[] = [];
  const out: PointCheck = {
    errors,
    ts: 0,
    lat: 0,
    lon: 0,
    speedKmh: 0,
    heading: 0,
    altitudeM: null,
    accuracyM: null,
    alarmFlags: 0,
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push({ path: '', rule: 'isObject', message: 'a point must be an object' });
    return out;
  }
  const p = raw as RawPoint;
  for (const k of Object.keys(p))
    if (!POINT_FIELDS.has(k)) errors.push({ path: k, rule: 'unknownField', message: `${k} is not a known field` });
  if (p.vehicleId !== undefined) {
    if (typeof p.vehicleId === 'string' && UUID.test(p.vehicleId)) out.vehicleId = p.vehicleId.toLowerCase();
    else errors.push({ path: 'vehicleId', rule: 'isUUID', message: 'vehicleId must be a UUID' });
  }
  if (p.terminalId !== undefined) {
    if (typeof p.terminalId === 'string' && /^\d{11,20}$/.test(p.terminalId)) out.terminalId = p.terminalId;
    else
      errors.push({
        path: 'terminalId',
        rule: 'terminalId',
        message: 'terminalId must be the 11 to 20 digit JT/T 808 terminal number',
      });
  }
  if (p.vehicleId === undefined && p.terminalId === undefined)
    errors.push({ path: 'vehicleId', rule: 'required', message: 'give vehicleId or terminalId' });
  // Decoded values go to checkFix; a value of the wrong type is reported here and left out there.
  const values: FixValues = {};
  if (typeof p.ts === 'string' && ISO.test(p.ts)) values.ts = out.ts = Date.parse(p.ts);
  else
    errors.push({
      path: 'ts',
      rule: 'isISO8601',
      message: 'ts must be an ISO 8601 time with a zone (e.g. 2026-11-30T02:00:00Z)',
    });
  if (finite(p.lat)) values.lat = p.lat;
  else errors.push({ path: 'lat', rule: 'range', message: 'lat must be a finite number within -90..90 (WGS-84)' });
  if (finite(p.lon)) values.lon = p.lon;
  else errors.push({ path: 'lon', rule: 'range', message: 'lon must be a finite number within -180..180 (WGS-84)' });
  if (p.speedKmh === undefined) values.speedKmh = 0;
  else if (finite(p.speedKmh)) values.speedKmh = p.speedKmh;
  else errors.push({ path: 'speedKmh', rule: 'range', message: 'speedKmh must be within 0..250' });
  if (p.heading === undefined) values.heading = 0;
  else if (finite(p.heading)) values.heading = p.heading;
  else errors.push({ path: 'heading', rule: 'range', message: 'heading must be within 0..360 degrees' });
  if (p.altitude !== undefined) {
    if (finite(p.altitude)) values.altitudeM = p.altitude;
    else errors.push({ path: 'altitude', rule: 'range', message: 'altitude must be within -500..9000 m' });
  }
  if (p.accuracy !== undefined) {
    if (finite(p.accuracy)) values.accuracyM = p.accuracy;
    else errors.push({ path: 'accuracy', rule: 'range', message: 'accuracy must be within 0..100000 m' });
  } else if (p.hdop !== undefined) {
    if (!finite(p.hdop) || p.hdop < 0 || p.hdop > 100)
      errors.push({ path: 'hdop', rule: 'range', message: 'hdop must be within 0..100' });
    else values.accuracyM = p.hdop * METRES_PER_HDOP;
  }
  const problems = checkFix(values, now, retentionMs);
  errors.push(...problems);
  const bad = new Set(problems.map((e) => e.path));
  if (values.lat !== undefined && !bad.has('lat')) out.lat = values.lat;
  if (values.lon !== undefined && !bad.has('lon')) out.lon = values.lon;
  if (values.speedKmh !== undefined && !bad.has('speedKmh')) out.speedKmh = values.speedKmh;
  if (values.heading !== undefined && !bad.has('heading')) out.heading = Math.round(values.heading) % 360;
  if (values.altitudeM !== undefined && !bad.has('altitude')) out.altitudeM = values.altitudeM;
  if (values.accuracyM !== undefined && !bad.has('accuracy')) out.accuracyM = values.accuracyM;
  if (p.alarmFlags !== undefined) {
    if (!Number.isInteger(p.alarmFlags) || (p.alarmFlags as number) < 0 || (p.alarmFlags as number) > 0xffffffff) {
      errors.push({
        path: 'alarmFlags',
        rule: 'range',
        message: 'alarmFlags must be a 32-bit unsigned integer (JT/T 808 alarm bits)',
      });
    } else out.alarmFlags = p.alarmFlags as number;
  }
  return out;
}
