/**
 * GBK text (JT/T 808 §4.2: STRING is GBK). Decoding uses the platform's WHATWG decoder; encoding
 * (the simulator and tests write names) uses the reverse of that decoder's table, built on first
 * use. Pure code: no I/O, the same bytes every time.
 */
const decoder = new TextDecoder('gbk');
let table: Map<string, number> | null = null;

function reverseTable(): Map<string, number> {
  if (table) return table;
  table = new Map();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, (lead << 8) | trail);
    }
  }
  return table;
}

/** GBK bytes → text, without the NUL or space padding of fixed-length fields. */
export function gbkDecode(bytes: Uint8Array): string {
  return decoder
    .decode(bytes)
    .replace(/[\0\s]+$/u, '')
    .replace(/^\s+/u, '');
}

/** Text → GBK bytes; a character GBK does not have becomes '?'. */
export function gbkEncode(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const gbk = reverseTable().get(ch);
    if (gbk === undefined) out.push(0x3f);
    else out.push(gbk >> 8, gbk & 0xff);
  }
  return Buffer.from(out);
}

/** A fixed-length STRING[n] field: GBK, cut to n bytes, padded with NUL. */
export function gbkFixed(text: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  gbkEncode(text).copy(out, 0, 0, length);
  return out;
}
