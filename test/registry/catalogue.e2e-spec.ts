import { readFileSync } from 'node:fs';
import { parseCsv } from '@lib/platform';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const reference = (name: string) =>
  parseCsv(readFileSync(new URL(`../../migrations/seed/${name}`, import.meta.url), 'utf8')).records.map(
    (r) => r.values,
  );

describe('chemical catalogue', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp();
    key = await t.mintKey({ principal: 'agency', agency: 'emergency' });
  });
  afterAll(() => t.close());

  const search = async (q: string) =>
    (
      await t
        .http()
        .get(`/v1/chemicals?q=${encodeURIComponent(q)}&limit=5`)
        .set(...bearer(key))
    ).body;

  it.each(['液氯', '7782-50-5', 'UN1017', '1017', 'chlorine', 'CHLORINE', '氯气'])(
    'finds chlorine for %s, first',
    async (q) => {
      const body = await search(q);
      expect(body.items[0]).toMatchObject({
        cas: '7782-50-5',
        unNumber: '1017',
        nameZh: '氯',
        unClass: '2.3',
        highlyToxic: true,
        tunnelCode: 'C/D',
      });
    },
  );

  it('holds every chemical of the shared reference data', async () => {
    const rows = await t.db.query<{ cas: string | null; un_number: string | null; name_zh: string }>(
      'SELECT cas, un_number, name_zh FROM chemicals',
    );
    const cas = new Set(rows.map((r) => r.cas));
    const catalogue = reference('chemicals-catalogue.csv');
    const toxic = reference('highly-toxic-2015.csv');
    const table1 = reference('gb18218-chemicals.csv').filter((r) => r.cas && !r.name_zh!.startsWith('【'));
    expect(catalogue.filter((r) => r.cas).every((r) => cas.has(r.cas!))).toBe(true);
    expect(toxic.every((r) => cas.has(r.cas!))).toBe(true);
    expect(table1.flatMap((r) => r.cas!.split(';').map((c) => c.trim())).filter((c) => !cas.has(c))).toEqual([]);
    expect(rows.length).toBe(catalogue.length + toxic.filter((r) => !catalogue.some((c) => c.cas === r.cas)).length);
  });

  it('marks exactly the 148 highly toxic entries of the 2015 catalogue as such', async () => {
    const res = await t
      .http()
      .get('/v1/chemicals?highlyToxic=true&limit=500')
      .set(...bearer(key));
    expect(new Set(res.body.items.map((c: { cas: string }) => c.cas))).toEqual(
      new Set(reference('highly-toxic-2015.csv').map((r) => r.cas)),
    );
  });

  it('pages through a search with a cursor, without repeats', async () => {
    const first = (
      await t
        .http()
        .get('/v1/chemicals?q=%E7%A1%9D&limit=3')
        .set(...bearer(key))
    ).body;
    expect(first.items).toHaveLength(3);
    const second = (
      await t
        .http()
        .get(`/v1/chemicals?q=%E7%A1%9D&limit=3&cursor=${first.nextCursor}`)
        .set(...bearer(key))
    ).body;
    const ids = [...first.items, ...second.items].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lets admin add a chemical with a checked CAS and set its 禁限控 status', async () => {
    const bad = await t
      .http()
      .post('/v1/chemicals')
      .set(...bearer(t.adminKey))
      .send({ cas: '7782-50-4', nameZh: '某物' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ path: 'cas', rule: 'cas', message: 'cas check digit must be 5' }),
    ]);
    const created = await t
      .http()
      .post('/v1/chemicals')
      .set(...bearer(t.adminKey))
      .send({
        cas: '123-86-4',
        unNumber: '1123',
        nameZh: '乙酸正丁酯',
        nameEn: 'n-Butyl acetate',
        unClass: '3',
        packingGroups: ['III'],
      });
    expect(created.status).toBe(201);
    const control = await t
      .http()
      .put(`/v1/chemicals/${created.body.id}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'restricted', note: '仅限化工园区', allowedDistricts: ['新吴'] });
    expect(control.body).toMatchObject({ controlStatus: 'restricted', controlAllowedDistricts: ['新吴'] });
    expect(
      (
        await t
          .http()
          .put(`/v1/chemicals/${created.body.id}/control`)
          .set(...bearer(key))
          .send({ status: 'none' })
      ).status,
    ).toBe(403);
  });
});
