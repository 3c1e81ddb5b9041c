import { chemicalByCas } from '../support/factories.js';
import {
  BUSINESS_LICENCE,
  hoursAgo,
  ledgerRows,
  party,
  type Party,
  PRODUCTION_LICENCE,
  record,
  recorded,
  SAFE_USE_LICENCE,
  stockKg,
} from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, unknown>;

/** 100 kg of a new lot received 100 h ago, booked directly by emergency management or admin (a correction). */
const old100 = async (t: TestApp, key: string, p: Party, chemicalId: string, lotNumber: string) =>
  (
    await record(t, key, {
      operation: 'receive',
      facilityId: p.facilityId,
      chemicalId,
      lotNumber,
      quantity: { value: 100, unit: 'kg' },
      occurredAt: hoursAgo(100),
      correctionReason: '补录',
    })
  ).body as unknown as Json[];

/**
 * Issue 15: "a receive dated two years back changed historic stock". occurredAt may lie at most
 * 5 minutes ahead and at most LEDGER_BACKDATE_HOURS (72) back; an older fact is a correction that
 * emergency management confirms (or books itself), with its reason kept on the movement.
 */
describe('backdated movements are corrections emergency management confirms', () => {
  let t: TestApp;
  let ethanol: string;
  let emergency: string;
  let police: string;
  let u: Party;
  const twoYearsAgo = hoursAgo(2 * 365 * 24);
  const filings = async (): Promise<number> =>
    Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM filings'))[0]!.n);

  beforeAll(async () => {
    t = await createTestApp();
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    u = await party(t, { licences: [PRODUCTION_LICENCE, BUSINESS_LICENCE, SAFE_USE_LICENCE] });
  });
  afterAll(() => t.close());

  const decide = (key: string, id: string, decision: 'confirm' | 'refuse', reason = '核对了纸质台账') =>
    t
      .http()
      .post(`/v1/filings/${id}/${decision}`)
      .set(...bearer(key))
      .send({ reason });

  const receiveOld = (lotNumber: string, extra: Json = {}) =>
    record(t, u.key, {
      operation: 'receive',
      facilityId: u.facilityId,
      chemicalId: ethanol,
      lotNumber,
      quantity: { value: 100, unit: 'kg' },
      occurredAt: twoYearsAgo,
      ...extra,
    });

  it('files a receive dated two years back, books nothing until emergency management confirms it, then books it with its reason', async () => {
    const before = { ledger: await ledgerRows(t), filings: await filings() };
    const bare = await receiveOld('OLD-1');
    expect(bare.status).toBe(422);
    expect(bare.body.errors).toEqual([
      expect.objectContaining({ path: 'correctionReason', rule: 'CORRECTION_REASON_REQUIRED' }),
    ]);
    expect({ ledger: await ledgerRows(t), filings: await filings() }).toEqual(before);

    const filed = await receiveOld('OLD-1', { correctionReason: '2024 年纸质入库单补录' });
    expect(filed.status).toBe(202);
    expect(filed.body).toMatchObject({
      kind: 'ledger.correction',
      agency: 'emergency',
      status: 'pending',
      enterpriseId: u.enterpriseId,
      proposed: {
        correctionReason: '2024 年纸质入库单补录',
        movement: { operation: 'receive', occurredAt: twoYearsAgo },
      },
    });
    const filingId = filed.body.id as string;
    // Nothing booked: history and the present are as they were.
    expect(await ledgerRows(t)).toEqual(before.ledger);
    expect(await stockKg(t, u.key, u.facilityId, ethanol)).toBe(0);
    expect(await stockKg(t, u.key, u.facilityId, ethanol, hoursAgo(2 * 365 * 24 - 1))).toBe(0);

    // The work queue: emergency management's, not police's; the enterprise cannot decide its own.
    const queue = await t
      .http()
      .get('/v1/filings?status=pending&kind=ledger.correction')
      .set(...bearer(emergency));
    expect(queue.body.items.map((f: Json) => f.id)).toContain(filingId);
    expect((await decide(police, filingId, 'confirm')).status).toBe(404);
    expect((await decide(u.key, filingId, 'confirm')).status).toBe(403);
    expect(await ledgerRows(t)).toEqual(before.ledger);

    const confirmed = await decide(emergency, filingId, 'confirm');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', decidedBy: 'agency emergency' });
    const [movementId] = confirmed.body.outcome.movementIds as string[];
    const movement = await t
      .http()
      .get(`/v1/movements/${movementId!}`)
      .set(...bearer(u.key));
    expect(movement.body).toMatchObject({
      type: 'receive',
      facilityId: u.facilityId,
      quantityKg: 100,
      occurredAt: twoYearsAgo,
      correction: { reason: '2024 年纸质入库单补录', filingId, confirmedBy: 'agency emergency' },
    });
    expect(await stockKg(t, u.key, u.facilityId, ethanol, hoursAgo(2 * 365 * 24 - 1))).toBe(100);
    expect(await stockKg(t, u.key, u.facilityId, ethanol)).toBe(100);
    const [event] = await t.db.query<{ payload: Json }>(
      `SELECT payload FROM outbox WHERE type = 'ledger.movement.recorded' AND payload->'legs'->0->>'movementId' = $1`,
      [movementId],
    );
    expect(event!.payload.correction).toEqual({
      reason: '2024 年纸质入库单补录',
      filingId,
      by: 'agency emergency',
    });

    // The correction's reason and confirmer are part of the chained record: rewriting them shows.
    const verify = async () =>
      (
        await t
          .http()
          .get(`/v1/facilities/${u.facilityId}/ledger/verify`)
          .set(...bearer(emergency))
      ).body;
    expect((await verify()).firstBreak).toBeNull();
    await t.db.query('ALTER TABLE movements DISABLE TRIGGER movements_append_only');
    await t.db.query(`UPDATE movements SET corrected_by = 'admin' WHERE id = $1`, [movementId]);
    await t.db.query('ALTER TABLE movements ENABLE TRIGGER movements_append_only');
    expect((await verify()).firstBreak).toMatchObject({ movementId, problem: 'hash' });
  });

  it('keeps a refused correction out of the ledger', async () => {
    const before = await ledgerRows(t);
    const filed = await receiveOld('OLD-2', { correctionReason: '补录' });
    expect(filed.status).toBe(202);
    const refused = await decide(emergency, filed.body.id as string, 'refuse', '无原始凭证');
    expect(refused.body).toMatchObject({ status: 'refused', reason: '无原始凭证', outcome: null });
    expect(await ledgerRows(t)).toEqual(before);
    const again = await decide(emergency, filed.body.id as string, 'confirm');
    expect([again.status, again.body.code, again.body.filingStatus]).toEqual([409, 'FILING_DECIDED', 'refused']);
    expect(await ledgerRows(t)).toEqual(before);
  });

  it('lets emergency management and admin book an old movement directly with its reason, and emergency management nothing current', async () => {
    const at100 = hoursAgo(100);
    const old = (key: string, lotNumber: string, extra: Json = {}) =>
      record(t, key, {
        operation: 'receive',
        facilityId: u.facilityId,
        chemicalId: ethanol,
        lotNumber,
        quantity: { value: 100, unit: 'kg' },
        occurredAt: at100,
        ...extra,
      });
    const before = await ledgerRows(t);
    expect((await old(emergency, 'EM-0')).body.errors).toEqual([
      expect.objectContaining({ path: 'correctionReason', rule: 'CORRECTION_REASON_REQUIRED' }),
    ]);
    const now = await old(emergency, 'EM-0', { occurredAt: hoursAgo(1) });
    expect([now.status, now.body.code]).toEqual([403, 'CORRECTIONS_ONLY']);
    expect((await old(police, 'EM-0', { correctionReason: '补录' })).status).toBe(403);
    expect(await ledgerRows(t)).toEqual(before);

    const byEmergency = await old(emergency, 'EM-1', { correctionReason: '检查中发现的未入账入库' });
    expect(byEmergency.status).toBe(201);
    expect((byEmergency.body as unknown as Json[])[0]).toMatchObject({
      occurredAt: at100,
      correction: { reason: '检查中发现的未入账入库', filingId: null, confirmedBy: 'agency emergency' },
    });
    const byAdmin = await old(t.adminKey, 'EM-2', { correctionReason: '迁移旧系统台账' });
    expect((byAdmin.body as unknown as Json[])[0]).toMatchObject({
      correction: { reason: '迁移旧系统台账', filingId: null, confirmedBy: 'admin' },
    });
    // Within the window the enterprise books as before; a reason for a correction is then out of place.
    const inWindow = await old(u.key, 'IN-71', { occurredAt: hoursAgo(71) });
    expect([inWindow.status, (inWindow.body as unknown as Json[])[0]!.correction]).toEqual([201, null]);
    const misplaced = await old(u.key, 'IN-70', { occurredAt: hoursAgo(70), correctionReason: '补录' });
    expect(misplaced.body.errors).toEqual([
      expect.objectContaining({ path: 'correctionReason', rule: 'NOT_A_CORRECTION' }),
    ]);
    expect((await old(u.key, 'OUT-73', { occurredAt: hoursAgo(73), correctionReason: '补录' })).status).toBe(202);
  });

  it('checks a correction when filed and again when confirmed: a use that no longer fits the stock stays pending', async () => {
    const [lot] = (await old100(t, emergency, u, ethanol, 'RECHECK-1')) as Json[];
    const use = (kg: number, occurredAt: string, extra: Json = {}) =>
      record(t, u.key, {
        operation: 'use',
        facilityId: u.facilityId,
        chemicalId: ethanol,
        lotId: lot!.lotId,
        quantity: { value: kg, unit: 'kg' },
        occurredAt,
        ...extra,
      });
    const before = { ledger: await ledgerRows(t), filings: await filings() };
    // Before the lot was there: refused when filed, nothing queued.
    const tooEarly = await use(80, hoursAgo(110), { correctionReason: '补录' });
    expect(tooEarly.body.errors).toEqual([expect.objectContaining({ rule: 'STOCK_NEGATIVE' })]);
    expect({ ledger: await ledgerRows(t), filings: await filings() }).toEqual(before);

    const filed = await use(80, hoursAgo(90), { correctionReason: '车间领用单补录' });
    expect(filed.status).toBe(202);
    // Meanwhile the enterprise uses 50 kg now: the old use would take the lot 30 kg below zero.
    expect((await use(50, hoursAgo(1))).status).toBe(201);
    const late = await decide(emergency, filed.body.id as string, 'confirm');
    expect(late.status).toBe(422);
    expect(late.body.errors).toEqual([expect.objectContaining({ rule: 'STOCK_NEGATIVE' })]);
    const still = await t
      .http()
      .get(`/v1/filings/${filed.body.id as string}`)
      .set(...bearer(u.key));
    expect(still.body.status).toBe('pending');
    const uses = await t
      .http()
      .get(`/v1/movements?lotId=${lot!.lotId as string}&type=use`)
      .set(...bearer(u.key));
    expect(uses.body.items.map((m: Json) => m.quantityKg)).toEqual([-50]);
  });

  it('fits a backdated addition to the highest stock held since its time, not only to the stock now', async () => {
    const small = await party(t, {
      licences: [BUSINESS_LICENCE, SAFE_USE_LICENCE],
      capacities: [{ chemicalId: ethanol, maxKg: 1000 }],
    });
    const [lot] = await recorded(t, small.key, {
      operation: 'receive',
      facilityId: small.facilityId,
      chemicalId: ethanol,
      lotNumber: 'CAP-1',
      quantity: { value: 900, unit: 'kg' },
      occurredAt: hoursAgo(30),
    });
    await recorded(t, small.key, {
      operation: 'use',
      facilityId: small.facilityId,
      chemicalId: ethanol,
      lotId: lot!.lotId,
      quantity: { value: 800, unit: 'kg' },
      occurredAt: hoursAgo(20),
    });
    const receive = (occurredAt: string) =>
      record(t, small.key, {
        operation: 'receive',
        facilityId: small.facilityId,
        chemicalId: ethanol,
        lotNumber: `CAP-${occurredAt}`.replace(/[:.]/g, ''),
        quantity: { value: 200, unit: 'kg' },
        occurredAt,
      });
    // 25 h ago the tank held 900 kg: 200 kg more would have been 1,100 kg in a 1,000 kg tank.
    const then = await receive(hoursAgo(25));
    expect(then.status).toBe(422);
    expect(then.body.errors).toEqual([expect.objectContaining({ rule: 'CAPACITY_EXCEEDED' })]);
    expect((then.body.errors as Json[])[0]!.message).toContain('1100.000 kg');
    // After the use (100 kg held since), it fits.
    expect((await receive(hoursAgo(10))).status).toBe(201);
  });

  it('files the reversal of an old movement as a correction too, and books it once confirmed', async () => {
    const [lot] = (await old100(t, t.adminKey, u, ethanol, 'REV-1')) as Json[];
    const res = await t
      .http()
      .post(`/v1/movements/${lot!.id as string}/reverse`)
      .set(...bearer(u.key))
      .send({ reason: '重复录入' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      kind: 'ledger.correction',
      subjectId: lot!.id,
      proposed: { reverses: lot!.id, correctionReason: '重复录入' },
    });
    expect(await t.db.query('SELECT 1 FROM movements WHERE reverses_id = $1', [lot!.id])).toEqual([]);
    const confirmed = await decide(emergency, res.body.id as string, 'confirm');
    expect(confirmed.status).toBe(200);
    const [reversal] = await t.db.query<{
      type: string;
      quantity_kg: string;
      correction_reason: string;
      corrected_by: string;
    }>('SELECT type, quantity_kg, correction_reason, corrected_by FROM movements WHERE reverses_id = $1', [lot!.id]);
    expect(reversal).toMatchObject({
      type: 'reversal',
      correction_reason: '重复录入',
      corrected_by: 'agency emergency',
    });
    expect(Number(reversal!.quantity_kg)).toBe(-100);
  });

  it('refuses a movement 6 minutes ahead of the clock, and books one 4 minutes ahead (clock drift)', async () => {
    const [lot] = await recorded(t, u.key, {
      operation: 'produce',
      facilityId: u.facilityId,
      chemicalId: ethanol,
      lotNumber: 'FUTURE-1',
      quantity: { value: 10, unit: 'kg' },
    });
    const before = { ledger: await ledgerRows(t), filings: await filings() };
    const use = (minutes: number, extra: Json = {}) =>
      record(t, u.key, {
        operation: 'use',
        facilityId: u.facilityId,
        chemicalId: ethanol,
        lotId: lot!.lotId,
        quantity: { value: 1, unit: 'kg' },
        occurredAt: new Date(Date.now() + minutes * 60_000).toISOString(),
        ...extra,
      });
    const ahead = await use(6);
    expect(ahead.status).toBe(422);
    expect(ahead.body.errors).toEqual([expect.objectContaining({ path: 'occurredAt', rule: 'IN_FUTURE' })]);
    expect((await use(6, { correctionReason: '补录' })).status).toBe(422);
    expect({ ledger: await ledgerRows(t), filings: await filings() }).toEqual(before);
    expect((await use(4)).status).toBe(201);
  });
});
