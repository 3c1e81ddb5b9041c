/**
 * 0x0701 电子运单上报 (electronic waybill report, JT/T 808-2013 §8.44 and 2019): a DWORD length,
 * then that many bytes of waybill content. The standard leaves the content's format to the
 * waybill system (often GBK text), so it is handed on as bytes.
 */
export const WAYBILL_REPORT = 0x0701;

export interface WaybillReport {
  content: Buffer;
}

/** null when the body is shorter than its length says; bytes beyond the length are ignored. */
export function readWaybillReport(body: Buffer): WaybillReport | null {
  if (body.length < 4) return null;
  const length = body.readUInt32BE(0);
  if (length > body.length - 4) return null;
  return { content: Buffer.from(body.subarray(4, 4 + length)) };
}

/** A 0x0701 body (terminals and the simulator). */
export function writeWaybillReport(content: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(content.length, 0);
  return Buffer.concat([head, content]);
}

const GBK = new TextDecoder('gbk', { fatal: true });
/** C0 controls other than tab, line feed and carriage return, and DEL: not in any waybill text. */
const isControl = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;

/**
 * The content as text when it is GBK text (GBK is a superset of ASCII and GB 2312, which terminals
 * use for Chinese), else null: bytes that are not valid GBK, or that decode to control characters
 * (binary content), are not text. NUL padding at the end, as fixed-size terminal buffers leave it,
 * is dropped.
 */
export function waybillText(content: Buffer): string | null {
  let end = content.length;
  while (end > 0 && content[end - 1] === 0) end--;
  let text: string;
  try {
    text = GBK.decode(content.subarray(0, end));
  } catch {
    return null;
  }
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return null;
  return text;
}
