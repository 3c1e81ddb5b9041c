/**
 * GBK, the encoding of every JT/T 808 STRING (§4.3, Table 2). Decoding is the platform's own
 * (TextDecoder('gbk')); there is no GBK encoder in Node, so the reverse table is built once, on
 * first use, by decoding every two-byte code (lead 0x81–0xFE, trail 0x40–0xFE without 0x7F).
 * Pure: no I/O, the table depends on nothing but the decoder.
 */
let reverse: Map<string, number> | null = null;

function table(): Map<string, number> {
  if (reverse) return reverse;
  const decoder = new TextDecoder('gbk');
  const map = new Map<string, number>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      // Unassigned codes decode to U+FFFD; the first code of a character wins (GBK has a few duplicates).
      if (ch.length === 1 && ch !== '\ufffd' && !map.has(ch)) map.set(ch, (lead << 8) | trail);
    }
  }
  reverse = map;
  return map;
}

/** Text → GBK bytes; null when a character has no GBK code (emoji, rare CJK extensions). */
export function encodeGbk(text: string): Buffer | null {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out.push(cp);
      continue;
    }
    const code = table().get(ch);
    if (code === undefined) return null;
    out.push(code >> 8, code & 0xff);
  }
  return Buffer.from(out);
}

/** GBK bytes → text (a trailing NUL terminator, which some terminals send, is dropped). */
export function decodeGbk(bytes: Uint8Array): string {
  return new TextDecoder('gbk').decode(bytes).replace(/\0+$/, '');
}

/** A STRING field's text: GBK, without the NUL or space padding of fixed-length fields. */
export function decodeGbkField(bytes: Uint8Array): string {
  return decodeGbk(bytes)
    .replace(/[\0\s]+$/u, '')
    .replace(/^\s+/u, '');
}

/** Text → GBK bytes for what a terminal writes (the simulator, tests); a character GBK lacks becomes '?'. */
export function encodeGbkLossy(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out.push(cp);
      continue;
    }
    const code = table().get(ch);
    if (code === undefined) out.push(0x3f);
    else out.push(code >> 8, code & 0xff);
  }
  return Buffer.from(out);
}

/** A fixed-length STRING[n] field: GBK, cut to n bytes, padded with NUL. */
export function gbkFixed(text: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  encodeGbkLossy(text).copy(out, 0, 0, length);
  return out;
}
