import { citizenId, creditCode, makeEnterprise, plate, terminalId } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/** Bulk import: every bad row is reported by line with its reasons; atomic imports land nothing. */
describe('bulk import', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const count = async (table: string): Promise<number> =>
    Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

  /** 1,000 enterprise rows as CSV; rows 100, 500 and 900 (lines 101, 501, 901) are bad. */
  function enterprisesCsv(): { csv: string; badLines: number[] } {
    const lines = ['creditCode,name,roles,district,address,contactName,contactPhone'];
    for (let i = 1; i <= 1000; i++) {
      let code = creditCode();
      let district = '新吴';
      let roles = 'producer;storer';
      if (i === 100) code = `${code.slice(0, 17)}${code[17] === '0' ? '1' : '0'}`; // wrong check character
      if (i === 500) district = '上海';
      if (i === 900) roles = 'producer;smuggler';
      lines.push(`${code},"无锡批量化工有限公司 ${i}",${roles},${district},"无锡市新吴区, ${i} 号",张三,13912345678`);
    }
    return { csv: `${lines.join('\n')}\n`, badLines: [101, 501, 901] };
  }

  it('atomic: refuses 1,000 rows with 3 bad ones, naming their lines and reasons, storing nothing', async () => {
    const { csv, badLines } = enterprisesCsv();
    const before = await count('enterprises');
    const res = await t
      .http()
      .post('/v1/import/enterprises?atomic=true')
      .set(...bearer(t.adminKey))
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ code: 'IMPORT_REJECTED', total: 1000, failed: 3, imported: 0 });
    expect(res.body.rows.map((r: { line: number }) => r.line)).toEqual(badLines);
    expect(
      res.body.rows.map(
        (r: { errors: Array<{ path: string; rule: string }> }) => `${r.errors[0]!.path}:${r.errors[0]!.rule}`,
      ),
    ).toEqual(['creditCode:creditCode', 'district:isIn', 'roles:isIn']);
    expect(await count('enterprises')).toBe(before);
  });

  it('non-atomic: lands the 997 good rows and reports the 3 bad ones', async () => {
    const { csv, badLines } = enterprisesCsv();
    const before = await count('enterprises');
    const res = await t
      .http()
      .post('/v1/import/enterprises')
      .set(...bearer(t.adminKey))
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1000, imported: 997, failed: 3 });
    expect(res.body.rows.map((r: { line: number }) => r.line)).toEqual(badLines);
    expect(await count('enterprises')).toBe(before + 997);
    const sample = await t.db.query<{ contacts: unknown; roles: string[] }>(
      `SELECT contacts, roles FROM enterprises WHERE name = '无锡批量化工有限公司 7'`,
    );
    expect(sample[0]).toEqual({ contacts: [{ name: '张三', phone: '13912345678' }], roles: ['producer', 'storer'] });
  });

  it('finds duplicates within the file and against the database', async () => {
    const existing = (await makeEnterprise(t)).creditCode as string;
    const twice = creditCode();
    const rows = [existing, twice, twice].map((c, i) => ({
      creditCode: c,
      name: `重复 ${i}`,
      roles: ['user'],
      district: '锡山',
      address: 'x',
    }));
    const res = await t
      .http()
      .post('/v1/import/enterprises')
      .set(...bearer(t.adminKey))
      .send(rows);
    expect(res.body.rows).toEqual([
      { line: 1, errors: [expect.objectContaining({ path: 'creditCode', rule: 'DUPLICATE' })] },
      {
        line: 3,
        errors: [
          expect.objectContaining({
            path: 'creditCode',
            rule: 'DUPLICATE_IN_FILE',
            message: 'creditCode repeats line 2',
          }),
        ],
      },
    ]);
    expect(res.body.imported).toBe(1);
  });

  it('imports vehicles and personnel by carrier credit code, a carrier only its own', async () => {
    const carrier = await makeEnterprise(t, { roles: ['carrier'] });
    const other = await makeEnterprise(t, { roles: ['carrier'] });
    const key = await t.mintKey({ principal: 'enterprise', enterpriseId: carrier.id as string });
    const vehicles = [
      'plate,kind,carrierCreditCode,permittedClasses,tankVolumeM3,approvedLoadKg,terminalId',
      `${plate()},tanker,${carrier.creditCode as string},2.3;8,24.5,30000,${terminalId()}`,
      `${plate()},tanker,${other.creditCode as string},3,20,20000,`,
      `${plate()},tanker,91000000000000000X,3,20,20000,`,
      `${plate()},tanker,${carrier.creditCode as string},3,twenty,20000,`,
    ].join('\n');
    const res = await t
      .http()
      .post('/v1/import/vehicles')
      .set(...bearer(key))
      .set('Content-Type', 'text/csv')
      .send(vehicles);
    expect(res.body.imported).toBe(1);
    expect(
      res.body.rows.map((r: { line: number; errors: Array<{ rule: string }> }) => [r.line, r.errors[0]!.rule]),
    ).toEqual([
      [3, 'NOT_YOURS'],
      [4, 'REFERENCE_NOT_FOUND'],
      [5, 'isNumber'],
    ]);
    const people = `name,idNumber,role,qualificationKind,qualificationNumber,qualificationExpiry\n王五,${citizenId()},driver,dg_driver,Q-1,2028-01-01\n赵六,320202198503121230,escort,dg_escort,Q-2,2028-01-01\n`;
    const p = await t
      .http()
      .post('/v1/import/personnel')
      .set(...bearer(key))
      .set('Content-Type', 'text/csv')
      .send(people);
    expect(p.body).toMatchObject({ imported: 1, failed: 1 });
    expect(p.body.rows[0]).toMatchObject({
      line: 3,
      errors: [expect.objectContaining({ path: 'idNumber', rule: 'citizenId' })],
    });
    expect(JSON.stringify(p.body)).not.toContain('320202198503121230');
    expect(
      (
        await t
          .http()
          .post('/v1/import/enterprises')
          .set(...bearer(key))
          .send([])
      ).status,
    ).toBe(403);
  });

  it('refuses malformed CSV with the line, and an unknown kind', async () => {
    const res = await t
      .http()
      .post('/v1/import/chemicals')
      .set(...bearer(t.adminKey))
      .set('Content-Type', 'text/csv')
      .send('cas,nameZh\n7782-50-5\n');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'CSV_MALFORMED', line: 2 });
    expect(
      (
        await t
          .http()
          .post('/v1/import/spaceships')
          .set(...bearer(t.adminKey))
          .send([])
      ).status,
    ).toBe(400);
  });
});
