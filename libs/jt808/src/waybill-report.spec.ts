import { readWaybillReport, writeWaybillReport } from './waybill-report.js';

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
