/**
 * The message header (§4.4.3; 2019: §4.5.3). Body attributes: bits 0–9 body length, 10–12
 * encryption, 13 sub-packaging, 14 version flag (2019). The 2019 edition adds a protocol version
 * byte and a 10-byte BCD terminal phone number (6 bytes before); sub-packaged messages add the
 * package count and index (WORD each).
 */
export interface Header {
  messageId: number;
  bodyLength: number;
  encryption: number;
  subpackaged: boolean;
  edition: 2013 | 2019;
  protocolVersion: number | null;
  /** The terminal phone number, BCD digits as written (leading zeros kept). */
  phone: string;
  flow: number;
  packageCount: number | null;
  packageIndex: number | null;
  headerLength: number;
}

export function bcd(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b >> 4).toString(16) + (b & 0x0f).toString(16);
  return s;
}

export function toBcd(digits: string, length: number): Buffer {
  const padded = digits.padStart(length * 2, '0').slice(-length * 2);
  if (!/^\d+$/.test(padded)) throw new RangeError(`not BCD digits: ${digits}`);
  return Buffer.from(padded, 'hex');
}

/**
 * Null when the bytes cannot hold the header they announce, or (unless `anyPhone`) when the
 * terminal number is not BCD. With `anyPhone` the number is the bytes' hex as they came, so that a
 * refusal can echo it (writeHeader's `echoPhone`).
 */
export function readHeader(raw: Buffer, anyPhone = false): Header | null {
  if (raw.length < 12) return null;
  const messageId = raw.readUInt16BE(0);
  const attrs = raw.readUInt16BE(2);
  const edition = attrs & 0x4000 ? 2019 : 2013;
  const subpackaged = (attrs & 0x2000) !== 0;
  let at = 4;
  let protocolVersion: number | null = null;
  if (edition === 2019) protocolVersion = raw[at++]!;
  const phoneBytes = edition === 2019 ? 10 : 6;
  if (raw.length < at + phoneBytes + 2 + (subpackaged ? 4 : 0)) return null;
  const phone = bcd(raw.subarray(at, at + phoneBytes));
  // BCD holds decimal digits only: anything else is not a header.
  if (!anyPhone && !/^\d+$/.test(phone)) return null;
  at += phoneBytes;
  const flow = raw.readUInt16BE(at);
  at += 2;
  let packageCount: number | null = null;
  let packageIndex: number | null = null;
  if (subpackaged) {
    packageCount = raw.readUInt16BE(at);
    packageIndex = raw.readUInt16BE(at + 2);
    at += 4;
  }
  return {
    messageId,
    bodyLength: attrs & 0x03ff,
    encryption: (attrs >> 10) & 0x07,
    subpackaged,
    edition,
    protocolVersion,
    phone,
    flow,
    packageCount,
    packageIndex,
    headerLength: at,
  };
}

export function writeHeader(h: {
  messageId: number;
  bodyLength: number;
  edition: 2013 | 2019;
  phone: string;
  flow: number;
  protocolVersion?: number;
  subpackage?: { count: number; index: number };
  /** The phone is hex to write back byte for byte (answering a header whose number is not BCD). */
  echoPhone?: boolean;
}): Buffer {
  if (h.bodyLength > 0x3ff) throw new RangeError('a body longer than 1023 bytes must be sub-packaged');
  const attrs = h.bodyLength | (h.edition === 2019 ? 0x4000 : 0) | (h.subpackage ? 0x2000 : 0);
  const parts: Buffer[] = [Buffer.alloc(4)];
  parts[0]!.writeUInt16BE(h.messageId, 0);
  parts[0]!.writeUInt16BE(attrs, 2);
  if (h.edition === 2019) parts.push(Buffer.of(h.protocolVersion ?? 1));
  const phoneBytes = h.edition === 2019 ? 10 : 6;
  if (h.echoPhone && !new RegExp(`^[0-9a-f]{${phoneBytes * 2}}$`).test(h.phone))
    throw new RangeError(`not ${phoneBytes} bytes of hex: ${h.phone}`);
  parts.push(h.echoPhone ? Buffer.from(h.phone, 'hex') : toBcd(h.phone, phoneBytes));
  const tail = Buffer.alloc(h.subpackage ? 6 : 2);
  tail.writeUInt16BE(h.flow, 0);
  if (h.subpackage) {
    tail.writeUInt16BE(h.subpackage.count, 2);
    tail.writeUInt16BE(h.subpackage.index, 4);
  }
  parts.push(tail);
  return Buffer.concat(parts);
}
