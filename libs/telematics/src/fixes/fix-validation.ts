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

/**
 * Checks one point: finite numbers, WGS-84 ranges, speed 0..250 km/h, a time not more than
 * 5 minutes ahead of `now` and not older than the retention. Every problem is reported.
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
  if (typeof p.ts === 'string' && ISO.test(p.ts)) {
    out.ts = Date.parse(p.ts);
    if (!Number.isFinite(out.ts)) errors.push({ path: 'ts', rule: 'isISO8601', message: 'ts is not a real time' });
    else if (out.ts > now + 5 * 60_000)
      errors.push({ path: 'ts', rule: 'IN_FUTURE', message: 'ts is more than 5 minutes ahead of the server clock' });
    else if (out.ts < now - retentionMs)
      errors.push({ path: 'ts', rule: 'BEYOND_RETENTION', message: 'ts is older than the retention period' });
  } else
    errors.push({
      path: 'ts',
      rule: 'isISO8601',
      message: 'ts must be an ISO 8601 time with a zone (e.g. 2026-11-30T02:00:00Z)',
    });
  if (!finite(p.lat) || p.lat < -90 || p.lat > 90)
    errors.push({ path: 'lat', rule: 'range', message: 'lat must be a finite number within -90..90 (WGS-84)' });
  else out.lat = p.lat;
  if (!finite(p.lon) || p.lon < -180 || p.lon > 180)
    errors.push({ path: 'lon', rule: 'range', message: 'lon must be a finite number within -180..180 (WGS-84)' });
  else out.lon = p.lon;
  if (p.speedKmh === undefined) out.speedKmh = 0;
  else if (!finite(p.speedKmh) || p.speedKmh < 0 || p.speedKmh > 250)
    errors.push({ path: 'speedKmh', rule: 'range', message: 'speedKmh must be within 0..250' });
  else out.speedKmh = p.speedKmh;
  if (p.heading === undefined) out.heading = 0;
  else if (!finite(p.heading) || p.heading < 0 || p.heading > 360)
    errors.push({ path: 'heading', rule: 'range', message: 'heading must be within 0..360 degrees' });
  else out.heading = Math.round(p.heading) % 360;
  if (p.altitude !== undefined) {
    if (!finite(p.altitude) || p.altitude < -500 || p.altitude > 9000)
      errors.push({ path: 'altitude', rule: 'range', message: 'altitude must be within -500..9000 m' });
    else out.altitudeM = p.altitude;
  }
  if (p.accuracy !== undefined) {
    if (!finite(p.accuracy) || p.accuracy < 0 || p.accuracy > 100_000)
      errors.push({ path: 'accuracy', rule: 'range', message: 'accuracy must be within 0..100000 m' });
    else out.accuracyM = p.accuracy;
  } else if (p.hdop !== undefined) {
    if (!finite(p.hdop) || p.hdop < 0 || p.hdop > 100)
      errors.push({ path: 'hdop', rule: 'range', message: 'hdop must be within 0..100' });
    else out.accuracyM = p.hdop * METRES_PER_HDOP;
  }
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
