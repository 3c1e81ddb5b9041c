import { loadSampleCity } from '../../apps/api/src/sample-city.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

// oxlint-disable-next-line typescript/no-explicit-any -- JSON answers are read loosely, as supertest gives them
type Json = Record<string, any>;

/** The demo's city is loaded as it would be run: the enterprises file, the agencies confirm. */
describe('the sample city (npm run demo, bench:api)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('has its enterprises file licences, facilities, tankers and crews, and the issuing agencies confirm them', async () => {
    const city = await loadSampleCity(t.baseUrl, t.adminKey, 3);
    expect(city.tankers).toHaveLength(3);
    for (const tanker of city.tankers) {
      const w = await t
        .http()
        .get(`/v1/waybills/${tanker.waybillId}`)
        .set(...bearer(t.adminKey));
      expect(w.body.status).toBe('loaded');
    }
    const all: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = (
        await t
          .http()
          .get('/v1/filings')
          .query({ limit: 500, ...(cursor ? { cursor } : {}) })
          .set(...bearer(t.adminKey))
      ).body;
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    // Nothing waits, and everything was filed by an enterprise and decided by the agency that issues it.
    expect(all.filter((f) => f.status !== 'confirmed')).toEqual([]);
    expect(new Set(all.map((f) => f.filedBy.split(' ')[0]))).toEqual(new Set(['enterprise']));
    for (const f of all) expect(f.decidedBy).toBe(`agency ${f.agency}`);
    const kinds = new Set(all.map((f) => `${f.kind}:${f.agency}`));
    for (const k of [
      'licence:emergency',
      'licence:transport',
      'facility.siting:emergency',
      'vehicle.transport_certificate:transport',
      'vehicle.tank:market',
      'vehicle.terminal:transport',
      'person.qualification:transport',
    ])
      expect(kinds).toContain(k);
  });
});
