import { frame, unescape, xor } from './framing.js';
import { type Header, readHeader, writeHeader } from './header.js';

/** BAD_TERMINAL_NUMBER: the frame is sound but its header's terminal number is not BCD (its header carries the number as hex). */
export type DecodeError = 'BAD_ESCAPE' | 'BAD_CHECK_CODE' | 'TRUNCATED' | 'LENGTH_MISMATCH' | 'BAD_TERMINAL_NUMBER';

export interface Decoded {
  header: Header;
  body: Buffer;
}

/** One frame's content (between the flags) → header and body, or why not. The check code is always verified. */
export function decodeFrame(
  content: Uint8Array,
): { ok: true; message: Decoded } | { ok: false; error: DecodeError; header?: Header } {
  const raw = unescape(content);
  if (!raw) return { ok: false, error: 'BAD_ESCAPE' };
  if (raw.length < 13) return { ok: false, error: 'TRUNCATED' };
  const checked = raw.subarray(0, raw.length - 1);
  const header = readHeader(checked);
  if (xor(checked) !== raw[raw.length - 1])
    return { ok: false, error: 'BAD_CHECK_CODE', ...(header ? { header } : {}) };
  if (!header) {
    const unreadable = readHeader(checked, true);
    return unreadable
      ? { ok: false, error: 'BAD_TERMINAL_NUMBER', header: unreadable }
      : { ok: false, error: 'TRUNCATED' };
  }
  const body = checked.subarray(header.headerLength);
  if (body.length !== header.bodyLength) return { ok: false, error: 'LENGTH_MISMATCH', header };
  return { ok: true, message: { header, body: Buffer.from(body) } };
}

/** A whole frame (flags, escapes, check code) for a message to a terminal of the given edition. */
export function encodeFrame(
  h: {
    messageId: number;
    edition: 2013 | 2019;
    phone: string;
    flow: number;
    protocolVersion?: number;
    subpackage?: { count: number; index: number };
    echoPhone?: boolean;
  },
  body: Buffer,
): Buffer {
  return frame(Buffer.concat([writeHeader({ ...h, bodyLength: body.length }), body]));
}
