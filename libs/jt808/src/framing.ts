/**
 * JT/T 808 framing (§4.4): a message travels between two 0x7e flags; inside, 0x7e is sent as
 * 0x7d 0x02 and 0x7d as 0x7d 0x01; the last byte is the XOR of every byte from the header to the
 * end of the body. Pure code: bytes in, frames out.
 */
export const FLAG = 0x7e;
const ESC = 0x7d;

/** Unescapes a frame's content (between the flags); null when an escape is malformed. */
export function unescape(content: Uint8Array): Buffer | null {
  const out = Buffer.allocUnsafe(content.length);
  let n = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (b !== ESC) {
      out[n++] = b;
      continue;
    }
    const next = content[++i];
    if (next === 0x01) out[n++] = ESC;
    else if (next === 0x02) out[n++] = FLAG;
    else return null;
  }
  return out.subarray(0, n);
}

export function escape(raw: Uint8Array): Buffer {
  let extra = 0;
  for (const b of raw) if (b === FLAG || b === ESC) extra++;
  const out = Buffer.allocUnsafe(raw.length + extra);
  let n = 0;
  for (const b of raw) {
    if (b === FLAG) {
      out[n++] = ESC;
      out[n++] = 0x02;
    } else if (b === ESC) {
      out[n++] = ESC;
      out[n++] = 0x01;
    } else out[n++] = b;
  }
  return out;
}

export function xor(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let c = 0;
  for (let i = from; i < to; i++) c ^= bytes[i]!;
  return c;
}

/** Flags a message: checksum appended, escaped, between 0x7e. */
export function frame(raw: Uint8Array): Buffer {
  const withCheck = Buffer.allocUnsafe(raw.length + 1);
  withCheck.set(raw);
  withCheck[raw.length] = xor(raw);
  return Buffer.concat([Buffer.of(FLAG), escape(withCheck), Buffer.of(FLAG)]);
}

/**
 * Cuts a TCP byte stream into frames: handles frames split across reads and several frames in one
 * read, skips bytes outside frames (garbage), and drops a frame longer than `maxFrameBytes`
 * (counted; the stream resynchronises at the next flag). Memory held is bounded by the limit.
 */
export class FrameSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  private inFrame = false;
  /** Bytes skipped outside frames, and frames dropped for their size. */
  garbageBytes = 0;
  oversized = 0;

  constructor(private readonly maxFrameBytes = 4096) {}

  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let data = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let start = 0;
    for (;;) {
      if (!this.inFrame) {
        const open = data.indexOf(FLAG, start);
        if (open < 0) {
          this.garbageBytes += data.length - start;
          data = Buffer.alloc(0);
          start = 0;
          break;
        }
        this.garbageBytes += open - start;
        start = open + 1;
        this.inFrame = true;
      }
      const close = data.indexOf(FLAG, start);
      if (close < 0) {
        if (data.length - start > this.maxFrameBytes) {
          this.oversized++;
          this.inFrame = false;
          data = Buffer.alloc(0);
          start = 0;
        }
        break;
      }
      if (close === start) {
        // Two flags in a row: the first closed nothing; treat the second as an opening flag.
        start = close + 1;
        continue;
      }
      if (close - start > this.maxFrameBytes) this.oversized++;
      else frames.push(Buffer.from(data.subarray(start, close)));
      start = close + 1;
      this.inFrame = false;
    }
    this.buffer = Buffer.from(data.subarray(start));
    return frames;
  }

  /** Bytes held waiting for the end of a frame. */
  get pending(): number {
    return this.buffer.length;
  }
}
