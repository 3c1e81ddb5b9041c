import { decodeFrame, encodeFrame } from './codec.js';
import {
  COMMAND_MSG,
  parameterItems,
  parameterValues,
  readParametersAnswer,
  readPositionAnswer,
  readSetParameters,
  readTerminalResponse,
  readTextMessage,
  terminalResponse,
  writeParametersAnswer,
  writePositionAnswer,
  writeSetParameters,
  writeTextMessage,
} from './commands.js';
import { decodeGbk, encodeGbk } from './gbk.js';

/** Bytes from hex fields, written apart so each field of the layout shows. */
const hex = (...fields: string[]): Buffer => Buffer.from(fields.join(''), 'hex');

/**
 * Frames below were written out by hand from JT/T 808-2013 §8.10–8.12, §8.18, §8.21 and the 2019
 * edition's tables (flag bits, the 2019 text-type byte), with GBK codes from the GB 2312 table
 * (你 C4E3, 好 BAC3, 请 C7EB, 减 BCF5, 速 CBD9) and the check code (XOR) worked out separately.
 */
describe('JT/T 808 commands codec', () => {
  describe('GBK', () => {
    it('encodes Chinese as its two-byte GBK codes and ASCII as itself', () => {
      expect(encodeGbk('你好')!.toString('hex')).toBe('c4e3bac3');
      expect(encodeGbk('请减速 60km/h')!.toString('hex')).toBe(
        'c7ebbcf5cbd920' + Buffer.from('60km/h').toString('hex'),
      );
    });

    it('round-trips a spoken warning with full-width punctuation', () => {
      const text = '苏B12345：您已偏离核定路线，请立即返回！押运员请注意。';
      const bytes = encodeGbk(text)!;
      expect(bytes).not.toBeNull();
      expect(decodeGbk(bytes)).toBe(text);
      expect(new TextDecoder('gbk').decode(bytes)).toBe(text);
    });

    it('refuses a character GBK has no code for', () => {
      expect(encodeGbk('注意🚚')).toBeNull();
    });
  });

  describe('0x8300 text message', () => {
    it('writes a 2013 frame: flag byte (display + TTS) then the GBK text', () => {
      const body = writeTextMessage({ text: '你好', display: true, tts: true }, 2013)!;
      expect(body.toString('hex')).toBe('0cc4e3bac3');
      const frame = encodeFrame(
        { messageId: COMMAND_MSG.textMessage, edition: 2013, phone: '013912344323', flow: 5 },
        body,
      );
      expect(frame.toString('hex')).toBe('7e8300000501391234432300050cc4e3bac3af7e');
    });

    it('sets the 2013 emergency (bit 0) and advertising-screen (bit 4) bits', () => {
      expect(writeTextMessage({ text: 'x', emergency: true, advertising: true }, 2013)![0]).toBe(0x11);
    });

    it('writes a 2019 frame: bits 0–1 = 10 for an emergency, TTS, and the text-type byte', () => {
      const body = writeTextMessage({ text: '请减速', emergency: true, tts: true }, 2019)!;
      expect(body.toString('hex')).toBe('0a01c7ebbcf5cbd9');
      const frame = encodeFrame(
        {
          messageId: COMMAND_MSG.textMessage,
          edition: 2019,
          phone: '00000000013912344329',
          flow: 6,
          protocolVersion: 1,
        },
        body,
      );
      expect(frame.toString('hex')).toBe('7e83004008010000000001391234432900060a01c7ebbcf5cbd9c47e');
    });

    it('writes a 2019 service text as bits 0–1 = 01 and type 2, a notice as 11 and type 1', () => {
      expect(writeTextMessage({ text: 'a', textType: 'service', display: true }, 2019)!.subarray(0, 2)).toEqual(
        Buffer.of(0x05, 2),
      );
      expect(writeTextMessage({ text: 'a' }, 2019)!.subarray(0, 2)).toEqual(Buffer.of(0x03, 1));
    });

    it('reads back what it wrote, in both editions', () => {
      const d = decodeFrame(hex('8300000501391234432300050cc4e3bac3af'));
      expect(d.ok).toBe(true);
      if (!d.ok) return;
      expect(readTextMessage(d.message.body, 2013)).toEqual({
        emergency: false,
        display: true,
        tts: true,
        advertising: false,
        textType: null,
        text: '你好',
      });
      expect(readTextMessage(hex('0a01c7ebbcf5cbd9'), 2019)).toMatchObject({
        emergency: true,
        tts: true,
        textType: 'notice',
        text: '请减速',
      });
    });

    it('refuses text GBK cannot write or too long for one frame', () => {
      expect(writeTextMessage({ text: '🚚' }, 2013)).toBeNull();
      expect(writeTextMessage({ text: '危'.repeat(501) }, 2019)).toBeNull();
      expect(writeTextMessage({ text: '危'.repeat(500) }, 2013)).toHaveLength(1001);
    });
  });

  describe('0x8201 / 0x0201 position query', () => {
    // alarm 1 (emergency), status 2 (located), 31.5 N, 120.3 E, 12 m, 45.2 km/h, heading 90, 2026-12-07 10:00:00 GMT+8.
    const location = ['00000001', '00000002', '01e0a6e0', '072ba1e0', '000c', '01c4', '005a', '261207100000'].join('');

    it('reads a 0x0201 answer: the serial of the query, then the location body', () => {
      const answer = readPositionAnswer(hex('0007' + location))!;
      expect(answer.answerFlow).toBe(7);
      expect(answer.location).toMatchObject({
        alarm: 1,
        located: true,
        lat: 31.5,
        lon: 120.3,
        altitudeM: 12,
        speedKmh: 45.2,
        heading: 90,
        ts: '2026-12-07T02:00:00.000Z',
      });
    });

    it('writes what it reads, and says when the location is unreadable', () => {
      expect(writePositionAnswer(7, hex(location)).toString('hex')).toBe('0007' + location);
      expect(readPositionAnswer(hex('0007' + location.slice(0, 40)))).toEqual({ answerFlow: 7, location: null });
      expect(readPositionAnswer(hex('00'))).toBeNull();
    });
  });

  describe('0x8103 / 0x8104 / 0x0104 terminal parameters', () => {
    it('writes 0x8103: count, then id (DWORD), length, value per item', () => {
      const items = parameterItems({ defaultReportIntervalS: 10, mainServerAddress: 'jt.example.cn:6808' })!;
      expect(writeSetParameters(items).toString('hex')).toBe(
        hex('02', '00000029', '04', '0000000a', '00000013', '12').toString('hex') +
          Buffer.from('jt.example.cn:6808').toString('hex'),
      );
    });

    it('writes every named parameter with its id', () => {
      const items = parameterItems({
        sleepReportIntervalS: 600,
        emergencyReportIntervalS: 5,
        maxSpeedKmh: 80,
        overspeedDurationS: 10,
      })!;
      expect(items.map((i) => i.id)).toEqual([0x0027, 0x0028, 0x0055, 0x0056]);
      expect(items.map((i) => i.value.readUInt32BE(0))).toEqual([600, 5, 80, 10]);
    });

    it('reads a 0x0104 answer: serial, count, named values and the others as hex', () => {
      const answer = readParametersAnswer(
        hex('0009', '03', '00000029', '04', '0000001e', '00000001', '04', '0000003c', '00000013', '02', '6162'),
      )!;
      expect(answer.answerFlow).toBe(9);
      expect(parameterValues(answer.items)).toEqual({
        values: { defaultReportIntervalS: 30, mainServerAddress: 'ab' },
        other: { '0x0001': '0000003c' },
      });
    });

    it('round-trips 0x8103 items and 0x0104 answers, and refuses truncated ones', () => {
      const items = parameterItems({ defaultReportIntervalS: 10, maxSpeedKmh: 80 })!;
      expect(readSetParameters(writeSetParameters(items))).toEqual(items);
      expect(readParametersAnswer(writeParametersAnswer(3, items))).toEqual({ answerFlow: 3, items });
      expect(readSetParameters(hex('02', '00000029', '04', '0000000a'))).toBeNull();
      expect(readParametersAnswer(hex('0009', '01', '00000029', '04', '0000'))).toBeNull();
    });
  });

  describe('0x0001 terminal general response', () => {
    it('reads serial, message id and result', () => {
      expect(readTerminalResponse(hex('0005830000'))).toEqual({ answerFlow: 5, messageId: 0x8300, result: 0 });
      expect(readTerminalResponse(hex('0006810303'))).toEqual({ answerFlow: 6, messageId: 0x8103, result: 3 });
      expect(terminalResponse(5, 0x8300, 0).toString('hex')).toBe('0005830000');
      expect(readTerminalResponse(hex('000583'))).toBeNull();
    });
  });
});
