import { JobName } from '@lib/platform';
import { stockKg } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { content, draft, LOADING_CHECK, post, rulesOf, submit, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/**
 * An e-waybill through its states by the API: filing, submission, loading (the consignor's ship
 * movement), departure, arrival, receipt (the consignee's receive movement), closing; the
 * discrepancy a short receipt leaves; versions; cancellation; who may take which step; retries.
 */
describe('e-waybill lifecycle', () => {
  let t: TestApp;
  // Emergency management receives waybill.discrepancy only; the transport bureau every waybill event.
  let emergency: string;
  let transport: string;
  beforeAll(async () => {
    t = await createTestApp();
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
  });
  afterAll(() => t.close());

  const get = async (key: string, id: string): Promise<Json> =>
    (
      await t
        .http()
        .get(`/v1/waybills/${id}`)
        .set(...bearer(key))
    ).body as Json;

  async function loaded(w: TripWorld, over: Json = {}): Promise<string> {
    const s = await submit(t, w, over);
    expect(s.status).toBe(200);
    const res = await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, LOADING_CHECK);
    expect(res.status).toBe(200);
    return s.id;
  }

  it('goes draft → submitted → loaded → in transit → arrived → received → closed, with the ship and receive movements in the ledger', async () => {
    const w = await tripWorld(t);
    const d = await draft(t, w);
    expect(d).toMatchObject({ status: 'draft', version: 1 });
    expect(d.number).toMatch(/^DG\d{14}[\dX]$/);
    const id = d.id as string;

    const submitted = await post(t, w.consignor.key, `/v1/waybills/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');

    // The carrier does not load, the consignor does (the loader signs its check).
    expect((await post(t, w.carrier.key, `/v1/waybills/${id}/load`, LOADING_CHECK)).status).toBe(403);
    const before = await stockKg(t, w.consignor.key, w.consignor.facilityId, w.chemicalId);
    const load = await post(t, w.consignor.key, `/v1/waybills/${id}/load`, LOADING_CHECK);
    expect(load.status).toBe(200);
    expect(load.body).toMatchObject({ status: 'loaded', loadingCheck: { loaderName: '周建华', goodsMatch: true } });
    expect(await stockKg(t, w.consignor.key, w.consignor.facilityId, w.chemicalId)).toBeCloseTo(before - 10_000, 3);

    // The vehicle is now assigned to the waybill's route, loaded, with its chemical.
    const assignment = await t
      .http()
      .get(`/v1/vehicles/${w.vehicleId}/assignment`)
      .set(...bearer(w.transportKey));
    expect(assignment.body).toMatchObject({
      routeId: w.routeId,
      loaded: true,
      waybillId: id,
      chemicalIds: [w.chemicalId],
    });

    expect((await post(t, w.consignee.key, `/v1/waybills/${id}/depart`)).status).toBe(403);
    expect((await post(t, w.carrier.key, `/v1/waybills/${id}/depart`)).body.status).toBe('in_transit');
    expect((await post(t, w.carrier.key, `/v1/waybills/${id}/arrive`)).body.status).toBe('arrived');
    const received = await post(t, w.consignee.key, `/v1/waybills/${id}/receive`, {
      lines: [{ line: 1, quantity: { value: 9_980, unit: 'kg' } }],
    });
    expect(received.status).toBe(200);
    // 20 kg short of 10 t is within the 0.5% a tank is allowed.
    expect(received.body.status).toBe('received');
    expect(received.body.discrepancy).toBeUndefined();
    expect(await stockKg(t, w.consignee.key, w.consignee.facilityId, w.chemicalId)).toBeCloseTo(9_980, 3);
    const closed = await post(t, w.consignee.key, `/v1/waybills/${id}/close`);
    expect(closed.body.status).toBe('closed');

    const full = await get(w.carrier.key, id);
    expect((full.transitions as Json[]).map((x) => x.to)).toEqual([
      'draft',
      'submitted',
      'loaded',
      'in_transit',
      'arrived',
      'received',
      'closed',
    ]);
    const movements = full.movements as Json[];
    // Closing wrote the 20 kg off as a transport loss (途耗): taken into the receipt, then lost.
    expect(movements.map((m) => [m.type, m.facilityId, m.quantityKg, m.lotId])).toEqual([
      ['ship', w.consignor.facilityId, -10_000, w.lotId],
      ['receive', w.consignee.facilityId, 9_980, w.lotId],
      ['receive', w.consignee.facilityId, 20, w.lotId],
      ['loss', w.consignee.facilityId, -20, w.lotId],
    ]);
    expect(movements.every((m) => m.waybillId === id)).toBe(true);
    // The vehicle is free again: its assignment is released.
    const after = await t
      .http()
      .get(`/v1/vehicles/${w.vehicleId}/assignment`)
      .set(...bearer(w.transportKey));
    expect(after.status).toBe(404);
    const events = await t.db.query<{ type: string }>(
      `SELECT type FROM outbox WHERE subject_id = $1 ORDER BY position`,
      [id],
    );
    expect(events.map((e) => e.type)).toEqual([
      'waybill.submitted',
      'waybill.loaded',
      'waybill.departed',
      'waybill.arrived',
      'waybill.received',
      'waybill.closed',
    ]);
  });

  it('refuses a step out of order with 409 and the current state', async () => {
    const w = await tripWorld(t);
    const d = await draft(t, w);
    const res = await post(t, w.carrier.key, `/v1/waybills/${String(d.id)}/depart`);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'INVALID_STATE', state: 'draft' });
    const receive = await post(t, w.consignee.key, `/v1/waybills/${String(d.id)}/receive`, {
      lines: [{ line: 1, quantity: { value: 1, unit: 't' } }],
    });
    expect(receive.status).toBe(409);
    expect(receive.body.state).toBe('draft');
  });

  it('closes a receipt 2% short with a discrepancy the agencies can list', async () => {
    const w = await tripWorld(t);
    const id = await loaded(w);
    await post(t, w.carrier.key, `/v1/waybills/${id}/depart`);
    await post(t, w.carrier.key, `/v1/waybills/${id}/arrive`);
    const received = await post(t, w.consignee.key, `/v1/waybills/${id}/receive`, {
      lines: [{ line: 1, quantity: { value: 9.8, unit: 't' } }],
    });
    expect(received.status).toBe(200);
    expect(received.body.discrepancy).toEqual([
      { line: 1, chemicalId: w.chemicalId, shippedKg: 10_000, receivedKg: 9_800, differenceKg: 200, toleranceKg: 50 },
    ]);
    const closed = await post(t, w.consignor.key, `/v1/waybills/${id}/close`);
    expect(closed.body).toMatchObject({ status: 'closed', discrepancy: [{ differenceKg: 200 }] });

    const listed = await t
      .http()
      .get('/v1/waybills?discrepancy=true')
      .set(...bearer(emergency));
    expect(listed.status).toBe(200);
    expect((listed.body.items as Json[]).map((x) => x.id)).toContain(id);
    const [event] = await t.db.query<{ payload: Json }>(
      `SELECT payload FROM outbox WHERE type = 'waybill.discrepancy' AND subject_id = $1`,
      [id],
    );
    expect(event!.payload).toMatchObject({ waybillId: id, lines: [{ differenceKg: 200 }] });
  });

  it('compares packages exactly: one kilogram short of a packaged line is a discrepancy', async () => {
    const w = await tripWorld(t, { vehicle: { kind: 'van', tankVolumeM3: undefined, approvedMedia: [] } });
    const id = await loaded(w, {
      items: [
        {
          chemicalId: w.chemicalId,
          quantity: { value: 1000, unit: 'kg' },
          lotId: w.lotId,
          packaging: 'packaged',
          packages: 5,
        },
      ],
    });
    await post(t, w.carrier.key, `/v1/waybills/${id}/depart`);
    await post(t, w.carrier.key, `/v1/waybills/${id}/arrive`);
    const received = await post(t, w.consignee.key, `/v1/waybills/${id}/receive`, {
      lines: [{ line: 1, quantity: { value: 999, unit: 'kg' } }],
    });
    expect(received.body.discrepancy).toEqual([expect.objectContaining({ differenceKg: 1, toleranceKg: 0 })]);
  });

  it('a retried filing with the same Idempotency-Key answers the same waybill and files one', async () => {
    const w = await tripWorld(t);
    const body = content(w);
    const first = await post(t, w.consignor.key, '/v1/waybills', body, { 'Idempotency-Key': 'file-0001' });
    const again = await post(t, w.consignor.key, '/v1/waybills', body, { 'Idempotency-Key': 'file-0001' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.number).toBe(first.body.number);
    const [rows] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM waybills WHERE consignor_id = $1', [
      w.consignor.enterpriseId,
    ]);
    expect(Number(rows!.n)).toBe(1);

    // The submission retried: the same answer, not a 409 for the state it moved to.
    const id = first.body.id as string;
    const s1 = await post(t, w.consignor.key, `/v1/waybills/${id}/submit`, {}, { 'Idempotency-Key': 'submit-0001' });
    const s2 = await post(t, w.consignor.key, `/v1/waybills/${id}/submit`, {}, { 'Idempotency-Key': 'submit-0001' });
    expect([s1.status, s2.status]).toEqual([200, 200]);
    expect(s2.body).toEqual(s1.body);
    const [transitions] = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM waybill_transitions WHERE waybill_id = $1 AND to_status = 'submitted'`,
      [id],
    );
    expect(Number(transitions!.n)).toBe(1);

    // The same key for another request is refused; a fresh key runs (and meets the state).
    const reused = await post(
      t,
      w.consignor.key,
      '/v1/waybills',
      { ...body, notes: 'changed' },
      { 'Idempotency-Key': 'file-0001' },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const fresh = await post(t, w.consignor.key, `/v1/waybills/${id}/submit`, {}, { 'Idempotency-Key': 'submit-0002' });
    expect(fresh.status).toBe(409);
  });

  it('forgets Idempotency-Keys after 24 hours (the cleanup job)', async () => {
    await t.db.query(
      `INSERT INTO idempotency_keys (owner, key, fingerprint, status, response, created_at)
       VALUES ('k', 'old', repeat('0', 64), 201, 'null', now() - interval '25 hours'),
              ('k', 'new', repeat('0', 64), 201, 'null', now() - interval '23 hours')`,
    );
    await t.queue.enqueue(JobName.IdempotencyCleanup, {});
    await t.settle(async () => (await t.db.query(`SELECT 1 FROM idempotency_keys WHERE key = 'old'`)).length === 0);
    expect(await t.db.query(`SELECT key FROM idempotency_keys WHERE owner = 'k'`)).toEqual([{ key: 'new' }]);
  });

  it('a refused request leaves its key unused, so the corrected retry runs', async () => {
    const w = await tripWorld(t);
    const body = content(w);
    const bad = await post(
      t,
      w.consignor.key,
      '/v1/waybills',
      { ...body, vehicleId: 'not-a-uuid' },
      { 'Idempotency-Key': 'k-1' },
    );
    expect(bad.status).toBe(400);
    const [keys] = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM idempotency_keys WHERE key = 'k-1'`);
    expect(Number(keys!.n)).toBe(0);
    const good = await post(t, w.consignor.key, '/v1/waybills', body, { 'Idempotency-Key': 'k-2' });
    expect(good.status).toBe(201);
  });

  it('keeps every version of a waybill changed after submission, validated again', async () => {
    const w = await tripWorld(t);
    const s = await submit(t, w);
    const body = content(w, {}, { quantity: { value: 12, unit: 't' } });
    const amended = await t
      .http()
      .put(`/v1/waybills/${s.id}`)
      .set(...bearer(w.consignor.key))
      .send({ ...body, reason: '客户追加 2 吨' });
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ status: 'submitted', version: 2 });
    const refused = await t
      .http()
      .put(`/v1/waybills/${s.id}`)
      .set(...bearer(w.consignor.key))
      .send(content(w, {}, { quantity: { value: 40, unit: 't' } }));
    expect(refused.status).toBe(422);
    expect(rulesOf(refused.body)).toContain('OVERLOAD');
    const full = await get(transport, s.id);
    expect(full.version).toBe(2);
    expect(
      (full.versions as Json[]).map((v) => [
        v.version,
        v.reason,
        (v.content as { items: Json[] }).items[0]!.quantityKg,
      ]),
    ).toEqual([
      [1, 'submitted', 10_000],
      [2, '客户追加 2 吨', 12_000],
    ]);
  });

  it('cancels from draft or submitted only, and a cancelled waybill frees its vehicle and crew', async () => {
    const w = await tripWorld(t);
    const s = await submit(t, w);
    const busy = await submit(t, w);
    expect(busy.status).toBe(422);
    expect(rulesOf(busy.body).sort()).toEqual(['DRIVER_BUSY', 'ESCORT_BUSY', 'VEHICLE_BUSY']);
    const cancelled = await post(t, w.consignor.key, `/v1/waybills/${s.id}/cancel`, { reason: '客户取消订单' });
    expect(cancelled.body.status).toBe('cancelled');
    const retried = await post(t, w.consignor.key, `/v1/waybills/${busy.id}/submit`);
    expect(retried.status).toBe(200);
    await post(t, w.consignor.key, `/v1/waybills/${busy.id}/load`, LOADING_CHECK);
    const late = await post(t, w.consignor.key, `/v1/waybills/${busy.id}/cancel`, { reason: 'too late' });
    expect(late.status).toBe(409);
    expect(late.body.state).toBe('loaded');
  });

  it('shows each enterprise only the waybills it is a party to; agencies filter all', async () => {
    const w = await tripWorld(t);
    const other = await tripWorld(t);
    const s = await submit(t, w);
    const mine = await t
      .http()
      .get('/v1/waybills?as=carrier')
      .set(...bearer(w.carrier.key));
    expect((mine.body.items as Json[]).map((x) => x.id)).toEqual([s.id]);
    expect(
      (
        await t
          .http()
          .get(`/v1/waybills/${s.id}`)
          .set(...bearer(other.consignor.key))
      ).status,
    ).toBe(404);
    const byVehicle = await t
      .http()
      .get(`/v1/waybills?vehicleId=${w.vehicleId}&status=submitted&chemicalId=${w.chemicalId}&district=新吴`)
      .set(...bearer(transport));
    expect((byVehicle.body.items as Json[]).map((x) => x.id)).toEqual([s.id]);
    expect((await post(t, transport, `/v1/waybills/${s.id}/cancel`, { reason: 'x' })).status).toBe(403);
  });

  it('lists as overdue a waybill still on the road 24 h after its planned arrival', async () => {
    const w = await tripWorld(t);
    const id = await loaded(w);
    await post(t, w.carrier.key, `/v1/waybills/${id}/depart`);
    const overdue = async (): Promise<string[]> =>
      (
        (
          await t
            .http()
            .get('/v1/waybills?overdue=true')
            .set(...bearer(transport))
        ).body.items as Json[]
      ).map((x) => x.id as string);
    expect(await overdue()).not.toContain(id);
    // The clock moves on: the planned arrival is now 25 hours ago.
    await t.db.query(`UPDATE waybills SET planned_arrival = now() - interval '25 hours' WHERE id = $1`, [id]);
    expect(await overdue()).toContain(id);
    expect((await get(transport, id)).overdue).toBe(true);
  });

  it('prints the waybill for the driver, with its number as a QR code', async () => {
    const w = await tripWorld(t);
    const s = await submit(t, w);
    const res = await t
      .http()
      .get(`/v1/waybills/${s.id}/print`)
      .set(...bearer(w.consignor.key));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain(String(s.body.number));
    expect(res.text).toMatch(/<svg[^>]*>[\s\S]*<path/);
    expect(res.text).toContain('UN1230');
    // The crew's phones are masked for the consignor, shown to their employer (the carrier).
    expect(res.text).not.toContain('13912345678');
    expect(res.text).toContain('139****5678');
    const carrierCopy = await t
      .http()
      .get(`/v1/waybills/${s.id}/print`)
      .set(...bearer(w.carrier.key));
    expect(carrierCopy.text).toContain('13912345678');
    const d = await draft(t, await tripWorld(t));
    const notYet = await t
      .http()
      .get(`/v1/waybills/${String(d.id)}/print`)
      .set(...bearer(t.adminKey));
    expect(notYet.status).toBe(409);
  });
});
