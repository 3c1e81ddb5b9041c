import { decodeFrame, encodeFrame } from './codec.js';
import { escape, xor } from './framing.js';
import { decodeGbk, encodeGbk } from './gbk.js';
import { MSG, platformResponse, readRegistration } from './messages.js';
import { writeRegistration } from './registration.js';

describe('JT/T 808 registration and terminal numbers', () => {
  it('round-trips plates through GBK, the character set of JT/T 808 text', () => {
    // 苏 is CB D5 in GB 2312 (row 41, cell 85): the byte pair terminals send.
    expect(encodeGbk('苏B12345')!.toString('hex')).toBe('cbd5423132333435');
    for (const plate of ['苏B12345', '京A0D123', '苏B1234挂', '粤Z12345'])
      expect(decodeGbk(encodeGbk(plate)!)).toBe(plate);
    expect(encodeGbk('😀')).toBeNull();
  });

  it.each([2013, 2019] as const)('reads back a %i registration with its GBK plate', (edition) => {
    const body = writeRegistration(
      { maker: 'HZCM', model: 'T-808', terminalId: 'A1', plateColour: 2, plate: '苏B12345' },
      edition,
    );
    expect(readRegistration(body, edition)).toEqual({
      province: 32,
      city: 200,
      maker: 'HZCM',
      model: 'T-808',
      terminalId: 'A1',
      plateColour: 2,
      plate: '苏B12345',
    });
  });

  it('names a plate that is not GBK so that it matches no vehicle', () => {
    const body = writeRegistration({ maker: 'M', model: 'X', terminalId: '1', plateColour: 2, plate: '' }, 2013);
    expect(readRegistration(Buffer.concat([body, Buffer.of(0xff, 0xff)]), 2013)!.plate).not.toMatch(/^[\x20-\x7e]*$/);
  });

  it.each([
    [2013, '0139abcd5678'],
    [2019, '00000000000139abcd56'],
  ] as const)(
    'tells a sound %i frame whose terminal number is not BCD from a broken one, and answers it byte for byte',
    (edition, phoneHex) => {
      // A heartbeat whose header is well formed but whose terminal number holds nibbles above 9.
      const head = Buffer.concat([
        Buffer.from([0x00, 0x02, edition === 2019 ? 0x40 : 0x00, 0x00]),
        edition === 2019 ? Buffer.of(1) : Buffer.alloc(0),
        Buffer.from(phoneHex, 'hex'),
        Buffer.from([0x00, 0x2a]),
      ]);
      const sound = escape(Buffer.concat([head, Buffer.of(xor(head))]));
      const d = decodeFrame(sound);
      expect(d).toMatchObject({
        ok: false,
        error: 'BAD_TERMINAL_NUMBER',
        header: { messageId: MSG.heartbeat, phone: phoneHex, flow: 0x2a, edition },
      });
      // The answer echoes the number as it came; a decoder reading leniently sees the same bytes.
      const answer = encodeFrame(
        { messageId: MSG.platformResponse, edition, phone: phoneHex, flow: 1, echoPhone: true },
        platformResponse(0x2a, MSG.heartbeat, 2),
      );
      expect(answer.includes(Buffer.from(phoneHex, 'hex'))).toBe(true);
      const back = decodeFrame(answer.subarray(1, -1));
      expect(back).toMatchObject({ ok: false, error: 'BAD_TERMINAL_NUMBER', header: { phone: phoneHex } });
      expect(() =>
        encodeFrame(
          { messageId: MSG.platformResponse, edition, phone: 'zz', flow: 1, echoPhone: true },
          Buffer.alloc(0),
        ),
      ).toThrow(RangeError);
      // A wrong check code still wins: such a frame is not answered for its number.
      const broken = escape(Buffer.concat([head, Buffer.of(xor(head) ^ 0x01)]));
      expect(decodeFrame(broken)).toMatchObject({ ok: false, error: 'BAD_CHECK_CODE' });
    },
  );
});
