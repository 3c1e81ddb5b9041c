import { makeEnterprise, makeFacility, makePerson, makeVehicle } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/** Enterprises see and change only their own records; personal data is masked for everyone else. */
describe('registry access and masking', () => {
  let t: TestApp;
  let a: string;
  let b: string;
  let keyA: string;
  let keyB: string;
  let police: string;
  let transport: string;
  let person: Record<string, unknown>;
  beforeAll(async () => {
    t = await createTestApp();
    a = (await makeEnterprise(t)).id as string;
    b = (await makeEnterprise(t)).id as string;
    keyA = await t.mintKey({ principal: 'enterprise', enterpriseId: a });
    keyB = await t.mintKey({ principal: 'enterprise', enterpriseId: b });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    person = await makePerson(t, a, { phone: '13987654321' });
  });
  afterAll(() => t.close());

  it('shows id number and phone in full to the employer and admin; to an agency as its sharing policy shows crew', async () => {
    const idNumber = person.idNumber as string;
    const read = async (key: string) =>
      t
        .http()
        .get(`/v1/personnel/${person.id as string}`)
        .set(...bearer(key));
    expect((await read(keyA)).body).toMatchObject({ idNumber, phone: '13987654321', masked: false });
    expect((await read(t.adminKey)).body).toMatchObject({ idNumber, phone: '13987654321', masked: false });
    // The default policy: police gets the crew in clear, transport their phones only.
    expect((await read(police)).body).toMatchObject({ idNumber, phone: '13987654321', masked: false });
    expect((await read(transport)).body).toMatchObject({
      idNumber: `${idNumber.slice(0, 3)}${'*'.repeat(11)}${idNumber.slice(-4)}`,
      phone: '13987654321',
      masked: true,
    });
    const list = await t
      .http()
      .get('/v1/personnel?limit=500')
      .set(...bearer(transport));
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(idNumber);
  });

  it('masks enterprise contact phones for agencies but not for the enterprise itself', async () => {
    expect(
      (
        await t
          .http()
          .get(`/v1/enterprises/${a}`)
          .set(...bearer(police))
      ).body.contacts[0].phone,
    ).toBe('139****5678');
    expect(
      (
        await t
          .http()
          .get(`/v1/enterprises/${a}`)
          .set(...bearer(keyA))
      ).body.contacts[0].phone,
    ).toBe('13912345678');
  });

  it("answers 404, never data, for another enterprise's records", async () => {
    const vehicle = await makeVehicle(t, a);
    const facility = await makeFacility(t, a);
    for (const path of [
      `/v1/enterprises/${a}`,
      `/v1/personnel/${person.id as string}`,
      `/v1/vehicles/${vehicle.id as string}`,
      `/v1/facilities/${facility.id as string}`,
      `/v1/enterprises/${a}/licences`,
      `/v1/enterprises/${a}/credit-history`,
    ]) {
      const res = await t
        .http()
        .get(path)
        .set(...bearer(keyB));
      expect([path, res.status]).toEqual([path, 404]);
      expect(JSON.stringify(res.body)).not.toContain(person.idNumber as string);
    }
    const lists = await Promise.all(
      ['/v1/personnel', '/v1/vehicles', '/v1/facilities', '/v1/enterprises'].map((p) =>
        t
          .http()
          .get(`${p}?limit=500`)
          .set(...bearer(keyB)),
      ),
    );
    for (const l of lists) expect(JSON.stringify(l.body)).not.toContain(a);
    expect(
      (
        await t
          .http()
          .get(`/v1/vehicles?carrierId=${a}`)
          .set(...bearer(keyB))
      ).body.items,
    ).toEqual([]);
  });

  it("refuses writes to another enterprise's records and writes by agencies", async () => {
    const vehicle = await makeVehicle(t, a);
    expect(
      (
        await t
          .http()
          .patch(`/v1/vehicles/${vehicle.id as string}`)
          .set(...bearer(keyB))
          .send({ status: 'retired' })
      ).status,
    ).toBe(404);
    expect(
      (
        await t
          .http()
          .patch(`/v1/vehicles/${vehicle.id as string}`)
          .set(...bearer(police))
          .send({ status: 'retired' })
      ).status,
    ).toBe(403);
    expect(
      (
        await t
          .http()
          .post('/v1/personnel')
          .set(...bearer(keyB))
          .send({
            ...person,
            id: undefined,
            masked: undefined,
            status: undefined,
            pendingChanges: undefined,
            employerId: a,
          })
      ).status,
    ).toBe(404);
    const ownCreate = await t
      .http()
      .post('/v1/vehicles')
      .set(...bearer(keyB))
      .send({ kind: 'van', plate: '苏B7Z123', permittedClasses: ['3'], approvedLoadKg: 8000 });
    expect(ownCreate.status).toBe(201);
    expect(ownCreate.body.carrierId).toBe(b);
  });

  it('lets an enterprise change its own contacts, and only file its roles and district for emergency management', async () => {
    const ok = await t
      .http()
      .patch(`/v1/enterprises/${a}`)
      .set(...bearer(keyA))
      .send({ address: '无锡市新吴区新地址 2 号' });
    expect(ok.body.address).toBe('无锡市新吴区新地址 2 号');
    const no = await t
      .http()
      .patch(`/v1/enterprises/${a}`)
      .set(...bearer(keyA))
      .send({ roles: ['producer'], district: '江阴' });
    expect(no.status).toBe(202);
    expect(no.body.district).not.toBe('江阴');
    expect(no.body.roles).not.toEqual(['producer']);
    expect(no.body.pendingChanges).toEqual([
      expect.objectContaining({ kind: 'enterprise.registration', agency: 'emergency' }),
    ]);
    expect(
      (
        await t
          .http()
          .put(`/v1/enterprises/${a}/credit-status`)
          .set(...bearer(keyA))
          .send({ status: 'normal' })
      ).status,
    ).toBe(403);
  });

  it('requires a reason to blacklist and keeps the credit history', async () => {
    const noReason = await t
      .http()
      .put(`/v1/enterprises/${b}/credit-status`)
      .set(...bearer(t.adminKey))
      .send({ status: 'blacklisted' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('reason');
    await t
      .http()
      .put(`/v1/enterprises/${b}/credit-status`)
      .set(...bearer(t.adminKey))
      .send({ status: 'warned', reason: '资料过期' });
    await t
      .http()
      .put(`/v1/enterprises/${b}/credit-status`)
      .set(...bearer(t.adminKey))
      .send({ status: 'blacklisted', reason: '违规运输' });
    const read = (
      await t
        .http()
        .get(`/v1/enterprises/${b}`)
        .set(...bearer(keyB))
    ).body;
    expect(read).toMatchObject({ creditStatus: 'blacklisted', creditReason: '违规运输' });
    const history = (
      await t
        .http()
        .get(`/v1/enterprises/${b}/credit-history`)
        .set(...bearer(police))
    ).body;
    expect(history.map((h: { status: string }) => h.status)).toEqual(['warned', 'blacklisted']);
  });

  it('refuses a person whose qualification does not fit the role, or whose employer is not a carrier', async () => {
    const shop = (await makeEnterprise(t, { roles: ['trader'] })).id as string;
    const res = await t
      .http()
      .post('/v1/personnel')
      .set(...bearer(t.adminKey))
      .send({
        name: '赵六',
        idNumber: '32020219850312123X',
        role: 'escort',
        employerId: shop,
        qualificationKind: 'dg_driver',
        qualificationNumber: 'Q',
        qualificationExpiry: '2028-01-01',
      });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { rule: string }) => e.rule).sort()).toEqual([
      'NOT_A_CARRIER',
      'QUALIFICATION_ROLE',
    ]);
  });
});
