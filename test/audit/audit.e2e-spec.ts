import { JobName } from '@lib/platform';
import { chemicalByCas, makeFacility } from '../support/factories.js';
import { party, PRODUCTION_LICENCE, recorded, type Party } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { post } from '../support/waybill.js';

type Json = Record<string, unknown>;
const hoursAgo = (h: number): string => new Date(Date.now() - h * 3600_000).toISOString();

/**
 * Inventory audits on the real database and queue: declared, counted and ledger stock reconciled
 * (a 3% difference is a finding; a count settled by an adjust movement clears it); GB 18218 on
 * design quantities (a unit for 6 t of chlorine is a major hazard, coloured on the risk map) and
 * on actual peak stock (one declared for 3 t that held 5.5 t is flagged); audit runs with progress
 * and exports; supervision orders.
 */
describe('inventory audits', () => {
  let t: TestApp;
  let emergency: string;
  let a: Party;
  let methanol: string;
  let chlorine: string;
  let chlorineUnit = '';
  let wrongUnit = '';
  let lotId = '';

  beforeAll(async () => {
    t = await createTestApp();
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    methanol = (await chemicalByCas(t, '67-56-1')).id as string;
    chlorine = (await chemicalByCas(t, '7782-50-5')).id as string;
    a = await party(t, {
      roles: ['producer', 'storer'],
      district: '惠山',
      licences: [PRODUCTION_LICENCE],
      capacities: [{ chemicalId: methanol, maxKg: 2000 }],
    });
    const [made] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: methanol,
      lotNumber: 'M-2026-11',
      quantity: { value: 1000, unit: 'kg' },
      occurredAt: hoursAgo(48),
    });
    lotId = made!.lotId as string;
  });
  afterAll(() => t.close());

  const audit = async (facilityId: string, key = emergency): Promise<Json> => {
    const res = await t
      .http()
      .get(`/v1/facilities/${facilityId}/audit`)
      .set(...bearer(key));
    expect(res.status).toBe(200);
    return res.body as Json;
  };

  it('finds a declaration 3% off the ledger, and a count settled by an adjust movement clears it', async () => {
    const declared = await post(t, a.key, '/v1/declarations', {
      facilityId: a.facilityId,
      asOf: hoursAgo(2),
      period: '2026-11',
      lines: [{ chemicalId: methanol, quantity: { value: 0.97, unit: 't' } }],
    });
    expect(declared.status).toBe(201);
    expect(declared.body[0]).toMatchObject({ quantityKg: 970, original: { value: 0.97, unit: 't' } });
    let got = await audit(a.facilityId);
    expect(got.findings).toEqual([
      expect.objectContaining({
        kind: 'DECLARATION_MISMATCH',
        chemicalId: methanol,
        ledgerKg: 1000,
        recordedKg: 970,
        differenceKg: -30,
        differencePct: -3,
        toleranceKg: 10,
      }),
    ]);
    // 0.5% off is within the tolerance (1% of 1,000 kg = 10 kg): a corrected declaration is no finding.
    const corrected = await post(t, a.key, '/v1/declarations', {
      facilityId: a.facilityId,
      asOf: hoursAgo(2),
      correctsId: declared.body[0].id,
      lines: [{ chemicalId: methanol, quantity: { value: 995, unit: 'kg' } }],
    });
    expect(corrected.status).toBe(201);
    expect((await audit(a.facilityId)).findings).toEqual([]);

    // The inspector counts 970 kg: the book is wrong.
    const counted = await post(t, emergency, '/v1/counts', {
      facilityId: a.facilityId,
      countedAt: hoursAgo(1),
      inspector: '张检查',
      inspectionRef: '锡应急检〔2026〕88号',
      photos: ['att://inspections/88/tank-1.jpg'],
      lines: [{ chemicalId: methanol, quantity: { value: 970, unit: 'kg' } }],
    });
    expect(counted.status).toBe(201);
    const countId = counted.body[0].id as string;
    got = await audit(a.facilityId);
    // (The corrected declaration, 995 kg, is 5 kg off: within the tolerance.)
    expect(got.findings).toEqual([
      expect.objectContaining({ kind: 'COUNT_MISMATCH', recordId: countId, ledgerKg: 1000, differenceKg: -30 }),
    ]);
    await recorded(t, a.key, {
      operation: 'adjust',
      facilityId: a.facilityId,
      chemicalId: methanol,
      lotId,
      direction: 'decrease',
      reason: '盘点短少，按检查记录调整',
      countId,
      quantity: { value: 30, unit: 'kg' },
      occurredAt: hoursAgo(1),
    });
    got = await audit(a.facilityId);
    expect(got.findings).toEqual([
      expect.objectContaining({ kind: 'DECLARATION_MISMATCH', recordedKg: 995, ledgerKg: 970, differenceKg: 25 }),
    ]);
    const line = (got.lines as Json[])[0]!;
    expect(line).toMatchObject({ ledgerKg: 970, counted: expect.objectContaining({ kg: 970, settled: true }) });
  });

  it('identifies a storage unit for 6 t of chlorine as a major hazard source, every term shown, coloured on the risk map', async () => {
    chlorineUnit = (
      await makeFacility(t, a.enterpriseId, {
        name: '液氯储罐区',
        district: '惠山',
        hazardUnitKind: 'storage_unit',
        capacities: [{ chemicalId: chlorine, maxKg: 6000 }],
        peopleWithin500m: 0,
      })
    ).id as string;
    const got = await audit(chlorineUnit);
    const design = got.design as Json;
    // S = 6/5 = 1.2 ≥ 1; α = 0.5 (0 people); R = 0.5 × 4 × 1.2 = 2.4 → 四级.
    expect(design.terms).toEqual([expect.objectContaining({ chemicalId: chlorine, q: 6, Q: 5, ratio: 1.2, beta: 4 })]);
    expect(design).toMatchObject({ S: 1.2, major: true, alpha: 0.5, grade: 4 });
    expect(design.R as number).toBeCloseTo(2.4, 10);
    expect(got).toMatchObject({ grade: 4, colour: 'blue', flags: [] });

    const map = (
      await t
        .http()
        .get('/v1/risk-map?district=惠山')
        .set(...bearer(emergency))
    ).body as { type: string; features: Json[] };
    expect(map.type).toBe('FeatureCollection');
    const byId = new Map(map.features.map((f) => [f.id, f.properties as Json]));
    expect(byId.get(chlorineUnit)).toMatchObject({ grade: 4, colour: 'blue', S: 1.2 });
    expect(byId.get(a.facilityId)).toMatchObject({ grade: null, colour: 'grey' });
    expect(map.features.every((f) => (f.properties as Json).district === '惠山')).toBe(true);
  });

  it('flags a unit declared for 3 t of chlorine that held 5.5 t by the ledger', async () => {
    wrongUnit = (
      await makeFacility(t, a.enterpriseId, {
        name: '液氯钢瓶库',
        district: '惠山',
        hazardUnitKind: 'storage_unit',
        capacities: [{ chemicalId: chlorine, maxKg: 6000 }],
        peopleWithin500m: 40,
      })
    ).id as string;
    const [made] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: wrongUnit,
      chemicalId: chlorine,
      lotNumber: 'CL-2026-10',
      quantity: { value: 5.5, unit: 't' },
      occurredAt: hoursAgo(60),
    });
    await recorded(t, a.key, {
      operation: 'use',
      facilityId: wrongUnit,
      chemicalId: chlorine,
      lotId: made!.lotId,
      quantity: { value: 3, unit: 't' },
      occurredAt: hoursAgo(40),
    });
    // The enterprise then declares the unit for 3 t.
    const patched = await t
      .http()
      .patch(`/v1/facilities/${wrongUnit}`)
      .set(...bearer(t.adminKey))
      .send({ capacities: [{ chemicalId: chlorine, maxKg: 3000 }] });
    expect(patched.status).toBe(200);

    const got = await audit(wrongUnit);
    expect(got.design).toMatchObject({ S: 0.6, major: false, grade: null });
    // Actual: 5.5/5 = 1.1 ≥ 1; α 1.2 (30–49 people); R = 1.2 × 4 × 1.1 = 5.28 → 四级.
    expect((got.actual as Json).terms).toEqual([expect.objectContaining({ q: 5.5, Q: 5, beta: 4 })]);
    expect((got.actual as Json).S as number).toBeCloseTo(1.1, 10);
    expect((got.actual as Json).R as number).toBeCloseTo(5.28, 10);
    expect((got.flags as Json[]).map((f) => f.kind).sort()).toEqual(['PEAK_EXCEEDS_DESIGN', 'UNDECLARED_MAJOR_HAZARD']);
    expect(got).toMatchObject({ grade: 4, colour: 'blue' });
    expect((got.lines as Json[])[0]).toMatchObject({ ledgerKg: 2500 });
  });

  it('counts process conditions only once emergency management confirms them, and a capacity declared for a class', async () => {
    const isopropanol = (await chemicalByCas(t, '67-63-0')).id as string;
    // Its own enterprise, so that the enterprise run below still counts a's three units.
    const b = await party(t, { roles: ['producer'], district: '惠山', licences: [PRODUCTION_LICENCE] });
    const unit = (
      await makeFacility(t, b.enterpriseId, {
        name: '异丙醇精馏装置',
        district: '惠山',
        kind: 'production',
        capacities: [
          { chemicalId: isopropanol, maxKg: 40000 },
          { unClass: '8', maxKg: 100000 },
        ],
        peopleWithin500m: 10,
      })
    ).id as string;
    // 40 t of a class 3 PG II liquid: W5.3, Q 1000 t → S = 0.04; the class 8 capacity has no Table 2 row.
    const before = await audit(unit);
    expect(before.design).toMatchObject({ SExact: '0.04', major: false });
    expect((before.design as Json).notCounted).toEqual([expect.objectContaining({ chemicalId: 'class:8', q: 100 })]);

    // The enterprise states the column runs above the boiling point: a claim, the confirmed (none) rules meanwhile.
    const filed = await t
      .http()
      .patch(`/v1/facilities/${unit}`)
      .set(...bearer(b.key))
      .send({ processConditions: { aboveBoilingPoint: true } });
    expect(filed.status).toBe(202);
    expect((filed.body as Json).processConditions).toEqual({});
    const [pending] = (filed.body as Json).pendingChanges as Json[];
    expect(pending).toMatchObject({
      agency: 'emergency',
      proposed: { processConditions: { aboveBoilingPoint: true } },
    });
    expect((await audit(unit)).design).toMatchObject({ SExact: '0.04' });

    expect(
      (await post(t, emergency, `/v1/filings/${pending!.filingId as string}/confirm`, { reason: '现场核查' })).status,
    ).toBe(200);
    // Above its boiling point: W5.1, Q 10 t → S = 40/10 = 4; α 1.0 (10 people); R = 1.0 × 1.5 × 4 = 6 → 四级.
    const after = await audit(unit);
    expect(after.design).toMatchObject({ SExact: '4', S: 4, major: true, RExact: '6', R: 6, grade: 4 });
    expect(((after.design as Json).terms as Json[])[0]!.QSource).toContain('工作温度高于沸点');
  });

  it('runs an enterprise audit as a job with progress, stores and exports it, and publishes audit.completed', async () => {
    const started = await post(t, emergency, '/v1/audits', { scope: 'enterprise', enterpriseId: a.enterpriseId });
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('queued');
    const id = started.body.id as string;
    const get = async (): Promise<Json> =>
      (
        await t
          .http()
          .get(`/v1/audits/${id}`)
          .set(...bearer(emergency))
      ).body as Json;
    await t.settle(async () => (await get()).status === 'completed', 30_000);
    expect((await get()).progress).toEqual({
      percent: 100,
      done: 3,
      total: 3,
      findings: 1,
      majorHazards: 2,
      flagged: 1,
    });

    const json = (
      await t
        .http()
        .get(`/v1/audits/${id}/results`)
        .set(...bearer(emergency))
    ).body as { results: Json[] };
    expect(json.results.map((r) => r.facilityId).sort()).toEqual([a.facilityId, chlorineUnit, wrongUnit].sort());
    const csv = await t
      .http()
      .get(`/v1/audits/${id}/results?format=csv`)
      .set(...bearer(emergency));
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toBe(
      'facility_id,facility,enterprise_id,district,unit,design_S,design_R,alpha,actual_S,grade,colour,findings,flags',
    );
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.startsWith(chlorineUnit))).toContain(',1.2,');
    const findingsCsv = await t
      .http()
      .get(`/v1/audits/${id}/results?format=csv&rows=findings`)
      .set(...bearer(emergency));
    expect(findingsCsv.text).toContain('PEAK_EXCEEDS_DESIGN');
    expect(findingsCsv.text).toContain('DECLARATION_MISMATCH');
    const report = await t
      .http()
      .get(`/v1/audits/${id}/report`)
      .set(...bearer(emergency));
    expect(report.headers['content-type']).toMatch(/text\/html/);
    expect(report.text).toContain('液氯储罐区');
    expect(report.text).toContain('四级');
    expect(report.text).toContain('UNDECLARED_MAJOR_HAZARD');

    const events = await t.db.query<{ payload: Json }>(`SELECT payload FROM outbox WHERE type = 'audit.completed'`);
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        auditId: id,
        scope: 'enterprise',
        facilities: 3,
        findings: 1,
        majorHazards: 2,
        flagged: 1,
      }),
    ]);
    // The risk map now marks the unit that held more than it declared.
    const map = (
      await t
        .http()
        .get('/v1/risk-map')
        .set(...bearer(emergency))
    ).body as { features: Json[] };
    expect(map.features.find((f) => f.id === wrongUnit)!.properties).toMatchObject({ flagged: true, colour: 'blue' });
  });

  it('lists one page per enterprise (一企一清单)', async () => {
    const list = (
      await t
        .http()
        .get(`/v1/enterprises/${a.enterpriseId}/risk-list`)
        .set(...bearer(emergency))
    ).body as Json;
    expect((list.facilities as Json[]).map((f) => [f.name, f.colour]).sort()).toEqual(
      expect.arrayContaining([
        ['液氯储罐区', 'blue'],
        ['液氯钢瓶库', 'blue'],
      ]),
    );
    expect(list.findings).toEqual([expect.objectContaining({ kind: 'DECLARATION_MISMATCH' })]);
    expect(list).toHaveProperty('expiringLicences');
    expect(list).toHaveProperty('openViolations');
    const other = await party(t);
    expect(
      (
        await t
          .http()
          .get(`/v1/enterprises/${a.enterpriseId}/risk-list`)
          .set(...bearer(other.key))
      ).status,
    ).toBe(404);
  });

  it('issues, answers, closes and reopens a supervision order, and publishes it overdue once', async () => {
    const issued = await post(t, emergency, '/v1/supervision-orders', {
      enterpriseId: a.enterpriseId,
      sourceKind: 'finding',
      sourceRef: `${wrongUnit}:UNDECLARED_MAJOR_HAZARD`,
      requirement: '限期按实际最大储量重新申报，并完成重大危险源备案',
      deadline: new Date(Date.now() + 7 * 86400_000).toISOString(),
    });
    expect(issued.status).toBe(201);
    const id = issued.body.id as string;
    expect(issued.body).toMatchObject({ status: 'open', agency: 'emergency', overdue: false });
    expect(issued.body.number).toMatch(/^DB\d{8}[0-9A-F]{6}$/);
    expect((await post(t, emergency, `/v1/supervision-orders/${id}/close`, {})).status).toBe(409);
    const answered = await post(t, a.key, `/v1/supervision-orders/${id}/respond`, { rectification: '已重新申报 6 t' });
    expect(answered.body.status).toBe('answered');
    const market = await t.mintKey({ principal: 'agency', agency: 'market' });
    expect((await post(t, market, `/v1/supervision-orders/${id}/close`, {})).status).toBe(403);
    expect((await post(t, emergency, `/v1/supervision-orders/${id}/close`, { note: '整改到位' })).body.status).toBe(
      'closed',
    );
    const reopened = await post(t, emergency, `/v1/supervision-orders/${id}/reopen`, { note: '复查发现未备案' });
    expect(reopened.body).toMatchObject({ status: 'open', reopened: 1 });
    expect((reopened.body.history as Json[]).map((h) => h.action)).toEqual([
      'issued',
      'answered',
      'closed',
      'reopened',
    ]);

    await t.db.query(`UPDATE supervision_orders SET deadline = now() - interval '1 hour' WHERE id = $1`, [id]);
    await t.queue.enqueue(JobName.SupervisionOverdue, {});
    const overdueEvents = async () =>
      t.db.query(`SELECT 1 FROM outbox WHERE type = 'audit.order.overdue' AND payload->>'orderId' = $1`, [id]);
    await t.settle(async () => (await overdueEvents()).length === 1);
    await t.queue.enqueue(JobName.SupervisionOverdue, {});
    await t.settle();
    expect(await overdueEvents()).toHaveLength(1);
    const overdue = (
      await t
        .http()
        .get('/v1/supervision-orders?overdue=true')
        .set(...bearer(emergency))
    ).body as Json[];
    expect(overdue.map((o) => o.id)).toEqual([id]);
    expect(overdue[0]).toMatchObject({ overdue: true });
  });

  it('refuses bad records with the field and the rule, writing nothing', async () => {
    const other = await party(t);
    const foreign = await post(t, other.key, '/v1/declarations', {
      facilityId: a.facilityId,
      asOf: hoursAgo(1),
      lines: [{ chemicalId: methanol, quantity: { value: 1, unit: 'kg' } }],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0]).toMatchObject({ path: 'facilityId', rule: 'FACILITY_NOT_FOUND' });
    const bad = await post(t, a.key, '/v1/declarations', {
      facilityId: a.facilityId,
      asOf: new Date(Date.now() + 86400_000).toISOString(),
      period: '2026-13',
      lines: [{ chemicalId: methanol, quantity: { value: -1, unit: 'kg' } }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('period');
    const future = await post(t, a.key, '/v1/declarations', {
      facilityId: a.facilityId,
      asOf: new Date(Date.now() + 86400_000).toISOString(),
      lines: [
        { chemicalId: methanol, quantity: { value: 1, unit: 'kg' } },
        { chemicalId: methanol, quantity: { value: 2, unit: 'kg' } },
      ],
    });
    expect(future.status).toBe(422);
    expect(future.body.errors.map((e: Json) => `${e.path as string} ${e.rule as string}`)).toEqual([
      'asOf IN_FUTURE',
      'lines[1] DUPLICATE_LINE',
    ]);
    expect(
      (
        await post(t, a.key, '/v1/counts', {
          facilityId: a.facilityId,
          countedAt: hoursAgo(1),
          inspector: 'x',
          lines: [],
        })
      ).status,
    ).toBe(403);
    const n = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM stock_declarations WHERE facility_id = $1', [
      a.facilityId,
    ]);
    expect(n[0]!.n).toBe('2');
  });
});
