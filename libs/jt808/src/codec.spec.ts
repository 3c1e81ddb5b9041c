import { decodeFrame, encodeFrame } from './codec.js';
import { escape, FrameSplitter, frame, unescape } from './framing.js';
import {
  MSG,
  platformResponse,
  readBatch,
  readLocation,
  registerResponse,
  resendRequest,
  writeLocation,
} from './messages.js';
import { Reassembler } from './reassembly.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
/** A whole frame's content (what the splitter hands over: without the two 0x7e). */
const inner = (s: string): Buffer => hex(s).subarray(1, -1);

/**
 * Published frames: makeclan/xtream-codec, debug/jt/jt-808-server-spring-boot-starter-debug-ui/
 * src/utils/codec-utils.ts at commit 13ef920ce50854376748ed64ecbf3d7aa5d41ea4 (the sample frames
 * of an open JT/T 808 codec, 2013 and 2019 editions), each used below as published.
 */
const PUBLISHED = {
  location2019:
    '7e02004026010000000001391234432900000000006f0000001601dc9a0707456246007b004200032501292233440202006401040000000c417e',
  batch2019:
    '7e0704403f01000000000139123443290000000200001c000000010000000101d907f2073d336c029a00210059241029213903001c000000010000000101d907f3073d336d03090043005a241029213903f87e',
  resend2013: '7e800300090139123443230000006f030002000300049d7e',
  resend2019: '7e8003400a01000000000139123443290000006f0003000200030004d57e',
  response2019: '7e8001400501000000000139123443290000006f020000dc7e',
  register2019: '7e8100400d01000000000139123443290000006f006f6b2e2e6f6b2e2e6f6bd27e',
};

describe('JT/T 808 codec', () => {
  it('decodes a published 2019 location report: header, sign bits, units, GMT+8 time, additional items', () => {
    const d = decodeFrame(inner(PUBLISHED.location2019));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.message.header).toMatchObject({
      messageId: MSG.location,
      edition: 2019,
      protocolVersion: 1,
      phone: '00000000013912344329',
      flow: 0,
      subpackaged: false,
      bodyLength: 38,
    });
    const loc = readLocation(d.message.body)!;
    // status 0x16: bit 1 positioned, bit 2 south latitude.
    expect(loc).toMatchObject({
      alarm: 111,
      status: 22,
      lat: -31.234567,
      lon: 121.987654,
      altitudeM: 123,
      speedKmh: 6.6,
      heading: 3,
      located: true,
      ts: '2025-01-29T14:33:44.000Z', // 2025-01-29 22:33:44 in GMT+8
      fuelL: 10,
      mileageKm: 1.2,
    });
  });

  it('decodes a published 2019 batch upload (0x0704) item by item', () => {
    const d = decodeFrame(inner(PUBLISHED.batch2019));
    if (!d.ok) throw new Error(d.error);
    const batch = readBatch(d.message.body)!;
    expect(batch.blindArea).toBe(false);
    expect(batch.bad).toBe(0);
    expect(batch.locations.map((l) => [l.lat, l.lon, l.altitudeM, l.speedKmh, l.heading, l.ts])).toEqual([
      [31.000562, 121.451372, 666, 3.3, 89, '2024-10-29T13:39:03.000Z'],
      [31.000563, 121.451373, 777, 6.7, 90, '2024-10-29T13:39:03.000Z'],
    ]);
  });

  it('encodes platform messages byte for byte as published (2013 and 2019 headers)', () => {
    expect(
      encodeFrame(
        { messageId: MSG.resendRequest, edition: 2013, phone: '013912344323', flow: 0 },
        resendRequest(111, [2, 3, 4], 2013),
      ).toString('hex'),
    ).toBe(PUBLISHED.resend2013);
    const v2019 = { edition: 2019 as const, phone: '00000000013912344329', flow: 0, protocolVersion: 1 };
    expect(
      encodeFrame({ messageId: MSG.resendRequest, ...v2019 }, resendRequest(111, [2, 3, 4], 2019)).toString('hex'),
    ).toBe(PUBLISHED.resend2019);
    expect(
      encodeFrame({ messageId: MSG.platformResponse, ...v2019 }, platformResponse(111, 0x0200, 0)).toString('hex'),
    ).toBe(PUBLISHED.response2019);
    expect(
      encodeFrame({ messageId: MSG.registerResponse, ...v2019 }, registerResponse(111, 0, 'ok..ok..ok')).toString(
        'hex',
      ),
    ).toBe(PUBLISHED.register2019);
  });

  it('escapes 0x7e and 0x7d both ways, and refuses a malformed escape', () => {
    const raw = Buffer.from([0x30, 0x7e, 0x08, 0x7d, 0x55, 0x7d, 0x02]);
    const escaped = escape(raw);
    expect(escaped.toString('hex')).toBe('307d02087d01557d0102');
    expect(unescape(escaped)).toEqual(raw);
    expect(unescape(Buffer.from([0x30, 0x7d, 0x03]))).toBeNull();
    expect(unescape(Buffer.from([0x30, 0x7d]))).toBeNull();
  });

  it('finds frames split across reads, several in one read, and skips garbage between them', () => {
    const a = encodeFrame({ messageId: MSG.heartbeat, edition: 2013, phone: '013912344323', flow: 7 }, Buffer.alloc(0));
    const body = writeLocation({
      lat: 31.5,
      lon: 120.3,
      speedKmh: 45.5,
      heading: 90,
      at: new Date('2026-11-30T04:00:00Z'),
    });
    const b = encodeFrame({ messageId: MSG.location, edition: 2013, phone: '013912344323', flow: 8 }, body);
    const stream = Buffer.concat([Buffer.from('junk'), a, Buffer.from([0x00, 0x11]), b]);
    const splitter = new FrameSplitter();
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 5) frames.push(...splitter.push(stream.subarray(i, i + 5)));
    expect(frames).toHaveLength(2);
    expect(splitter.garbageBytes).toBe(6);
    const decoded = frames.map((f) => decodeFrame(f));
    expect(decoded.map((d) => d.ok && d.message.header.flow)).toEqual([7, 8]);
    const loc = decoded[1]!.ok ? readLocation(decoded[1]!.message.body) : null;
    expect(loc).toMatchObject({ lat: 31.5, lon: 120.3, speedKmh: 45.5, heading: 90, ts: '2026-11-30T04:00:00.000Z' });
    // All at once: the same two frames.
    expect(new FrameSplitter().push(stream)).toEqual(frames);
  });

  it('refuses a bad check code, a truncated frame and a wrong body length; drops an oversized frame', () => {
    const good = inner(PUBLISHED.location2019);
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0xff;
    expect(decodeFrame(bad)).toMatchObject({ ok: false, error: 'BAD_CHECK_CODE' });
    expect(decodeFrame(good.subarray(0, 10))).toMatchObject({ ok: false, error: 'TRUNCATED' });
    const short = Buffer.concat([
      Buffer.from([0x00, 0x02, 0x00, 0x05]),
      Buffer.from('013912344323', 'hex'),
      Buffer.from([0, 1]),
    ]);
    expect(decodeFrame(frame(short).subarray(1, -1))).toMatchObject({ ok: false, error: 'LENGTH_MISMATCH' });
    const splitter = new FrameSplitter(64);
    expect(splitter.push(Buffer.concat([Buffer.of(0x7e), Buffer.alloc(100, 1)]))).toEqual([]);
    expect(splitter.oversized).toBe(1);
    expect(splitter.pending).toBe(0);
    expect(splitter.push(hex(PUBLISHED.resend2013))).toHaveLength(1);
  });

  it('reassembles a sub-packaged message in any order, and names the missing packages once on timeout', () => {
    const body = Buffer.from('0123456789abcdef0123', 'hex');
    const parts = [body.subarray(0, 4), body.subarray(4, 8), body.subarray(8)];
    const pkg = (i: number) =>
      decodeFrame(
        encodeFrame(
          {
            messageId: MSG.batchLocation,
            edition: 2019,
            phone: '13912344329',
            flow: 100 + i,
            subpackage: { count: 3, index: i + 1 },
          },
          parts[i]!,
        ).subarray(1, -1),
      );
    const r = new Reassembler(1000);
    const [p1, p2, p3] = [pkg(0), pkg(1), pkg(2)];
    if (!p1.ok || !p2.ok || !p3.ok) throw new Error('encoding failed');
    expect(p2.message.header).toMatchObject({ subpackaged: true, packageCount: 3, packageIndex: 2 });
    expect(r.add(p3.message, 0)).toBeNull();
    expect(r.add(p1.message, 0)).toBeNull();
    const whole = r.add(p2.message, 0)!;
    expect(whole.body).toEqual(body);
    expect(whole.header).toMatchObject({ messageId: MSG.batchLocation, flow: 100, subpackaged: false });
    expect(r.size).toBe(0);

    const r2 = new Reassembler(1000);
    r2.add(p1.message, 0);
    r2.add(p3.message, 0);
    expect(r2.sweep(500)).toEqual([]);
    expect(r2.sweep(1000)).toEqual([{ messageId: MSG.batchLocation, firstFlow: 100, missing: [2] }]);
    expect(r2.sweep(1500)).toEqual([]);
    expect(r2.sweep(2000)).toEqual([]);
    expect(r2.size).toBe(0);
  });

  it('never throws on random or mutated input, and never accepts a frame with one byte changed', () => {
    let seed = 42;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const splitter = new FrameSplitter(512);
    const frames = Object.values(PUBLISHED).map(inner);
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      const noise = Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
      for (const f of splitter.push(noise)) {
        const d = decodeFrame(f);
        if (d.ok) {
          accepted++;
          readLocation(d.message.body);
          readBatch(d.message.body);
        }
      }
      const original = frames[round % frames.length]!;
      const mutated = Buffer.from(unescape(original)!);
      const at = Math.floor(rand() * mutated.length);
      mutated[at] = (mutated[at]! + 1 + Math.floor(rand() * 255)) & 0xff;
      const d = decodeFrame(escape(mutated));
      expect(d.ok).toBe(false);
    }
    // Random bytes pass the check code about once in 256 frames: they still never crash the readers.
    expect(accepted).toBeLessThan(100);
    expect(splitter.pending).toBeLessThanOrEqual(513);
  });
});
