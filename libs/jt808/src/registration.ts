import { encodeGbkLossy } from './gbk.js';

/**
 * A 0x0100 registration body as a terminal writes it (the simulator, benches and tests): province
 * and city (GB/T 2260), maker id, model and terminal id (NUL-padded ASCII), plate colour (JT/T
 * 697.7: 1 blue, 2 yellow, …) and the plate in GBK.
 */
export function writeRegistration(
  r: {
    province?: number;
    city?: number;
    maker: string;
    model: string;
    terminalId: string;
    plateColour: number;
    plate: string;
  },
  edition: 2013 | 2019,
): Buffer {
  const [maker, model, id] = edition === 2019 ? [11, 30, 30] : [5, 20, 7];
  const body = Buffer.alloc(4 + maker + model + id + 1);
  body.writeUInt16BE(r.province ?? 32, 0);
  body.writeUInt16BE(r.city ?? 200, 2);
  const field = (value: string, at: number, length: number): void => {
    if (Buffer.byteLength(value, 'latin1') > length) throw new RangeError(`${value} is longer than ${length} bytes`);
    body.write(value, at, length, 'latin1');
  };
  field(r.maker, 4, maker);
  field(r.model, 4 + maker, model);
  field(r.terminalId, 4 + maker + model, id);
  body[body.length - 1] = r.plateColour;
  return Buffer.concat([body, encodeGbkLossy(r.plate)]);
}
