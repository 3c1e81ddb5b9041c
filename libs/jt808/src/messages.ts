import { decodeGbk } from './gbk.js';
import { bcd } from './header.js';

/** Message ids this codec understands (JT/T 808-2019 Table 3; 2011/2013 share them). */
export const MSG = {
  terminalResponse: 0x0001,
  heartbeat: 0x0002,
  logout: 0x0003,
  register: 0x0100,
  authenticate: 0x0102,
  location: 0x0200,
  batchLocation: 0x0704,
  platformResponse: 0x8001,
  resendRequest: 0x8003,
  registerResponse: 0x8100,
} as const;

/** Result codes of 0x8001 and 0x8100. */
export const RESULT = { ok: 0, failure: 1, badMessage: 2, unsupported: 3, alarmAck: 4 } as const;
export const REGISTER_RESULT = {
  ok: 0,
  vehicleRegistered: 1,
  noVehicle: 2,
  terminalRegistered: 3,
  noTerminal: 4,
} as const;

export interface Location {
  alarm: number;
  status: number;
  /** WGS-84 degrees (south and west are negative, from status bits 2 and 3). */
  lat: number;
  lon: number;
  altitudeM: number;
  speedKmh: number;
  heading: number;
  /** UTC instant from the BCD time, which terminals send in GMT+8. */
  ts: string;
  /** Additional items: mileage (0x01, km), fuel (0x02, L), recorder speed (0x03, km/h); the rest raw hex. */
  mileageKm?: number;
  fuelL?: number;
  recorderSpeedKmh?: number;
  extra: Record<string, string>;
  /** Status bit 1: positioned (GNSS fix). */
  located: boolean;
}

/** BCD YYMMDDhhmmss in GMT+8 → ISO UTC; null when not a real time. */
export function bcdTime(bytes: Uint8Array): string | null {
  const s = bcd(bytes);
  if (!/^\d{12}$/.test(s)) return null;
  const [y, mo, d, h, mi, se] = [0, 2, 4, 6, 8, 10].map((i) => Number(s.slice(i, i + 2))) as number[];
  const utc = Date.UTC(2000 + y!, mo! - 1, d!, h!, mi!, se!) - 8 * 3600_000;
  const check = new Date(utc + 8 * 3600_000);
  if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || h! > 23 || mi! > 59 || se! > 59) return null;
  return new Date(utc).toISOString();
}

/** A 0x0200 body (also each item of 0x0704); null when truncated or its time is not a time. */
export function readLocation(body: Buffer): Location | null {
  if (body.length < 28) return null;
  const alarm = body.readUInt32BE(0);
  const status = body.readUInt32BE(4);
  const lat = (body.readUInt32BE(8) / 1e6) * (status & 0x04 ? -1 : 1);
  const lon = (body.readUInt32BE(12) / 1e6) * (status & 0x08 ? -1 : 1);
  const ts = bcdTime(body.subarray(22, 28));
  if (!ts || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const loc: Location = {
    alarm,
    status,
    lat,
    lon,
    altitudeM: body.readInt16BE(16),
    speedKmh: body.readUInt16BE(18) / 10,
    heading: body.readUInt16BE(20),
    ts,
    extra: {},
    located: (status & 0x02) !== 0,
  };
  let at = 28;
  while (at + 2 <= body.length) {
    const id = body[at]!;
    const len = body[at + 1]!;
    if (at + 2 + len > body.length) break;
    const value = body.subarray(at + 2, at + 2 + len);
    if (id === 0x01 && len === 4) loc.mileageKm = value.readUInt32BE(0) / 10;
    else if (id === 0x02 && len === 2) loc.fuelL = value.readUInt16BE(0) / 10;
    else if (id === 0x03 && len === 2) loc.recorderSpeedKmh = value.readUInt16BE(0) / 10;
    else loc.extra[`0x${id.toString(16).padStart(2, '0')}`] = value.toString('hex');
    at += 2 + len;
  }
  return loc;
}

/** 0x0704: count, type (0 normal, 1 blind-area re-send), then length-prefixed location bodies. */
export function readBatch(body: Buffer): { blindArea: boolean; locations: Location[]; bad: number } | null {
  if (body.length < 3) return null;
  const count = body.readUInt16BE(0);
  const blindArea = body[2] === 1;
  const locations: Location[] = [];
  let bad = 0;
  let at = 3;
  for (let i = 0; i < count; i++) {
    if (at + 2 > body.length) return null;
    const len = body.readUInt16BE(at);
    if (at + 2 + len > body.length) return null;
    const loc = readLocation(body.subarray(at + 2, at + 2 + len));
    if (loc) locations.push(loc);
    else bad++;
    at += 2 + len;
  }
  return { blindArea, locations, bad };
}

export interface Registration {
  province: number;
  city: number;
  maker: string;
  model: string;
  terminalId: string;
  plateColour: number;
  plate: string;
}

const text = (b: Buffer): string => b.toString('latin1').replace(/\0+$/, '').trim();

/** 0x0100 (2011: maker 5, model 8, id 7; 2013: maker 5, model 20, id 7; 2019: maker 11, model 30, id 30). Plates are GBK, decoded. */
export function readRegistration(body: Buffer, edition: 2013 | 2019): Registration | null {
  // 2011 has an 8-byte model field; its bodies are too short for the 2013 layout, which tells them apart.
  const [maker, model, id] =
    edition === 2019 ? [11, 30, 30] : body.length < 4 + 5 + 20 + 7 + 1 ? [5, 8, 7] : [5, 20, 7];
  const fixed = 4 + maker + model + id + 1;
  if (body.length < fixed) return null;
  let at = 4;
  const field = (n: number): string => text(body.subarray(at, (at += n)));
  const reg = {
    province: body.readUInt16BE(0),
    city: body.readUInt16BE(2),
    maker: field(maker),
    model: field(model),
    terminalId: field(id),
    plateColour: body[at]!,
    plate: '',
  };
  // The plate is GBK (苏B12345); bytes that are not GBK decode to U+FFFD and match no vehicle.
  reg.plate = decodeGbk(body.subarray(at + 1))
    .replace(/\0+$/, '')
    .trim();
  return reg;
}

/** 0x0102: 2013 the code alone; 2019 code length, code, IMEI (15), software version (20). */
export function readAuthentication(
  body: Buffer,
  edition: 2013 | 2019,
): { code: string; imei?: string; software?: string } | null {
  if (edition === 2013) return { code: text(body) };
  if (body.length < 1) return null;
  const n = body[0]!;
  if (body.length < 1 + n + 35) return null;
  return {
    code: text(body.subarray(1, 1 + n)),
    imei: text(body.subarray(1 + n, 16 + n)),
    software: text(body.subarray(16 + n, 36 + n)),
  };
}

/** 0x8001 platform general response. */
export function platformResponse(flow: number, messageId: number, result: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt16BE(flow, 0);
  b.writeUInt16BE(messageId, 2);
  b[4] = result;
  return b;
}

/** 0x8100 register response; the code only when accepted. */
export function registerResponse(flow: number, result: number, code: string | null): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt16BE(flow, 0);
  head[2] = result;
  return result === 0 && code ? Buffer.concat([head, Buffer.from(code, 'latin1')]) : head;
}

/** 0x8003 re-send request: the first package's flow, the count, the missing indexes (2013: count as BYTE). */
export function resendRequest(firstFlow: number, missing: number[], edition: 2013 | 2019): Buffer {
  const wide = edition === 2019;
  const b = Buffer.alloc(2 + (wide ? 2 : 1) + missing.length * 2);
  b.writeUInt16BE(firstFlow, 0);
  if (wide) b.writeUInt16BE(missing.length, 2);
  else b[2] = missing.length;
  missing.forEach((m, i) => b.writeUInt16BE(m, (wide ? 4 : 3) + i * 2));
  return b;
}

/** A location body (terminals and the simulator). */
export function writeLocation(l: {
  alarm?: number;
  status?: number;
  lat: number;
  lon: number;
  altitudeM?: number;
  speedKmh: number;
  heading: number;
  at: Date;
}): Buffer {
  const b = Buffer.alloc(28);
  const status = (l.status ?? 0x02) | (l.lat < 0 ? 0x04 : 0) | (l.lon < 0 ? 0x08 : 0);
  b.writeUInt32BE(l.alarm ?? 0, 0);
  b.writeUInt32BE(status >>> 0, 4);
  b.writeUInt32BE(Math.round(Math.abs(l.lat) * 1e6), 8);
  b.writeUInt32BE(Math.round(Math.abs(l.lon) * 1e6), 12);
  b.writeInt16BE(l.altitudeM ?? 0, 16);
  b.writeUInt16BE(Math.round(l.speedKmh * 10), 18);
  b.writeUInt16BE(l.heading, 20);
  const local = new Date(l.at.getTime() + 8 * 3600_000).toISOString();
  Buffer.from(
    local.slice(2, 4) +
      local.slice(5, 7) +
      local.slice(8, 10) +
      local.slice(11, 13) +
      local.slice(14, 16) +
      local.slice(17, 19),
    'hex',
  ).copy(b, 22);
  return b;
}
