/**
 * GBK (GB 2312 superset), the character set of JT/T 808 text fields such as the plate of 0x0100.
 * Decoding uses the runtime's TextDecoder; encoding (terminals, the simulator, tests) uses the
 * inverse of that decoder's two-byte table, built once on first use. Pure: bytes in, text out.
 */
const decoder = new TextDecoder('gbk');

export function decodeGbk(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

let table: Map<string, number> | null = null;

function encodeTable(): Map<string, number> {
  if (table) return table;
  table = new Map();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, (lead << 8) | trail);
    }
  return table;
}

/** Text → GBK bytes; RangeError for a character GBK does not have. */
export function encodeGbk(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const two = encodeTable().get(ch);
    if (two === undefined) throw new RangeError(`not a GBK character: ${ch}`);
    out.push(two >> 8, two & 0xff);
  }
  return Buffer.from(out);
}
