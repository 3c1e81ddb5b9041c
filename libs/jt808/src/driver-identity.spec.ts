import { decodeFrame, encodeFrame } from './codec.js';
import {
  DRIVER_IDENTITY_MSG,
  driverIdentityRequest,
  readDriverIdentity,
  writeDriverIdentity,
  writeDriverIdentity2011,
} from './driver-identity.js';
import { encodeGbkLossy } from './gbk.js';

const inner = (s: string): Buffer => Buffer.from(s, 'hex').subarray(1, -1);

/**
 * Published frames: hylexus/xtream-codec, the 0x0702 tests of its JT/T 808 extension
 * (BuiltinMessage0702V2011Test, V2013Test, V2019Test): driver 张无忌, certificate
 * 11335577992244668800, issuer 没有名字, inserted 2024-10-29 21:39:03 GMT+8.
 */
const PUBLISHED = {
  v2011:
    '7e0702004c013912344321000006d5c5cedebcc931313232333334343535363637373838393930303938373635343332313039383736353433323130393837363534333231303938373635343332313008c3bbd3d0c3fbd7d60c7e',
  v2013:
    '7e070200300139123443230000012410292139030006d5c5cedebcc9313133333535373739393232343436363838303008c3bbd3d0c3fbd7d630241029587e',
  v2019:
    '7e0702404401000000000139123443290000012410292139030006d5c5cedebcc9313133333535373739393232343436363838303008c3bbd3d0c3fbd7d6202410293131323233333434353536363737383839393030777e',
};

const decode = (hex: string) => {
  const d = decodeFrame(inner(hex));
  if (!d.ok) throw new Error(d.error);
  return d.message;
};

describe('JT/T 808 driver identity (0x0702, 0x8702)', () => {
  it('reads the published 2013 report: inserted, read, name and certificate in GBK, validity BCD', () => {
    const m = decode(PUBLISHED.v2013);
    expect(m.header.messageId).toBe(DRIVER_IDENTITY_MSG.report);
    expect(readDriverIdentity(m.body, m.header.edition)).toEqual({
      layout: 2013,
      status: 'inserted',
      at: '2024-10-29T13:39:03.000Z',
      readResult: 'ok',
      card: {
        name: '张无忌',
        qualificationNumber: '11335577992244668800',
        issuer: '没有名字',
        validUntil: '3024-10-29',
        citizenId: null,
      },
    });
  });

  it('reads the published 2019 report with the citizen id at the end', () => {
    const m = decode(PUBLISHED.v2019);
    expect(m.header.edition).toBe(2019);
    expect(readDriverIdentity(m.body, 2019)).toMatchObject({
      layout: 2019,
      status: 'inserted',
      at: '2024-10-29T13:39:03.000Z',
      card: {
        name: '张无忌',
        qualificationNumber: '11335577992244668800',
        validUntil: '2024-10-29',
        citizenId: '11223344556677889900',
      },
    });
  });

  it('reads the published 2011 report (no status, no time; citizen id then a 40-byte certificate number)', () => {
    const m = decode(PUBLISHED.v2011);
    expect(readDriverIdentity(m.body, m.header.edition)).toEqual({
      layout: 2011,
      status: 'inserted',
      at: null,
      readResult: 'ok',
      card: {
        name: '张无忌',
        qualificationNumber: '9876543210987654321098765432109876543210',
        issuer: '没有名字',
        validUntil: null,
        citizenId: '11223344556677889900',
      },
    });
  });

  it('writes the published frames byte for byte (2011, 2013, 2019)', () => {
    const card = { name: '张无忌', qualificationNumber: '11335577992244668800', issuer: '没有名字' };
    const at = new Date('2024-10-29T13:39:03Z');
    const frame = (edition: 2013 | 2019, phone: string, body: Buffer) =>
      encodeFrame(
        { messageId: DRIVER_IDENTITY_MSG.report, edition, phone, flow: 0, protocolVersion: 1 },
        body,
      ).toString('hex');
    expect(
      frame(
        2013,
        '013912344323',
        writeDriverIdentity({ status: 'inserted', at, card: { ...card, validUntil: '3024-10-29' } }, 2013),
      ),
    ).toBe(PUBLISHED.v2013);
    expect(
      frame(
        2019,
        '00000000013912344329',
        writeDriverIdentity(
          { status: 'inserted', at, card: { ...card, validUntil: '2024-10-29', citizenId: '11223344556677889900' } },
          2019,
        ),
      ),
    ).toBe(PUBLISHED.v2019);
    expect(
      frame(
        2013,
        '013912344321',
        writeDriverIdentity2011({
          ...card,
          citizenId: '11223344556677889900',
          qualificationNumber: '9876543210987654321098765432109876543210',
        }),
      ),
    ).toBe(PUBLISHED.v2011);
  });

  it('reads a removal and a card that could not be read (status and time only, or the failure code)', () => {
    const at = new Date('2026-12-07T02:00:00Z');
    for (const layout of [2013, 2019] as const) {
      expect(readDriverIdentity(writeDriverIdentity({ status: 'removed', at }, layout), layout)).toEqual({
        layout,
        status: 'removed',
        at: at.toISOString(),
        readResult: null,
        card: null,
      });
      expect(
        readDriverIdentity(writeDriverIdentity({ status: 'inserted', at, readResult: 'locked' }, layout), layout),
      ).toEqual({
        layout,
        status: 'inserted',
        at: at.toISOString(),
        readResult: 'locked',
        card: null,
      });
    }
  });

  it('round-trips names outside ASCII and pads or cuts fixed fields to their width', () => {
    const at = new Date('2026-12-07T02:00:00Z');
    const body = writeDriverIdentity(
      {
        status: 'inserted',
        at,
        card: {
          name: '欧阳·李卫东',
          qualificationNumber: '320200198503121234',
          issuer: '无锡市交通运输局',
          validUntil: '2028-03-31',
          citizenId: '32020219850312123X',
        },
      },
      2019,
    );
    expect(readDriverIdentity(body, 2019)?.card).toEqual({
      name: '欧阳·李卫东',
      qualificationNumber: '320200198503121234',
      issuer: '无锡市交通运输局',
      validUntil: '2028-03-31',
      citizenId: '32020219850312123X',
    });
    expect(encodeGbkLossy('张').toString('hex')).toBe('d5c5');
  });

  it('refuses truncated bodies, unknown statuses, bad times; never throws on noise', () => {
    const m = decode(PUBLISHED.v2013);
    for (let n = 0; n < m.body.length; n++) expect(readDriverIdentity(m.body.subarray(0, n), 2013)).toBeNull();
    const badStatus = Buffer.from(m.body);
    badStatus[0] = 3;
    expect(readDriverIdentity(badStatus, 2013)).toBeNull();
    const badTime = Buffer.from(m.body);
    badTime[2] = 0x13; // month 13
    expect(readDriverIdentity(badTime, 2013)).toBeNull();
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const noise = Buffer.from(Array.from({ length: Math.floor(rand() * 120) }, () => Math.floor(rand() * 256)));
      expect(() => readDriverIdentity(noise, rand() < 0.5 ? 2013 : 2019)).not.toThrow();
    }
  });

  it('asks for a report with an empty 0x8702 body', () => {
    expect(DRIVER_IDENTITY_MSG.request).toBe(0x8702);
    expect(driverIdentityRequest()).toHaveLength(0);
  });
});
