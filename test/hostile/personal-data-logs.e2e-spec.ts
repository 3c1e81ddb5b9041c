import fs from 'node:fs';
import { citizenId, makePerson } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { content, LOADING_CHECK, post, tripWorld } from '../support/waybill.js';

/**
 * Everything the process writes to stdout and stderr while the test runs: pino writes with
 * fs.writeSync on fd 1 (synchronous destination), Nest's own logger with process.stdout.write.
 */
function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const asText = (data: unknown): string =>
    typeof data === 'string'
      ? data
      : Buffer.isBuffer(data) || data instanceof Uint8Array
        ? Buffer.from(data).toString('utf8')
        : String(data);
  const writeSync = fs.writeSync;
  const write = fs.write;
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) {
      const text = asText(data);
      chunks.push(text);
      return Buffer.byteLength(text);
    }
    return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync;
  fs.write = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) {
      chunks.push(asText(data));
      const cb = rest.find((r) => typeof r === 'function') as ((e: null, n: number) => void) | undefined;
      cb?.(null, Buffer.byteLength(asText(data)));
      return;
    }
    return (write as (...a: unknown[]) => void)(fd, data, ...rest);
  }) as typeof fs.write;
  const hook = (data: unknown, ...rest: unknown[]): boolean => {
    chunks.push(asText(data));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  };
  process.stdout.write = hook as typeof process.stdout.write;
  process.stderr.write = hook as typeof process.stderr.write;
  return {
    text: () => chunks.join(''),
    restore: () => {
      fs.writeSync = writeSync;
      fs.write = write;
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    },
  };
}

describe('personal data never reaches the logs (debug level, every line captured)', () => {
  let t: TestApp;
  let capture: ReturnType<typeof captureOutput>;
  const people = [
    { idNumber: citizenId('320202', '19630817'), phone: '13730245861' },
    { idNumber: citizenId('320211', '19710926'), phone: '15861937204' },
    { idNumber: citizenId('320205', '19890304'), phone: '18952076318' },
  ];

  beforeAll(async () => {
    capture = captureOutput();
    t = await createTestApp({ env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => {
    await t.close();
    capture.restore();
  });

  it('logs requests and refusals, and not one id number or phone, whole or by their middle digits', async () => {
    const [driver, escort, spare] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    const transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    const police = await t.mintKey({ principal: 'agency', agency: 'police' });
    const w = await tripWorld(t, {
      transportKey: transport,
      driver: { idNumber: driver.idNumber, phone: driver.phone },
      escort: { idNumber: escort.idNumber, phone: escort.phone },
    });
    const sparePerson = await makePerson(t, w.carrier.enterpriseId, { idNumber: spare.idNumber, phone: spare.phone });

    // Read back by everyone who may, in clear or masked.
    for (const key of [t.adminKey, w.carrier.key, police, transport]) {
      for (const id of [w.driverId, w.escortId, sparePerson.id as string]) {
        await t
          .http()
          .get(`/v1/personnel/${id}`)
          .set(...bearer(key))
          .set('X-Purpose', encodeURIComponent(`核查 ${driver.idNumber}`));
      }
      await t
        .http()
        .get('/v1/personnel?limit=50')
        .set(...bearer(key));
    }

    // A waybill naming them, submitted, loaded and printed (the print is an access-logged read).
    const draft = await post(t, w.consignor.key, '/v1/waybills', content(w, { notes: `驾驶员 ${driver.phone}` }));
    expect(draft.status).toBe(201);
    const id = draft.body.id as string;
    expect((await post(t, w.consignor.key, `/v1/waybills/${id}/submit`)).status).toBe(200);
    expect((await post(t, w.consignor.key, `/v1/waybills/${id}/load`, LOADING_CHECK)).status).toBe(200);
    for (const key of [w.consignor.key, police]) {
      expect(
        (
          await t
            .http()
            .get(`/v1/waybills/${id}/print`)
            .set(...bearer(key))
        ).status,
      ).toBe(200);
    }

    // Errors that carry them: a duplicate, bad fields holding them, them in paths and queries.
    const dup = await post(t, t.adminKey, '/v1/personnel', {
      name: '重复',
      idNumber: driver.idNumber,
      phone: driver.phone,
      role: 'driver',
      employerId: w.carrier.enterpriseId,
      qualificationKind: 'dg_driver',
      qualificationNumber: 'QC-DUP',
      qualificationExpiry: '2028-03-31',
    });
    expect([409, 422]).toContain(dup.status); // refused as a duplicate, whichever check sees it first
    const bad = await post(t, t.adminKey, '/v1/personnel', {
      name: driver.idNumber,
      idNumber: `${driver.idNumber.slice(0, 17)}0`,
      phone: escort.idNumber,
      role: escort.phone,
      employerId: spare.phone,
      qualificationKind: 'dg_driver',
      qualificationNumber: 'QC-BAD',
      qualificationExpiry: spare.idNumber,
      extra: { idNumber: spare.idNumber, phone: spare.phone },
    });
    expect(bad.status).toBe(400);
    expect(
      (
        await t
          .http()
          .get(`/v1/personnel/${driver.idNumber}`)
          .set(...bearer(t.adminKey))
      ).status,
    ).toBe(400);
    await t
      .http()
      .get(`/v1/personnel?q=${driver.idNumber}&phone=${driver.phone}`)
      .set(...bearer(t.adminKey));
    await t
      .http()
      .get(`/v1/no-such-route/${escort.phone}/${escort.idNumber}`)
      .set(...bearer(t.adminKey));
    // A wrong key made of them.
    await t
      .http()
      .get('/v1/personnel')
      .set(...bearer(`hc_${spare.phone}0_${spare.idNumber}`));
    await t.settle();

    const logs = capture.text();
    // The capture really captures: boot lines, request lines with their status, debug lines.
    expect(logs.length).toBeGreaterThan(10_000);
    const shows = (re: RegExp): boolean => re.test(logs);
    expect({
      requestLines: shows(/"msg":"request completed"/),
      personnelPath: shows(/"path":"\/v1\/personnel"/),
      duplicateRefused: shows(/"status":4(09|22)/),
      warnLevel: shows(/"level":40/),
      logLevelDebug: t.config.log.level,
    }).toEqual({
      requestLines: true,
      personnelPath: true,
      duplicateRefused: true,
      warnLevel: true,
      logLevelDebug: 'debug',
    });

    const found: string[] = [];
    for (const p of people) {
      // Whole, the birth date and sequence masking hides, and the phone's hidden middle digits.
      for (const needle of [p.idNumber, p.idNumber.slice(6, 14), p.idNumber.slice(6), p.phone, p.phone.slice(3, 11)]) {
        if (logs.includes(needle)) {
          const line = logs.split('\n').find((l) => l.includes(needle))!;
          found.push(`${needle} in: ${line.slice(0, 300)}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
