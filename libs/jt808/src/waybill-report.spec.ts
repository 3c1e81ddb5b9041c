import { readWaybillReport, waybillText, writeWaybillReport } from './waybill-report.js';

describe('0x0701 electronic waybill report', () => {
  it('reads the content its DWORD length announces', () => {
    const content = Buffer.from('运单号 DG20261130000123X', 'utf8');
    expect(readWaybillReport(writeWaybillReport(content))).toEqual({ content });
  });

  it('reads an empty waybill and ignores bytes past the length', () => {
    expect(readWaybillReport(Buffer.from([0, 0, 0, 0]))).toEqual({ content: Buffer.alloc(0) });
    expect(readWaybillReport(Buffer.from([0, 0, 0, 1, 0x41, 0x42]))).toEqual({ content: Buffer.from('A') });
  });

  it.each([
    ['no length', Buffer.alloc(3)],
    ['a length beyond the body', Buffer.from([0, 0, 0, 5, 0x41])],
    ['a length near 2^32', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x41])],
  ])('refuses %s', (_, body) => {
    expect(readWaybillReport(body)).toBeNull();
  });
});

describe('0x0701 content as text', () => {
  /** "运单号:DG2026\r\n车牌:浙B2345" in GBK, as a terminal sends it. */
  const GBK_WAYBILL = Buffer.from('d4cbb5a5bac53a4447323032360d0ab3b5c5c63ad5e34232333435', 'hex');

  it('decodes GBK text, Chinese and line breaks included', () => {
    expect(waybillText(GBK_WAYBILL)).toBe('运单号:DG2026\r\n车牌:浙B2345');
  });

  it('drops the NUL padding a fixed-size buffer leaves at the end', () => {
    expect(waybillText(Buffer.concat([GBK_WAYBILL, Buffer.alloc(8)]))).toBe('运单号:DG2026\r\n车牌:浙B2345');
  });

  it.each([
    ['bytes that are not GBK (a lead byte without its trail)', Buffer.from([0xd4, 0xcb, 0xb5])],
    ['UTF-8 Chinese that is not GBK', Buffer.from('运单号', 'utf8')],
    ['binary with control bytes', Buffer.from([0x01, 0x02, 0x41, 0x1b])],
    ['a NUL inside the content', Buffer.from([0x41, 0x00, 0x42])],
  ])('is not text: %s', (_, content) => {
    expect(waybillText(content)).toBeNull();
  });
});
