import { randomUUID } from 'node:crypto';
import { MSG, RESULT, WAYBILL_REPORT, writeWaybillReport } from '@lib/jt808';
import { Jt808Gateway } from '@lib/telematics';
import { makeEnterprise, makeVehicle, terminalId } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { LOADING_CHECK, post, submit, tripWorld, type TripWorld } from '../support/waybill.js';
import { Terminal } from './terminal.js';

type Json = Record<string, unknown>;

/** "运单号:DG2026\r\n车牌:浙B2345" in GBK, as a terminal sends its electronic waybill. */
const GBK_WAYBILL = Buffer.from('d4cbb5a5bac53a4447323032360d0ab3b5c5c63ad5e34232333435', 'hex');
const GBK_TEXT = '运单号:DG2026\r\n车牌:浙B2345';

/**
 * Issue 16 item 7 over real TCP: a terminal's 0x0701 electronic waybill report (电子运单上报) is
 * stored against its vehicle and the e-waybill holding it before the terminal is answered, once
 * however often it is resent, and read by those who may read the vehicle's waybills.
 */
describe('JT/T 808 electronic waybill reports (0x0701)', () => {
  let t: TestApp;
  let port: number;
  let w: TripWorld;
  let waybillId: string;
  let phone: string;
  let plate: string;
  let police: string;
  let emergency: string;
  let otherCarrier: string;

  beforeAll(async () => {
    t = await createTestApp();
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
    phone = terminalId();
    w = await tripWorld(t, { vehicle: { terminalId: phone } });
    plate = (
      await t
        .http()
        .get(`/v1/vehicles/${w.vehicleId}`)
        .set(...bearer(t.adminKey))
    ).body.plate as string;
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    const other = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    otherCarrier = await t.mintKey({ principal: 'enterprise', enterpriseId: other });
    // Loaded: the e-waybill holds the vehicle (its assignment names the waybill).
    const s = await submit(t, w);
    if (s.status !== 200) throw new Error(`submit refused: ${s.status} ${JSON.stringify(s.body)}`);
    const loaded = await post(t, w.consignor.key, `/v1/waybills/${s.id}/load`, {
      ...LOADING_CHECK,
      at: new Date().toISOString(),
    });
    if (loaded.status !== 200) throw new Error(`load refused: ${loaded.status} ${JSON.stringify(loaded.body)}`);
    waybillId = s.id;
  });
  afterAll(() => t.close());

  const reports = (vehicleId: string, key: string, query = '') =>
    t
      .http()
      .get(`/v1/vehicles/${vehicleId}/waybill-reports${query}`)
      .set(...bearer(key));

  const stored = async (vehicleId: string): Promise<number> =>
    Number(
      (
        await t.db.query<{ n: string }>('SELECT count(*) AS n FROM waybill_reports WHERE vehicle_id = $1', [vehicleId])
      )[0]!.n,
    );

  it('stores a report against the vehicle and its e-waybill before answering 0, once however often it is resent', async () => {
    const term = await new Terminal(phone, plate).open(port);
    await term.signIn();
    const frame = term.frame(WAYBILL_REPORT, writeWaybillReport(GBK_WAYBILL));
    expect((await term.send(frame)).body[4]).toBe(RESULT.ok);
    // Durable when answered: no waiting.
    expect(await stored(w.vehicleId)).toBe(1);
    // The terminal missed the answer: the same frame again, then on a new connection (new serial).
    expect((await term.send(Buffer.from(frame))).body[4]).toBe(RESULT.ok);
    term.close();
    const again = await new Terminal(phone, plate).open(port);
    await again.signIn();
    expect(await again.ask(WAYBILL_REPORT, writeWaybillReport(GBK_WAYBILL))).toBe(RESULT.ok);
    again.close();
    expect(await stored(w.vehicleId)).toBe(1);

    const res = await reports(w.vehicleId, w.transportKey);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      vehicleId: w.vehicleId,
      waybillId,
      terminalId: phone,
      receipts: 3,
      sizeBytes: GBK_WAYBILL.length,
      text: GBK_TEXT,
      contentBase64: GBK_WAYBILL.toString('base64'),
    });
  });

  it('is read by transport, police, admin and the carrier; another carrier and an agency without waybills get a 404 as for no vehicle', async () => {
    for (const key of [w.transportKey, police, t.adminKey, w.carrier.key]) {
      const res = await reports(w.vehicleId, key);
      expect(res.status).toBe(200);
      expect((res.body.items as Json[]).map((r) => r.text)).toContain(GBK_TEXT);
    }
    const missing = randomUUID();
    const none = await reports(missing, otherCarrier);
    expect(none.status).toBe(404);
    for (const key of [otherCarrier, emergency]) {
      const res = await reports(w.vehicleId, key);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe(none.body.code);
      expect(res.body.detail).toBe((none.body.detail as string).replace(missing, w.vehicleId));
      expect(JSON.stringify(res.body)).not.toContain(GBK_TEXT);
    }
  });

  it('refuses content over 16 KiB with result 2 and stores nothing; keeps binary content as bytes; pages newest first', async () => {
    const v = (await makeVehicle(t, w.carrier.enterpriseId)) as { id: string; terminalId: string; plate: string };
    const term = await new Terminal(v.terminalId, v.plate).open(port);
    await term.signIn();
    const oversized = writeWaybillReport(Buffer.alloc(16 * 1024 + 1, 0x41));
    expect(await term.sendInPackages(WAYBILL_REPORT, oversized)).toBe(RESULT.badMessage);
    expect(await stored(v.id)).toBe(0);
    // A body shorter than its length says: result 2.
    expect(await term.ask(WAYBILL_REPORT, Buffer.from([0, 0, 0, 9, 0x41]))).toBe(RESULT.badMessage);
    // The largest content allowed, in packages; then a binary one.
    const largest = Buffer.alloc(16 * 1024, 0x42);
    expect(await term.sendInPackages(WAYBILL_REPORT, writeWaybillReport(largest))).toBe(RESULT.ok);
    const binary = Buffer.from([0x01, 0x02, 0xff, 0x00, 0x7f]);
    expect(await term.ask(WAYBILL_REPORT, writeWaybillReport(binary))).toBe(RESULT.ok);
    term.close();

    const first = await reports(v.id, w.carrier.key, '?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({
      text: null,
      contentBase64: binary.toString('base64'),
      waybillId: null,
    });
    const second = await reports(v.id, w.carrier.key, `?limit=1&cursor=${first.body.nextCursor as string}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0]).toMatchObject({ sizeBytes: largest.length, text: largest.toString('latin1') });
    expect(second.body.nextCursor).toBeNull();
  });

  it('counts a resend that crosses into the next dedup window as the same report; the same content an hour later is a new one', async () => {
    const v = (await makeVehicle(t, w.carrier.enterpriseId)) as { id: string; terminalId: string; plate: string };
    const service = t.app.get(Jt808Gateway).waybillReports;
    const terminal = { phone: v.terminalId, flow: 7 };
    // Times given, not read from the clock: 1 ms before a window's end, 2 ms later, then an hour on.
    const edge = 500_000 * 3600_000 - 1;
    const first = await service.record(v.id, terminal, GBK_WAYBILL, new Date(edge));
    const resent = await service.record(v.id, { ...terminal, flow: 1 }, GBK_WAYBILL, new Date(edge + 2));
    expect(first.kind).toBe('stored');
    expect(resent).toEqual({ kind: 'resent', id: (first as { id: string }).id });
    const later = await service.record(v.id, terminal, GBK_WAYBILL, new Date(edge + 2 + 3600_000));
    expect(later.kind).toBe('stored');
    const res = await reports(v.id, t.adminKey);
    expect((res.body.items as Json[]).map((r) => [r.receipts, r.terminalFlow])).toEqual([
      [1, 7],
      [2, 7],
    ]);
  });

  it('answers 0x0701 before authentication with result 1 and stores nothing', async () => {
    const v = (await makeVehicle(t, w.carrier.enterpriseId)) as { id: string; terminalId: string; plate: string };
    const term = await new Terminal(v.terminalId, v.plate).open(port);
    const answer = await term.send(term.frame(WAYBILL_REPORT, writeWaybillReport(GBK_WAYBILL)), MSG.platformResponse);
    expect(answer.body[4]).toBe(RESULT.failure);
    term.close();
    expect(await stored(v.id)).toBe(0);
  });
});
