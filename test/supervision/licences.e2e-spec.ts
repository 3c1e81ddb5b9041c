import { chemicalByCas, makeEnterprise, makeFacility, makeLicence, yearsFromNow } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

// oxlint-disable-next-line typescript/no-explicit-any -- JSON answers are read loosely, as supertest gives them
type Json = Record<string, any>;

/**
 * Licences count only once their issuer asserted them (issue 15): what an enterprise files about
 * itself is pending; the issuing agency (or admin) verifies, refuses, suspends, reinstates and
 * revokes, each with its reason, and every change is a version.
 */
describe('licences: filed by the enterprise, verified by the issuer', () => {
  let t: TestApp;
  let emergency: string;
  let police: string;
  let transport: string;
  let ethanol: string;
  beforeAll(async () => {
    t = await createTestApp();
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string; // class 3
  });
  afterAll(() => t.close());

  const producer = async (): Promise<{ id: string; key: string; facilityId: string }> => {
    const id = (await makeEnterprise(t, { roles: ['producer', 'storer'] })).id as string;
    const f = await makeFacility(t, id, { capacities: [{ unClass: '3', maxKg: 1_000_000 }] });
    return { id, key: await t.mintKey({ principal: 'enterprise', enterpriseId: id }), facilityId: f.id as string };
  };
  const fileLicence = (e: { id: string; key: string }, over: Json = {}) =>
    t
      .http()
      .post(`/v1/enterprises/${e.id}/licences`)
      .set(...bearer(e.key))
      .send({
        kind: 'safety_production',
        number: `苏WH安许证字[${Math.random().toString(36).slice(2, 8)}]`,
        issuer: '江苏省应急管理厅',
        validFrom: '2024-01-01',
        validTo: yearsFromNow(3),
        scope: { classes: ['3'] },
        documents: ['scan:2026-12-0001'],
        ...over,
      });
  const mayProduce = async (enterpriseId: string): Promise<{ allowed: boolean; codes: string[] }> => {
    const res = await t
      .http()
      .get(`/v1/enterprises/${enterpriseId}/authorization`)
      .query({ activity: 'produce', chemicalId: ethanol })
      .set(...bearer(police));
    expect(res.status).toBe(200);
    return { allowed: res.body.allowed, codes: res.body.reasons.map((r: Json) => r.code).sort() };
  };
  const produce = (e: { key: string; facilityId: string }) =>
    t
      .http()
      .post('/v1/movements')
      .set(...bearer(e.key))
      .send({
        operation: 'produce',
        facilityId: e.facilityId,
        chemicalId: ethanol,
        lotNumber: `L${Math.random().toString(36).slice(2, 10)}`,
        quantity: { value: 100, unit: 'kg' },
        occurredAt: new Date().toISOString(),
      });
  const setStatus = (key: string, enterpriseId: string, licenceId: string, body: Json) =>
    t
      .http()
      .put(`/v1/enterprises/${enterpriseId}/licences/${licenceId}/status`)
      .set(...bearer(key))
      .send(body);

  it('files → pending and refused; the issuer verifies → allowed; suspends → refused; filing again → pending, still refused', async () => {
    const e = await producer();
    const filed = await fileLicence(e);
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'pending', issuingAgency: 'emergency', inForce: false, version: 1 });
    expect(await mayProduce(e.id)).toEqual({ allowed: false, codes: ['LICENCE_PENDING'] });
    expect((await produce(e)).status).toBe(422);

    // The filing waits in emergency management's work queue, not in police's.
    const queue = await t
      .http()
      .get('/v1/filings')
      .query({ status: 'pending', enterpriseId: e.id })
      .set(...bearer(emergency));
    expect(queue.body.items).toHaveLength(1);
    expect(queue.body.items[0]).toMatchObject({ kind: 'licence', agency: 'emergency', subjectId: filed.body.id });
    const policeQueue = await t
      .http()
      .get('/v1/filings')
      .query({ enterpriseId: e.id })
      .set(...bearer(police));
    expect(policeQueue.body.items).toEqual([]);

    const verified = await t
      .http()
      .post(`/v1/filings/${queue.body.items[0].id}/confirm`)
      .set(...bearer(emergency))
      .send({ reason: '核对原件无误' });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('confirmed');
    expect(await mayProduce(e.id)).toEqual({ allowed: true, codes: [] });
    expect((await produce(e)).status).toBe(201);

    expect((await setStatus(emergency, e.id, filed.body.id, { status: 'suspended' })).status).toBe(422);
    const suspended = await setStatus(emergency, e.id, filed.body.id, { status: 'suspended', reason: '停产整顿' });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', statusReason: '停产整顿', version: 3 });
    expect(await mayProduce(e.id)).toEqual({ allowed: false, codes: ['LICENCE_SUSPENDED'] });

    // The enterprise records a new licence for itself: it is a claim, and production stays refused.
    const again = await fileLicence(e);
    expect(again.status).toBe(201);
    expect(again.body.status).toBe('pending');
    expect(await mayProduce(e.id)).toEqual({ allowed: false, codes: ['LICENCE_PENDING', 'LICENCE_SUSPENDED'] });
    const refused = await produce(e);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((x: Json) => x.rule).sort()).toEqual(['LICENCE_PENDING', 'LICENCE_SUSPENDED']);

    const history = await t
      .http()
      .get(`/v1/licences/${filed.body.id}/history`)
      .set(...bearer(e.key));
    expect(history.status).toBe(200);
    expect(history.body.map((v: Json) => [v.version, v.change, v.status, v.reason])).toEqual([
      [1, 'filed', 'pending', null],
      [2, 'verified', 'verified', '核对原件无误'],
      [3, 'suspended', 'suspended', '停产整顿'],
    ]);
    expect(history.body[0].changedBy).toBe(`enterprise ${e.id}`);
    expect(history.body[2].changedBy).toBe('agency emergency');
  });

  it('lets only the issuing agency or admin decide: another agency and the holder are refused', async () => {
    const e = await producer();
    const filed = await fileLicence(e);
    const [filing] = (
      await t
        .http()
        .get('/v1/filings')
        .query({ subjectId: filed.body.id })
        .set(...bearer(e.key))
    ).body.items;
    const byPolice = await setStatus(police, e.id, filed.body.id, { status: 'verified' });
    expect(byPolice.status).toBe(403);
    expect(byPolice.body.code).toBe('NOT_THE_ISSUER');
    // Another agency does not even see the item; the holder may not confirm its own claim.
    expect(
      (
        await t
          .http()
          .post(`/v1/filings/${filing.id}/confirm`)
          .set(...bearer(transport))
          .send({})
      ).status,
    ).toBe(404);
    expect(
      (
        await t
          .http()
          .post(`/v1/filings/${filing.id}/confirm`)
          .set(...bearer(e.key))
          .send({})
      ).status,
    ).toBe(403);
    expect((await setStatus(e.key, e.id, filed.body.id, { status: 'verified' })).status).toBe(403);
    expect(await mayProduce(e.id)).toEqual({ allowed: false, codes: ['LICENCE_PENDING'] });

    // A refusal keeps its reason for the filer; the licence stays out of force.
    const refused = await t
      .http()
      .post(`/v1/filings/${filing.id}/refuse`)
      .set(...bearer(emergency))
      .send({ reason: '许可证编号不存在' });
    expect(refused.status).toBe(200);
    const seen = await t
      .http()
      .get(`/v1/licences/${filed.body.id}`)
      .set(...bearer(e.key));
    expect(seen.body).toMatchObject({ status: 'refused', statusReason: '许可证编号不存在', inForce: false });
    expect(await mayProduce(e.id)).toEqual({ allowed: false, codes: ['LICENCE_REFUSED'] });
    // A decided filing is not decided twice.
    const twice = await t
      .http()
      .post(`/v1/filings/${filing.id}/confirm`)
      .set(...bearer(emergency))
      .send({});
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('FILING_DECIDED');
  });

  it('records what the issuing agency asserts at once, and refuses an agency recording what it does not issue', async () => {
    const e = await producer();
    const byIssuer = await t
      .http()
      .post(`/v1/enterprises/${e.id}/licences`)
      .set(...bearer(emergency))
      .send({
        kind: 'safety_production',
        number: '(苏)WH安许证字[E-001]',
        issuer: '江苏省应急管理厅',
        validFrom: '2024-01-01',
        validTo: yearsFromNow(3),
        scope: { classes: ['3'] },
      });
    expect(byIssuer.status).toBe(201);
    expect(byIssuer.body).toMatchObject({ status: 'verified', inForce: true });
    expect(await mayProduce(e.id)).toEqual({ allowed: true, codes: [] });
    const notIssuer = await t
      .http()
      .post(`/v1/enterprises/${e.id}/licences`)
      .set(...bearer(transport))
      .send({
        kind: 'safety_production',
        number: '(苏)WH安许证字[E-002]',
        issuer: '江苏省应急管理厅',
        validFrom: '2024-01-01',
        validTo: yearsFromNow(3),
        scope: { classes: ['3'] },
      });
    expect(notIssuer.status).toBe(403);
    expect(notIssuer.body.code).toBe('NOT_THE_ISSUER');
  });

  it('imports an agency’s register as verified and an enterprise’s as pending, each row checked against the issuer', async () => {
    const e = await producer();
    const creditCode = (
      await t
        .http()
        .get(`/v1/enterprises/${e.id}`)
        .set(...bearer(t.adminKey))
    ).body.creditCode;
    const csv = [
      'enterpriseCreditCode,kind,number,issuer,validFrom,validTo,scopeClasses',
      `${creditCode},safety_production,(苏)WH安许证字[IMP-1],江苏省应急管理厅,2024-01-01,${yearsFromNow(3)},3`,
      `${creditCode},road_transport,苏交运管许可锡字[IMP-2],无锡市交通运输局,2024-01-01,${yearsFromNow(3)},3`,
    ].join('\n');
    const imported = await t
      .http()
      .post('/v1/import/licences')
      .set(...bearer(emergency))
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ total: 2, imported: 1, failed: 1 });
    expect(imported.body.rows[0].errors[0]).toMatchObject({ path: 'kind', rule: 'NOT_THE_ISSUER' });
    const mine = await t
      .http()
      .get(`/v1/enterprises/${e.id}/licences`)
      .set(...bearer(e.key));
    expect(mine.body.items.map((l: Json) => [l.kind, l.status])).toEqual([['safety_production', 'verified']]);

    const own = await t
      .http()
      .post('/v1/import/licences')
      .set(...bearer(e.key))
      .send([
        {
          kind: 'business',
          number: '苏(锡)危化经字[IMP-3]',
          issuer: '无锡市应急管理局',
          validFrom: '2024-01-01',
          validTo: yearsFromNow(3),
          scope: { classes: ['3'] },
        },
      ]);
    expect(own.body).toMatchObject({ imported: 1, failed: 0 });
    const business = (
      await t
        .http()
        .get(`/v1/enterprises/${e.id}/licences?kind=business`)
        .set(...bearer(e.key))
    ).body.items[0];
    expect(business.status).toBe('pending');
  });

  it('pages an agency’s work queue oldest first and filters it by kind and enterprise', async () => {
    const e = await producer();
    for (let i = 0; i < 3; i++) expect((await fileLicence(e)).status).toBe(201);
    const first = await t
      .http()
      .get('/v1/filings')
      .query({ status: 'pending', kind: 'licence', enterpriseId: e.id, limit: 2 })
      .set(...bearer(emergency));
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t
      .http()
      .get('/v1/filings')
      .query({ status: 'pending', kind: 'licence', enterpriseId: e.id, limit: 2, cursor: first.body.nextCursor })
      .set(...bearer(emergency));
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const filedAt = [...first.body.items, ...second.body.items].map((f: Json) => f.filedAt);
    expect([...filedAt].sort()).toEqual(filedAt);
    // Another enterprise reads only its own filings.
    const other = await producer();
    const peek = await t
      .http()
      .get('/v1/filings')
      .query({ enterpriseId: e.id })
      .set(...bearer(other.key));
    expect(peek.body.items).toEqual([]);
  });

  it('keeps a licence number unique among what issuers asserted, without letting a filing block the real holder', async () => {
    const victim = await producer();
    const squatter = await producer();
    const number = '(苏)WH安许证字[SQ-1]';
    // A squatter's filing of someone else's number proves nothing and blocks nothing.
    expect((await fileLicence(squatter, { number })).status).toBe(201);
    await makeLicence(t, victim.id, { number, scope: { classes: ['3'] } });
    expect(await mayProduce(victim.id)).toEqual({ allowed: true, codes: [] });
    expect(await mayProduce(squatter.id)).toEqual({ allowed: false, codes: ['LICENCE_PENDING'] });
    const [filing] = (
      await t
        .http()
        .get('/v1/filings')
        .query({ enterpriseId: squatter.id, status: 'pending' })
        .set(...bearer(emergency))
    ).body.items;
    const confirm = await t
      .http()
      .post(`/v1/filings/${filing.id}/confirm`)
      .set(...bearer(emergency))
      .send({});
    expect(confirm.status).toBe(409);
    expect(confirm.body.code).toBe('LICENCE_NUMBER_TAKEN');
  });
});
