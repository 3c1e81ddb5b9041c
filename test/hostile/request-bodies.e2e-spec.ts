import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { creditCode, makeEnterprise } from '../support/factories.js';
import { expectProblem, rowCounts, stillServing, WRITE_TABLES } from '../support/hostile.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/** A valid enterprise body: each test spoils one thing of it. */
const enterprise = (over: Record<string, unknown> = {}) => ({
  creditCode: creditCode(),
  name: '无锡敌意测试化工有限公司',
  roles: ['producer'],
  district: '新吴',
  address: '无锡市新吴区化工路 9 号',
  ...over,
});

const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/**
 * Raw bytes to the server: supertest re-encodes strings, and invalid UTF-8 must arrive as sent.
 * Answers status, headers and the parsed body.
 */
function rawPost(
  t: TestApp,
  path: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
  const url = new URL(path, t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: url.pathname,
        headers: { 'Content-Length': String(body.length), Authorization: `Bearer ${t.adminKey}`, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode!,
            headers: res.headers as Record<string, string>,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('hostile request bodies', () => {
  let t: TestApp;
  let enterpriseKey: string;
  beforeAll(async () => {
    // A small limit, so that "too large" is cheap to send and a limit of our choosing is honoured.
    t = await createTestApp({ env: { BODY_LIMIT: '128kb' } });
    const e = await makeEnterprise(t);
    enterpriseKey = await t.mintKey({ principal: 'enterprise', enterpriseId: e.id as string });
  });
  afterAll(() => t.close());

  it('answers 413 above BODY_LIMIT, on every kind of write, and stores nothing', async () => {
    const before = await rowCounts(t, WRITE_TABLES);
    const big = enterprise({ address: 'x'.repeat(129 * 1024) });
    expectProblem(
      await t
        .http()
        .post('/v1/enterprises')
        .set(...bearer(t.adminKey))
        .send(big),
      413,
      'BODY_TOO_LARGE',
    );
    // Just under the limit is parsed (and then refused by the field's own rule, naming it).
    const under = await t
      .http()
      .post('/v1/enterprises')
      .set(...bearer(t.adminKey))
      .send(enterprise({ address: 'x'.repeat(120 * 1024) }));
    expectProblem(under, 400, 'VALIDATION_FAILED', [{ path: 'address', rule: 'maxLength' }]);
    // A CSV import goes through its own parser with the same limit.
    const csv = await t
      .http()
      .post('/v1/import/enterprises')
      .set(...bearer(t.adminKey))
      .set('Content-Type', 'text/csv')
      .send(`creditCode,name\n${'9132021400000000XX,名字\n'.repeat(6000)}`);
    expectProblem(csv, 413, 'BODY_TOO_LARGE');
    // Chunked (no Content-Length): the limit is counted on the bytes as they arrive.
    const chunked = await new Promise<number>((resolve, reject) => {
      const url = new URL('/v1/movements', t.baseUrl);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: url.pathname,
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${enterpriseKey}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.write('{"reason":"');
      for (let i = 0; i < 140; i++) req.write('y'.repeat(1024));
      req.end('"}');
    });
    expect(chunked).toBe(413);
    expect(await rowCounts(t, WRITE_TABLES)).toEqual(before);
    await stillServing(t);
  });

  it('answers 400, not a crash, to 10,000 levels of nesting in any field, and keeps serving', async () => {
    const before = await rowCounts(t, WRITE_TABLES);
    const bodies: Array<{ path: string; body: string; field: string; as?: 'transport' | 'enterprise' }> = [
      // A string field given a nested structure, a nested DTO given one, an unknown field holding one.
      { path: '/v1/enterprises', field: 'name', body: `{"name":${nestedArrays(10_000)}}` },
      { path: '/v1/enterprises', field: 'contacts', body: `{"contacts":${nestedObjects(10_000)}}` },
      { path: '/v1/enterprises', field: 'contacts', body: `{"contacts":[${nestedArrays(10_000)}]}` },
      { path: '/v1/enterprises', field: 'deep', body: `{"deep":${nestedObjects(10_000)}}` },
      // Geometry is an open object checked by our own code: coordinates nested 10,000 deep.
      {
        path: '/v1/zones',
        field: 'geometry',
        as: 'transport',
        body: `{"name":"z","kind":"ban","geometry":{"type":"Polygon","coordinates":${nestedArrays(10_000)}}}`,
      },
      {
        path: '/v1/facilities',
        field: 'geometry',
        as: 'enterprise',
        body: `{"name":"f","kind":"storage","district":"新吴","address":"a","geometry":{"type":"Point","coordinates":${nestedArrays(10_000)}}}`,
      },
      { path: '/v1/movements', field: 'quantity', body: `{"quantity":${nestedObjects(10_000)}}` },
      { path: '/v1/waybills', field: 'items', body: `{"items":[${nestedObjects(10_000)}]}` },
      // The whole body a bare nested array.
      { path: '/v1/enterprises', field: '', body: nestedArrays(10_000) },
    ];
    const transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    for (const { path, body, field, as } of bodies) {
      const res = await t
        .http()
        .post(path)
        .set(...bearer(as === 'transport' ? transport : as === 'enterprise' ? enterpriseKey : t.adminKey))
        .set('Content-Type', 'application/json')
        .send(body);
      expect({ path, field, status: res.status }).toEqual({ path, field, status: 400 });
      expectProblem(res, 400, 'BODY_TOO_DEEP');
      await stillServing(t);
    }
    // Below the depth limit the same shapes reach validation, which names the field.
    for (const { path, body, field, as } of bodies.filter((b) => b.field)) {
      const shallow = body
        .replace(/\[{10000}\]{10000}/, nestedArrays(25))
        .replace(/(\{"a":){10000}1\}{10000}/, nestedObjects(25));
      const res = await t
        .http()
        .post(path)
        .set(...bearer(as === 'transport' ? transport : as === 'enterprise' ? enterpriseKey : t.adminKey))
        .set('Content-Type', 'application/json')
        .send(shallow);
      expect({ path, field, code: res.body.code }).toEqual({ path, field, code: 'VALIDATION_FAILED' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect({
        path,
        fields: (res.body.errors as Array<{ path: string }>).map((e) => e.path.split(/[.[]/)[0]),
      }).toEqual({
        path,
        fields: expect.arrayContaining([field]),
      });
    }
    expect(await rowCounts(t, WRITE_TABLES)).toEqual(before);
  });

  it('refuses arrays where an object is expected, so that nothing lands beyond masking', async () => {
    const before = await rowCounts(t, WRITE_TABLES);
    // Was accepted and stored as contacts [{"0": {…}}], the phone shown in clear to agencies.
    const nested = await t
      .http()
      .post('/v1/enterprises')
      .set(...bearer(t.adminKey))
      .send(enterprise({ contacts: [[{ name: '王建国', phone: '13987654321' }]] }));
    expectProblem(nested, 400, 'VALIDATION_FAILED', [{ path: 'contacts[0]', rule: 'isObject' }]);
    const movement = await t
      .http()
      .post('/v1/movements')
      .set(...bearer(enterpriseKey))
      .send({ operation: 'use', quantity: [{ value: 1, unit: 'kg' }] });
    expectProblem(movement, 400, 'VALIDATION_FAILED', [{ path: 'quantity', rule: 'isObject' }]);
    expect(await rowCounts(t, WRITE_TABLES)).toEqual(before);
  });

  it('refuses every body type but JSON (and CSV on imports) with 415', async () => {
    const before = await rowCounts(t, WRITE_TABLES);
    const body = JSON.stringify(enterprise());
    const cases: Array<{ type: string | null; send: string | Buffer }> = [
      { type: 'text/plain', send: body },
      { type: 'application/x-www-form-urlencoded', send: 'name=x&district=%E6%96%B0%E5%90%B4' },
      {
        type: 'multipart/form-data; boundary=XYZ',
        send: '--XYZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XYZ--\r\n',
      },
      { type: 'application/xml', send: '<enterprise><name>x</name></enterprise>' },
      // No Content-Type at all, on a JSON route, with a JSON body.
      { type: null, send: Buffer.from(body) },
    ];
    for (const c of cases) {
      const res = await rawPost(t, '/v1/enterprises', Buffer.from(c.send), c.type ? { 'Content-Type': c.type } : {});
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.detail).toContain('application/json');
    }
    // CSV is for the import routes only: on a JSON route it is refused, naming the body.
    const csv = await rawPost(t, '/v1/enterprises', Buffer.from('creditCode,name\n1,2\n'), {
      'Content-Type': 'text/csv',
    });
    expect([400, 415]).toContain(csv.status);
    expectProblem(csv, csv.status, csv.body.code as string);
    // A JSON body that declares another charset, or compression, is refused rather than mis-read.
    expectProblem(
      await rawPost(t, '/v1/enterprises', Buffer.from(body, 'latin1'), {
        'Content-Type': 'application/json; charset=iso-8859-1',
      }),
      415,
      'UNSUPPORTED_ENCODING',
    );
    // Compressed: refused whether or not the bytes really are gzip (no inflating a bomb).
    for (const bytes of [Buffer.from(body), gzipSync(body)]) {
      expectProblem(
        await rawPost(t, '/v1/enterprises', bytes, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }),
        415,
        'UNSUPPORTED_ENCODING',
      );
    }
    expect(await rowCounts(t, WRITE_TABLES)).toEqual(before);
  });

  it('refuses invalid UTF-8 in a JSON body instead of storing replacement characters', async () => {
    const before = await rowCounts(t, WRITE_TABLES);
    const json = JSON.stringify(enterprise({ name: 'NAME_HERE' }));
    const [head, tail] = json.split('NAME_HERE') as [string, string];
    const invalid = [
      Buffer.from([0xff, 0xfe]), // never valid in UTF-8
      Buffer.from([0xc3, 0x28]), // a lead byte without its continuation
      Buffer.from([0xe6, 0x97]), // a truncated three-byte character (half of 新)
      Buffer.from([0xc0, 0xaf]), // an overlong encoding of "/"
      Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate encoded as UTF-8
    ];
    for (const bytes of invalid) {
      const res = await rawPost(t, '/v1/enterprises', Buffer.concat([Buffer.from(head), bytes, Buffer.from(tail)]), {
        'Content-Type': 'application/json',
      });
      expectProblem(res, 400, 'INVALID_UTF8');
      expect(res.body.detail).toMatch(/UTF-8/);
    }
    const stored = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM enterprises WHERE name LIKE '%\uFFFD%'`);
    expect(stored[0]!.n).toBe('0');
    expect(await rowCounts(t, WRITE_TABLES)).toEqual(before);
    // Valid multi-byte UTF-8 still pass.
    const ok = await rawPost(
      t,
      '/v1/enterprises',
      Buffer.from(JSON.stringify(enterprise({ name: '无锡\u{1F9EA}化工' }))),
      { 'Content-Type': 'application/json; charset=utf-8' },
    );
    expect(ok.status).toBe(201);
    expect(ok.body.name).toBe('无锡\u{1F9EA}化工');
  });
});
