import { chemicalByCas, makeEnterprise, makeLicence, yearsFromNow } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

type Answer = {
  allowed: boolean;
  reasons: Array<{ code: string; text: string; basis?: string }>;
  licenceIds: string[];
  localDate: string;
  requirements: Array<{ need: string; basis: string; required: boolean; met: boolean; licenceIds: string[] }>;
  consumes: unknown[];
};

/** GET /v1/enterprises/:id/authorization: may E do A on C at T, and if not, why. */
describe('licence authorization query', () => {
  let t: TestApp;
  let police: string;
  let chlorine: string;
  let ethanol: string;
  let nitricAcid: string;
  beforeAll(async () => {
    t = await createTestApp();
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    chlorine = (await chemicalByCas(t, '7782-50-5')).id as string; // 2.3, 剧毒
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string; // 3
    nitricAcid = (await chemicalByCas(t, '7697-37-2')).id as string; // 8, 易制爆
  });
  afterAll(() => t.close());

  const ask = async (enterpriseId: string, q: Record<string, string>): Promise<Answer> => {
    const res = await t
      .http()
      .get(`/v1/enterprises/${enterpriseId}/authorization`)
      .query(q)
      .set(...bearer(police));
    expect(res.status).toBe(200);
    return res.body as Answer;
  };
  const codes = (a: Answer): string[] => a.reasons.map((r) => r.code).sort();

  it('allows production under a valid safety production licence covering the class, naming it', async () => {
    const e = (await makeEnterprise(t)).id as string;
    const l = await makeLicence(t, e, { scope: { classes: ['2'] } });
    const a = await ask(e, { activity: 'produce', chemicalId: chlorine, at: '2026-06-01T02:00:00Z' });
    expect(a).toEqual({
      allowed: true,
      reasons: [],
      licenceIds: [l.id],
      localDate: '2026-06-01',
      requirements: [
        {
          need: 'safety production licence',
          basis: 'Decree 591 Art. 14; 《安全生产许可证条例》 Art. 2',
          required: true,
          met: true,
          licenceIds: [l.id],
        },
      ],
      consumes: [],
    });
  });

  it('refuses with LICENCE_EXPIRED after the last valid day, judged in Asia/Shanghai', async () => {
    const e = (await makeEnterprise(t)).id as string;
    await makeLicence(t, e, { validFrom: '2020-01-01', validTo: '2026-10-31', scope: { classes: ['2'] } });
    // 2026-10-31T16:30Z is already 1 November in Wuxi.
    expect((await ask(e, { activity: 'produce', chemicalId: chlorine, at: '2026-10-31T15:59:00Z' })).allowed).toBe(
      true,
    );
    const late = await ask(e, { activity: 'produce', chemicalId: chlorine, at: '2026-10-31T16:30:00Z' });
    expect(late.allowed).toBe(false);
    expect(codes(late)).toEqual(['LICENCE_EXPIRED']);
    expect(late.reasons[0]!.text).toContain('expired on 2026-10-31');
  });

  it('refuses with LICENCE_NOT_YET_VALID before the first day', async () => {
    const e = (await makeEnterprise(t)).id as string;
    await makeLicence(t, e, { validFrom: '2027-01-01', validTo: '2030-01-01', scope: { classes: ['2'] } });
    expect(codes(await ask(e, { activity: 'produce', chemicalId: chlorine, at: '2026-06-01T00:00:00Z' }))).toEqual([
      'LICENCE_NOT_YET_VALID',
    ]);
  });

  it('refuses with LICENCE_SUSPENDED and LICENCE_REVOKED once admin changes the status', async () => {
    const e = (await makeEnterprise(t)).id as string;
    const l = await makeLicence(t, e, { scope: { classes: ['2'] } });
    const q = { activity: 'produce', chemicalId: chlorine, at: '2026-06-01T00:00:00Z' };
    await t
      .http()
      .put(`/v1/enterprises/${e}/licences/${l.id as string}/status`)
      .set(...bearer(t.adminKey))
      .send({ status: 'suspended', reason: '停产整顿' });
    const suspended = await ask(e, q);
    expect(codes(suspended)).toEqual(['LICENCE_SUSPENDED']);
    expect(suspended.reasons[0]!.text).toContain('停产整顿');
    await t
      .http()
      .put(`/v1/enterprises/${e}/licences/${l.id as string}/status`)
      .set(...bearer(t.adminKey))
      .send({ status: 'revoked', reason: '吊销' });
    expect(codes(await ask(e, q))).toEqual(['LICENCE_REVOKED']);
  });

  it('refuses with LICENCE_OUT_OF_SCOPE when the licence covers other classes or chemicals', async () => {
    const e = (await makeEnterprise(t)).id as string;
    await makeLicence(t, e, { scope: { classes: ['3'], chemicalIds: [ethanol] } });
    const a = await ask(e, { activity: 'produce', chemicalId: chlorine, at: '2026-06-01T00:00:00Z' });
    expect(codes(a)).toEqual(['LICENCE_OUT_OF_SCOPE']);
    expect(a.reasons[0]!.text).toContain('氯 (class 2.3)');
  });

  it('refuses with ENTERPRISE_BLACKLISTED from the day it takes effect, next to licence reasons', async () => {
    const e = (await makeEnterprise(t)).id as string;
    await makeLicence(t, e, { kind: 'business', scope: { classes: ['3'] } });
    await t
      .http()
      .put(`/v1/enterprises/${e}/credit-status`)
      .set(...bearer(t.adminKey))
      .send({ status: 'blacklisted', reason: '违规储存', effectiveAt: '2026-05-01T00:00:00Z' });
    expect((await ask(e, { activity: 'sell', chemicalId: ethanol, at: '2026-04-30T00:00:00Z' })).allowed).toBe(true);
    const after = await ask(e, { activity: 'sell', chemicalId: ethanol, at: '2026-06-01T00:00:00Z' });
    expect(codes(after)).toEqual(['ENTERPRISE_BLACKLISTED']);
    const both = await ask(e, { activity: 'sell', chemicalId: chlorine, at: '2026-06-01T00:00:00Z' });
    expect(codes(both)).toEqual(['ENTERPRISE_BLACKLISTED', 'LICENCE_OUT_OF_SCOPE']);
  });

  it('refuses a prohibited chemical everywhere and a restricted one outside its districts', async () => {
    const created = await t
      .http()
      .post('/v1/chemicals')
      .set(...bearer(t.adminKey))
      .send({ cas: '100-41-4', unNumber: '1175', nameZh: '乙苯', unClass: '3' });
    const id = created.body.id as string;
    const e = (await makeEnterprise(t, { district: '梁溪' })).id as string;
    await makeLicence(t, e, { scope: { classes: ['3'] } });
    const q = { activity: 'produce', chemicalId: id, at: '2026-06-01T00:00:00Z' };
    await t
      .http()
      .put(`/v1/chemicals/${id}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'prohibited', note: '禁止生产' });
    expect(codes(await ask(e, q))).toEqual(['CHEMICAL_PROHIBITED']);
    await t
      .http()
      .put(`/v1/chemicals/${id}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'restricted', allowedDistricts: ['新吴'] });
    expect(codes(await ask(e, q))).toEqual(['CHEMICAL_RESTRICTED']);
    await t
      .http()
      .put(`/v1/chemicals/${id}/control`)
      .set(...bearer(t.adminKey))
      .send({ status: 'restricted', allowedDistricts: ['梁溪'] });
    expect((await ask(e, q)).allowed).toBe(true);
  });

  it('asks a purchase permit for a highly toxic chemical and a filing for an explosive precursor (条例 Art. 38)', async () => {
    const buyer = (await makeEnterprise(t, { roles: ['user'] })).id as string;
    const at = '2026-06-01T00:00:00Z';
    expect(codes(await ask(buyer, { activity: 'buy', chemicalId: chlorine, at }))).toEqual([
      'PURCHASE_PERMIT_REQUIRED',
    ]);
    expect(codes(await ask(buyer, { activity: 'buy', chemicalId: nitricAcid, at }))).toEqual([
      'PRECURSOR_FILING_REQUIRED',
    ]);
    expect((await ask(buyer, { activity: 'buy', chemicalId: ethanol, at })).allowed).toBe(true);
    await makeLicence(t, buyer, {
      kind: 'highly_toxic_purchase',
      scope: { chemicalIds: [chlorine] },
      permittedQuantityKg: 500,
      validTo: '2026-05-01',
    });
    const expired = await ask(buyer, { activity: 'buy', chemicalId: chlorine, at });
    expect(codes(expired)).toEqual(['LICENCE_EXPIRED', 'PURCHASE_PERMIT_REQUIRED']);
    await makeLicence(t, buyer, {
      kind: 'highly_toxic_purchase',
      scope: { chemicalIds: [chlorine] },
      permittedQuantityKg: 500,
    });
    await makeLicence(t, buyer, {
      kind: 'explosive_precursor_filing',
      scope: { chemicalIds: [nitricAcid] },
      permittedQuantityKg: 500,
    });
    expect((await ask(buyer, { activity: 'buy', chemicalId: chlorine, at })).allowed).toBe(true);
    expect((await ask(buyer, { activity: 'buy', chemicalId: nitricAcid, at })).allowed).toBe(true);
  });

  it('answers LICENCE_MISSING when no licence of the needed kind exists, and checks disposal by waste code', async () => {
    const e = (await makeEnterprise(t, { roles: ['disposer'] })).id as string;
    const at = '2026-06-01T00:00:00Z';
    expect(codes(await ask(e, { activity: 'transport', chemicalId: ethanol, at }))).toEqual(['LICENCE_MISSING']);
    await makeLicence(t, e, { kind: 'hazardous_waste', scope: { wasteCodes: ['HW06'] } });
    expect((await ask(e, { activity: 'dispose', chemicalId: ethanol, at, wasteCode: 'HW06' })).allowed).toBe(true);
    expect(codes(await ask(e, { activity: 'dispose', chemicalId: ethanol, at, wasteCode: 'HW34' }))).toEqual([
      'LICENCE_OUT_OF_SCOPE',
    ]);
  });

  it('lists licences expiring within 30 days for the enterprise and for agencies', async () => {
    const e = (await makeEnterprise(t)).id as string;
    const shanghaiToday = (): string => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const today = shanghaiToday();
    const in10 = new Date(Date.parse(today) + 10 * 86400e3).toISOString().slice(0, 10);
    const soon = await makeLicence(t, e, { validFrom: '2024-01-01', validTo: in10 });
    await makeLicence(t, e, { validFrom: '2024-01-01', validTo: yearsFromNow(3) });
    const own = await t.mintKey({ principal: 'enterprise', enterpriseId: e });
    const mine = await t
      .http()
      .get(`/v1/enterprises/${e}/licences?expiringWithinDays=30`)
      .set(...bearer(own));
    expect(mine.body.items.map((l: { id: string }) => l.id)).toEqual([soon.id]);
    // 10 days, counted from the service's today: 9 if a midnight in Wuxi passed since `today`.
    const daysFrom = (day: string): number => (Date.parse(in10) - Date.parse(day)) / 86400e3;
    expect([daysFrom(today), daysFrom(shanghaiToday())]).toContain(mine.body.items[0].daysToExpiry);
    const all = await t
      .http()
      .get('/v1/licences?expiringWithinDays=30&limit=500')
      .set(...bearer(police));
    expect(all.body.items.map((l: { id: string }) => l.id)).toContain(soon.id);
  });

  it('refuses a licence whose scope names an unknown chemical, storing nothing', async () => {
    const e = (await makeEnterprise(t)).id as string;
    const res = await t
      .http()
      .post(`/v1/enterprises/${e}/licences`)
      .set(...bearer(t.adminKey))
      .send({
        kind: 'business',
        number: 'X-1',
        issuer: 'x',
        validFrom: '2025-01-01',
        validTo: '2024-01-01',
        scope: { chemicalIds: ['0190a1b2-0000-7000-8000-000000000001'] },
      });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((x: { rule: string }) => x.rule).sort()).toEqual([
      'LICENCE_DATES',
      'REFERENCE_NOT_FOUND',
    ]);
    expect(
      (
        await t
          .http()
          .get(`/v1/enterprises/${e}/licences`)
          .set(...bearer(t.adminKey))
      ).body.items,
    ).toEqual([]);
  });
});
