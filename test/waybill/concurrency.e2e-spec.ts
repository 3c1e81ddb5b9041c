import { makePerson } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { content, draft, post, rulesOf, tripWorld } from '../support/waybill.js';

/**
 * A vehicle is on at most one active waybill, even when submissions race: the active-assets
 * table's primary key decides (on PostgreSQL the racing transactions wait on each other's insert;
 * on the embedded database they are serialised). Also: racing retries with one Idempotency-Key.
 */
describe('e-waybill submissions racing for one vehicle', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lets exactly one of eight concurrent submissions for the same vehicle become active', async () => {
    const w = await tripWorld(t);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      // Each with its own crew, so the vehicle is the only thing they compete for.
      const driverId = (await makePerson(t, w.carrier.enterpriseId)).id as string;
      const escortId = (await makePerson(t, w.carrier.enterpriseId, { role: 'escort', qualificationKind: 'dg_escort' }))
        .id as string;
      ids.push((await draft(t, w, { driverId, escortId })).id as string);
    }
    const answers = await Promise.all(ids.map((id) => post(t, w.consignor.key, `/v1/waybills/${id}/submit`)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 422, 422, 422, 422, 422, 422, 422]);
    for (const refused of answers.filter((a) => a.status === 422))
      expect(rulesOf(refused.body)).toEqual(['VEHICLE_BUSY']);
    const active = await t.db.query<{ id: string }>(
      `SELECT id FROM waybills WHERE vehicle_id = $1 AND status = 'submitted'`,
      [w.vehicleId],
    );
    expect(active).toHaveLength(1);
    const held = await t.db.query<{ waybill_id: string }>(
      'SELECT waybill_id FROM waybill_active_assets WHERE asset_id = $1',
      [w.vehicleId],
    );
    expect(held.map((h) => h.waybill_id)).toEqual([active[0]!.id]);
    // The losers hold nothing: their crews are free.
    const [crew] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM waybill_active_assets');
    expect(Number(crew!.n)).toBe(3);
  });

  it('answers concurrent retries of one filing (same Idempotency-Key) with one waybill', async () => {
    const w = await tripWorld(t);
    const body = content(w);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post(t, w.consignor.key, '/v1/waybills', body, { 'Idempotency-Key': 'race-1' })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const [n] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM waybills WHERE consignor_id = $1', [
      w.consignor.enterpriseId,
    ]);
    expect(Number(n!.n)).toBe(1);
  });
});
