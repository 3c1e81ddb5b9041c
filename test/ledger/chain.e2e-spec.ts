import { chemicalByCas } from '../support/factories.js';
import { hoursAgo, party, PRODUCTION_LICENCE, record, recorded, SAFE_USE_LICENCE, stockKg } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/** Append-only, hash-chained per facility; corrections are reversals; lots split and merge. */
describe('ledger integrity', () => {
  let t: TestApp;
  let ethanol: string;
  beforeAll(async () => {
    t = await createTestApp();
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
  });
  afterAll(() => t.close());

  /** A superuser's edit: triggers off (session_replication_role = replica) for one transaction. */
  const tamper = (sql: string, params: unknown[]): Promise<unknown> =>
    t.db.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      return m.query(sql, params);
    });

  const verify = async (key: string, facilityId: string) =>
    (
      await t
        .http()
        .get(`/v1/facilities/${facilityId}/ledger/verify`)
        .set(...bearer(key))
    ).body;

  it('verifies a clean chain and names the movement a direct SQL update tampered with', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE, SAFE_USE_LICENCE] });
    const [p] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'T-1',
      quantity: { value: 1000, unit: 'kg' },
    });
    const uses = [];
    for (let i = 0; i < 5; i++)
      uses.push(
        (
          await recorded(t, a.key, {
            operation: 'use',
            facilityId: a.facilityId,
            chemicalId: ethanol,
            lotId: p!.lotId,
            quantity: { value: 10, unit: 'kg' },
          })
        )[0]!,
      );
    expect(await verify(a.key, a.facilityId)).toMatchObject({
      facilityId: a.facilityId,
      valid: true,
      checked: 6,
      firstBreak: null,
      headMatches: true,
      departure: null,
    });

    // The database refuses an ordinary UPDATE of a movement...
    await expect(t.db.query(`UPDATE movements SET quantity_kg = -1 WHERE id = $1`, [uses[2]!.id])).rejects.toThrow(
      /append-only/,
    );
    // ...so someone with superuser access disables the trigger and "fixes" the third use to 1 kg.
    await tamper(`UPDATE movements SET quantity_kg = -1 WHERE id = $1`, [uses[2]!.id]);
    const broken = await verify(a.key, a.facilityId);
    expect(broken).toMatchObject({
      valid: false,
      checked: 3,
      firstBreak: { movementId: uses[2]!.id, facilitySeq: '4', problem: 'hash' },
    });
    // And the maintained balance no longer matches the ledger either.
    expect(
      (
        await t
          .http()
          .get('/v1/ledger/consistency')
          .set(...bearer(t.adminKey))
      ).body.consistent,
    ).toBe(false);
    await tamper(`UPDATE movements SET quantity_kg = -10 WHERE id = $1`, [uses[2]!.id]);
    expect((await verify(a.key, a.facilityId)).valid).toBe(true);
  });

  it('notices a deleted movement (the next link points at a hash that is gone)', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const first = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'D-1',
      quantity: { value: 5, unit: 'kg' },
    });
    const second = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'D-1',
      quantity: { value: 5, unit: 'kg' },
    });
    await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'D-1',
      quantity: { value: 5, unit: 'kg' },
    });
    expect(first[0]!.lotId).toBe(second[0]!.lotId);
    await expect(t.db.query('DELETE FROM movements WHERE id = $1', [second[0]!.id])).rejects.toThrow(/append-only/);
    await tamper('DELETE FROM movements WHERE id = $1', [second[0]!.id]);
    expect((await verify(a.key, a.facilityId)).firstBreak).toMatchObject({ facilitySeq: '3', problem: 'sequence' });
  });

  it('corrects a mistake with a reversal of the whole operation, never by changing it', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const b = await party(t, { licences: [PRODUCTION_LICENCE] });
    // Both at one instant: undoing the production later leaves no moment with the sale's 40 kg missing.
    const occurredAt = hoursAgo(24);
    const [p] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'R-1',
      quantity: { value: 100, unit: 'kg' },
      occurredAt,
    });
    const sale = await recorded(t, a.key, {
      operation: 'sell',
      facilityId: a.facilityId,
      toFacilityId: b.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      quantity: { value: 40, unit: 'kg' },
      occurredAt,
    });
    const res = await t
      .http()
      .post(`/v1/movements/${sale[0]!.id as string}/reverse`)
      .set(...bearer(a.key))
      .send({ reason: '录错了买方' });
    expect(res.status).toBe(201);
    expect(
      res.body.map((m: { type: string; quantityKg: number; reversesId: string }) => [
        m.type,
        m.quantityKg,
        m.reversesId,
      ]),
    ).toEqual([['reversal', 40, sale[0]!.id]]);
    // A sale is the seller's leg until the buyer receives it: reversing it touches only the seller.
    expect(sale).toHaveLength(1);
    expect(await stockKg(t, a.key, a.facilityId, ethanol)).toBe(100);
    expect(await stockKg(t, b.key, b.facilityId, ethanol)).toBe(0);
    const again = await t
      .http()
      .post(`/v1/movements/${sale[0]!.id as string}/reverse`)
      .set(...bearer(a.key))
      .send({ reason: 'twice' });
    expect(again.status).toBe(422);
    expect(again.body.errors[0].rule).toBe('ALREADY_REVERSED');
    // Reversing the production now would take the stock below zero? No: the sale was reversed, 100 kg are back.
    const undo = await t
      .http()
      .post(`/v1/movements/${p!.id as string}/reverse`)
      .set(...bearer(a.key))
      .send({ reason: '未生产' });
    expect(undo.status).toBe(201);
    expect(await stockKg(t, a.key, a.facilityId, ethanol)).toBe(0);
    expect((await verify(a.key, a.facilityId)).valid).toBe(true);
  });

  it('refuses to reverse a shipment that has been received', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const b = await party(t, { licences: [PRODUCTION_LICENCE] });
    const [p] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'S-1',
      quantity: { value: 100, unit: 'kg' },
    });
    const [ship] = await recorded(t, a.key, {
      operation: 'ship',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      counterpartyFacilityId: b.facilityId,
      quantity: { value: 60, unit: 'kg' },
    });
    await recorded(t, b.key, {
      operation: 'receive',
      facilityId: b.facilityId,
      chemicalId: ethanol,
      sourceMovementId: ship!.id,
      quantity: { value: 60, unit: 'kg' },
    });
    const over = await record(t, b.key, {
      operation: 'receive',
      facilityId: b.facilityId,
      chemicalId: ethanol,
      sourceMovementId: ship!.id,
      quantity: { value: 1, unit: 'kg' },
    });
    expect(over.body.errors).toEqual([expect.objectContaining({ rule: 'RECEIPT_EXCEEDS_SHIPMENT' })]);
    const res = await t
      .http()
      .post(`/v1/movements/${ship!.id as string}/reverse`)
      .set(...bearer(a.key))
      .send({ reason: 'x' });
    expect(res.body.errors[0].rule).toBe('REVERSAL_BLOCKED');
  });

  it('splits and merges lots and keeps the lineage for the trace', async () => {
    const a = await party(t, { licences: [PRODUCTION_LICENCE] });
    const [p] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'M-1',
      quantity: { value: 1000, unit: 'kg' },
    });
    const split = await recorded(t, a.key, {
      operation: 'split',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      parts: [
        { lotNumber: 'M-1a', value: 300 },
        { lotNumber: 'M-1b', value: 200 },
      ],
    });
    expect(split.map((m) => m.quantityKg)).toEqual([-500, 300, 200]);
    const merged = await recorded(t, a.key, {
      operation: 'merge',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: 'M-2',
      sources: [
        { lotId: split[1]!.lotId, value: 300 },
        { lotId: split[2]!.lotId, value: 100 },
      ],
    });
    const trace = (
      await t
        .http()
        .get(`/v1/lots/${p!.lotId as string}/trace`)
        .set(...bearer(t.adminKey))
    ).body;
    expect(trace.lots.map((l: { number: string }) => l.number).sort()).toEqual(['M-1', 'M-1a', 'M-1b', 'M-2']);
    expect(trace.balance).toEqual({ inputKg: 1000, consumedKg: 0, inStockKg: 1000, inTransitKg: 0, balanced: true });
    const back = (
      await t
        .http()
        .get(`/v1/lots/${merged[2]!.lotId as string}/trace?direction=backward`)
        .set(...bearer(t.adminKey))
    ).body;
    expect(back.lots.map((l: { number: string }) => l.number).sort()).toEqual(['M-1', 'M-1a', 'M-1b', 'M-2']);
    expect(back.balance.balanced).toBe(true);
  });
});
