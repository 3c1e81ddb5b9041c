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
