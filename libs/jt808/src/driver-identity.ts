import { decodeGbkField, encodeGbkLossy, gbkFixed } from './gbk.js';
import { bcd, toBcd } from './header.js';
import { bcdTime } from './messages.js';

/**
 * Driver identity (驾驶员身份信息): the terminal reads the driver's qualification certificate IC card
 * (从业资格证 IC 卡) when it is inserted or removed and reports it (0x0702, JT/T 808-2013 §8.47 and
 * 2019 §8.50); the platform may ask for a report at any time (0x8702, empty body). Pure code.
 */
export const DRIVER_IDENTITY_MSG = { report: 0x0702, request: 0x8702 } as const;

/** IC card read results (2013 and 2019). */
export const CARD_READ_RESULT = {
  ok: 0,
  keyRefused: 1,
  locked: 2,
  pulledOut: 3,
  checksum: 4,
} as const;
export type CardReadResult = 'ok' | 'key_refused' | 'locked' | 'pulled_out' | 'checksum' | 'unknown';
const READ_RESULTS: Record<number, CardReadResult> = {
  0: 'ok',
  1: 'key_refused',
  2: 'locked',
  3: 'pulled_out',
  4: 'checksum',
};

/** What the card says about its holder (present when the card was read). */
export interface DriverCard {
  /** Driver's name (GBK on the card). */
  name: string;
  /** Qualification certificate number (从业资格证号). */
  qualificationNumber: string;
  /** Issuing authority (发证机构). */
  issuer: string;
  /** Certificate validity, YYYY-MM-DD; null when the card does not say (2011) or the date is not a date. */
  validUntil: string | null;
  /** Citizen id number (公民身份号码): 2019 and 2011 layouts only. Personal data. */
  citizenId: string | null;
}

export interface DriverIdentityReport {
  layout: 2011 | 2013 | 2019;
  /** 2011 reports carry no status: a report is a card read. */
  status: 'inserted' | 'removed';
  /** UTC instant of the insertion or removal (the terminal writes GMT+8); null in 2011 reports. */
  at: string | null;
  /** For insertions: whether the card could be read. */
  readResult: CardReadResult | null;
  /** The card, when inserted and read. */
  card: DriverCard | null;
}

class Reader {
  at = 0;
  constructor(private readonly b: Buffer) {}
  get left(): number {
    return this.b.length - this.at;
  }
  byte(): number | null {
    return this.left >= 1 ? this.b[this.at++]! : null;
  }
  bytes(n: number): Buffer | null {
    if (n < 0 || this.left < n) return null;
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  /** A BYTE length, then that many GBK bytes. */
  lengthPrefixed(): string | null {
    const n = this.byte();
    const s = n === null ? null : this.bytes(n);
    return s === null ? null : decodeGbkField(s);
  }
}

/** BCD YYYYMMDD → YYYY-MM-DD, null when not a calendar date. */
function bcdDate(bytes: Buffer): string | null {
  const s = bcd(bytes);
  if (!/^\d{8}$/.test(s)) return null;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

/**
 * 2013/2019: status, time, then for an insertion the read result and, when read, name,
 * certificate number STRING[20], issuer, validity BCD[4]; 2019 adds the citizen id STRING[20]. A
 * 2013-headed report with the 20 bytes of the citizen id after the validity (a 2019 terminal that
 * does not set the version flag) is read with it.
 */
function readStatusLayout(body: Buffer, layout: 2013 | 2019): DriverIdentityReport | null {
  const r = new Reader(body);
  const status = r.byte();
  const time = r.bytes(6);
  if ((status !== 1 && status !== 2) || time === null) return null;
  const at = bcdTime(time);
  if (at === null) return null;
  if (status === 2) return { layout, status: 'removed', at, readResult: null, card: null };
  const result = r.byte();
  if (result === null) return null;
  const readResult = READ_RESULTS[result] ?? 'unknown';
  if (readResult !== 'ok') return { layout, status: 'inserted', at, readResult, card: null };
  const name = r.lengthPrefixed();
  const qualification = r.bytes(20);
  const issuer = r.lengthPrefixed();
  const validity = r.bytes(4);
  if (name === null || qualification === null || issuer === null || validity === null) return null;
  let citizenId: string | null = null;
  if (layout === 2019 || r.left >= 20) {
    const id = r.bytes(20);
    if (id === null) return null;
    citizenId = decodeGbkField(id) || null;
  }
  return {
    layout: citizenId !== null && layout === 2013 ? 2019 : layout,
    status: 'inserted',
    at,
    readResult,
    card: {
      name,
      qualificationNumber: decodeGbkField(qualification),
      issuer,
      validUntil: bcdDate(validity),
      citizenId,
    },
  };
}

/** 2011: name, citizen id STRING[20], certificate number STRING[40], issuer; no status, no time. */
function read2011(body: Buffer): DriverIdentityReport | null {
  const r = new Reader(body);
  const name = r.lengthPrefixed();
  const id = r.bytes(20);
  const qualification = r.bytes(40);
  const issuer = r.lengthPrefixed();
  if (name === null || id === null || qualification === null || issuer === null || r.left !== 0) return null;
  return {
    layout: 2011,
    status: 'inserted',
    at: null,
    readResult: 'ok',
    card: {
      name,
      qualificationNumber: decodeGbkField(qualification),
      issuer,
      validUntil: null,
      citizenId: decodeGbkField(id) || null,
    },
  };
}

/**
 * A 0x0702 body; null when it fits no layout. A 2019 header means the 2019 layout; a 2013 header
 * is the 2013 layout when it reads as one, else the 2011 layout (which shares the header).
 */
export function readDriverIdentity(body: Buffer, edition: 2013 | 2019): DriverIdentityReport | null {
  if (edition === 2019) return readStatusLayout(body, 2019);
  return readStatusLayout(body, 2013) ?? read2011(body);
}

/** What a terminal (the simulator, tests) writes: an insertion with its card, or a removal. */
export type DriverIdentityInput =
  | { status: 'removed'; at: Date }
  | {
      status: 'inserted';
      at: Date;
      /** Anything but 'ok' sends the failure code and no card. */
      readResult?: CardReadResult;
      card?: Omit<DriverCard, 'citizenId' | 'validUntil'> & { validUntil: string; citizenId?: string | null };
    };

/** BCD YYMMDDhhmmss in GMT+8. */
function bcdLocalTime(at: Date): Buffer {
  const local = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return toBcd(
    local.slice(2, 4) +
      local.slice(5, 7) +
      local.slice(8, 10) +
      local.slice(11, 13) +
      local.slice(14, 16) +
      local.slice(17, 19),
    6,
  );
}

const lengthPrefixed = (s: string): Buffer => {
  const b = encodeGbkLossy(s).subarray(0, 255);
  return Buffer.concat([Buffer.of(b.length), b]);
};

/** A 0x0702 body in the 2013 or 2019 layout. */
export function writeDriverIdentity(input: DriverIdentityInput, layout: 2013 | 2019): Buffer {
  const head = Buffer.concat([Buffer.of(input.status === 'inserted' ? 1 : 2), bcdLocalTime(input.at)]);
  if (input.status === 'removed') return head;
  const result = input.readResult ?? 'ok';
  const code = Object.entries(READ_RESULTS).find(([, v]) => v === result)?.[0] ?? '255';
  if (result !== 'ok' || !input.card) return Buffer.concat([head, Buffer.of(Number(code))]);
  const c = input.card;
  const parts = [
    head,
    Buffer.of(0),
    lengthPrefixed(c.name),
    gbkFixed(c.qualificationNumber, 20),
    lengthPrefixed(c.issuer),
    toBcd(c.validUntil.replace(/-/g, ''), 4),
  ];
  if (layout === 2019) parts.push(gbkFixed(c.citizenId ?? '', 20));
  return Buffer.concat(parts);
}

/** A 0x0702 body in the 2011 layout (no status or time: a card read). */
export function writeDriverIdentity2011(card: {
  name: string;
  citizenId: string;
  qualificationNumber: string;
  issuer: string;
}): Buffer {
  return Buffer.concat([
    lengthPrefixed(card.name),
    gbkFixed(card.citizenId, 20),
    gbkFixed(card.qualificationNumber, 40),
    lengthPrefixed(card.issuer),
  ]);
}

/** 0x8702: the platform asks the terminal to report the driver identity now (an empty body). */
export function driverIdentityRequest(): Buffer {
  return Buffer.alloc(0);
}
