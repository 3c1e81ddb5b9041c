import { citizenId, creditCode, makeEnterprise, plate } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/** Real valid and invalid identifiers through the API: each refusal is a 400 naming the field and the rule. */
describe('identifier validation at the API', () => {
  let t: TestApp;
  let carrierId: string;
  beforeAll(async () => {
    t = await createTestApp();
    carrierId = (await makeEnterprise(t)).id as string;
  });
  afterAll(() => t.close());

  const count = async (table: string): Promise<number> =>
    Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

  const enterprise = (code: string) =>
    t
      .http()
      .post('/v1/enterprises')
      .set(...bearer(t.adminKey))
      .send({
        creditCode: code,
        name: '无锡某化工有限公司',
        roles: ['user'],
        district: '惠山',
        address: '无锡市惠山区',
      });

  it.each(['91350100M000100Y43', '914403001922038216', '9135020026015919XW'])(
    'accepts credit code %s',
    async (code) => {
      expect((await enterprise(code)).status).toBe(201);
    },
  );

  it.each([
    ['91350100M000100Y44', 'check character must be 3'],
    ['91350211M00013FA1N', 'check character must be'],
    ['9135010OM000100Y43', 'other than I, O'],
    ['91350100M000100Y4', '18 characters'],
  ])('refuses credit code %s', async (code, why) => {
    const before = await count('enterprises');
    const res = await enterprise(code);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'creditCode', rule: 'creditCode', message: expect.stringContaining(why) }),
    ]);
    expect(await count('enterprises')).toBe(before);
  });

  it('answers 409 naming the field for a credit code registered twice', async () => {
    const code = creditCode();
    expect((await enterprise(code)).status).toBe(201);
    const again = await enterprise(code);
    expect(again.status).toBe(409);
    expect(again.body.field).toBe('creditCode');
  });

  const person = (idNumber: string) =>
    t
      .http()
      .post('/v1/personnel')
      .set(...bearer(t.adminKey))
      .send({
        name: '张三',
        idNumber,
        role: 'escort',
        employerId: carrierId,
        qualificationKind: 'dg_escort',
        qualificationNumber: 'Q1',
        qualificationExpiry: '2028-01-01',
      });

  it('accepts the citizen id examples of GB 11643 and refuses bad ones', async () => {
    expect((await person('11010519491231002X')).status).toBe(201);
    for (const [id, why] of [
      ['110105194912310021', 'check character must be X'],
      ['11010519491331002X', 'real birth date'],
      ['1101051949123100', '17 digits'],
    ]) {
      const res = await person(id!);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ path: 'idNumber', rule: 'citizenId', message: expect.stringContaining(why!) }),
      ]);
    }
    // The refusal never echoes the number back.
    expect(JSON.stringify((await person('110105194912310021')).body)).not.toContain('110105194912310021');
  });

  const vehicle = (body: Record<string, unknown>) =>
    t
      .http()
      .post('/v1/vehicles')
      .set(...bearer(t.adminKey))
      .send({ carrierId, permittedClasses: ['3'], approvedLoadKg: 20000, tankVolumeM3: 20, ...body });

  it('checks plates against the vehicle kind', async () => {
    expect((await vehicle({ kind: 'tanker', plate: plate() })).status).toBe(201);
    expect((await vehicle({ kind: 'trailer', plate: plate(true) })).status).toBe(201);
    for (const [kind, p] of [
      ['tanker', '苏BI2345'],
      ['tanker', '苏B1234挂'],
      ['trailer', '苏B12345'],
      ['van', 'B12345'],
    ]) {
      const res = await vehicle({ kind, plate: p });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'plate', rule: 'plate' })]);
    }
  });

  it('checks CAS numbers', async () => {
    const res = await t
      .http()
      .post('/v1/chemicals')
      .set(...bearer(t.adminKey))
      .send({ cas: '64-17-6', nameZh: '乙醇' });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'cas', rule: 'cas', message: 'cas check digit must be 5' }),
    ]);
  });

  it('normalises terminal ids and refuses one fitted twice', async () => {
    const first = await vehicle({ kind: 'tanker', plate: plate(), terminalId: '13912340000' });
    expect(first.body.terminalId).toBe('013912340000');
    const second = await vehicle({ kind: 'tanker', plate: plate(), terminalId: '013912340000' });
    expect(second.status).toBe(422);
    expect(second.body.errors).toEqual([expect.objectContaining({ path: 'terminalId', rule: 'DUPLICATE' })]);
  });

  it('names every bad nested field at once', async () => {
    const res = await t
      .http()
      .post('/v1/enterprises')
      .set(...bearer(t.adminKey))
      .send({
        creditCode: 'x',
        name: '',
        roles: ['pirate'],
        district: '上海',
        address: 'a',
        contacts: [{ name: 'a', phone: '123' }],
      });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'contacts[0].phone',
      'creditCode',
      'district',
      'name',
      'roles',
    ]);
    expect(citizenId()).toMatch(/^\d{17}[\dX]$/);
  });
});
