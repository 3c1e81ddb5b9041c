import { chemicalByCas, makePerson } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { draft, post, rulesOf, submit, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;
/** An instant given as Asia/Shanghai wall time on the local date `offsetDays` from today. */
const localAt = (offsetDays: number, hhmm: string): string => {
  const date = new Date(Date.now() + offsetDays * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
  return new Date(`${date}T${hhmm}:00+08:00`).toISOString();
};

/**
 * The transport rules a regulator checks (issue 17, item 2), through the real app on the real
 * store: tank filling per compartment, every failure (busy vehicle and crew included) in one 422,
 * a route's hours over the whole trip, the tunnel code of the transport unit as a whole.
 */
describe('e-waybill transport rules', () => {
  let t: TestApp;
  let transport: string;
  beforeAll(async () => {
    t = await createTestApp();
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
  });
  afterAll(() => t.close());

  const world = (options: Parameters<typeof tripWorld>[1] = {}): Promise<TripWorld> =>
    tripWorld(t, { transportKey: transport, ...options });

  it('refuses an overfilled tank compartment, naming the compartment, its capacity, the filling and the volume', async () => {
    // Two compartments, 8,000 L and 16,500 L. Methanol (3 + 6.1, ADR 4.3.2.2.1(d)) may fill
    // 95 % / (1 + 0.0012 × 35) = 91.17 %: 7,294 L of compartment 1. 7 t at 0.791 kg/L is 8,850 L.
    const w = await world({ vehicle: { tankVolumeM3: 24.5, tankCompartmentsL: [8000, 16500] } });
    const s = await submit(t, w, {}, { quantity: { value: 7, unit: 't' }, compartment: 1 });
    expect(s.status).toBe(422);
    expect(rulesOf(s.body)).toEqual(['TANK_OVERFILL']);
    const [problem] = s.body.errors as Json[];
    expect(problem!.path).toBe('items[0].quantity');
    expect(problem!.message).toMatch(/compartment 1 .*8,000 L.*91\.17 %.*7,294 L.*7,000 kg.*8,850 L/);
    // The same 7 t fits compartment 2 (16,500 × 91.17 % = 15,043 L), and 5 t (6,321 L) fits compartment 1.
    expect(
      (
        await submit(
          t,
          await world({ vehicle: { tankVolumeM3: 24.5, tankCompartmentsL: [8000, 16500] } }),
          {},
          { quantity: { value: 7, unit: 't' }, compartment: 2 },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await submit(
          t,
          await world({ vehicle: { tankVolumeM3: 24.5, tankCompartmentsL: [8000, 16500] } }),
          {},
          { quantity: { value: 5, unit: 't' }, compartment: 1 },
        )
      ).status,
    ).toBe(200);
  });

  it('refuses a compartment the tank does not have, and a tank record whose compartments do not add up', async () => {
    const w = await world();
    expect(rulesOf((await submit(t, w, {}, { compartment: 2 })).body)).toEqual(['TANK_COMPARTMENT_UNKNOWN']);
    const res = await t
      .http()
      .patch(`/v1/vehicles/${w.vehicleId}`)
      .set(...bearer(t.adminKey))
      .send({ tankCompartmentsL: [8000, 8000] });
    expect(res.status).toBe(422);
    expect(rulesOf(res.body)).toEqual(['TANK_COMPARTMENTS']);
  });

  it('answers one 422 listing every failed rule, the busy vehicle and driver included', async () => {
    const w = await world();
    const first = await submit(t, w);
    expect(first.status).toBe(200);
    // The clerk files a second trip with the same tanker and driver, an escort whose qualification
    // has expired, and 25 t of methanol (31,606 L) in a 24,500 L tank (22,337 L at 91.17 %).
    const escortId = (
      await makePerson(t, w.carrier.enterpriseId, {
        name: '赵押运',
        role: 'escort',
        qualificationKind: 'dg_escort',
        qualificationExpiry: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
      })
    ).id as string;
    const second = await draft(t, w, { escortId }, { quantity: { value: 25, unit: 't' } });
    const res = await post(t, w.consignor.key, `/v1/waybills/${String(second.id)}/submit`);
    expect(res.status).toBe(422);
    expect(rulesOf(res.body).sort()).toEqual([
      'DRIVER_BUSY',
      'ESCORT_QUALIFICATION_EXPIRED',
      'TANK_OVERFILL',
      'VEHICLE_BUSY',
    ]);
    // The other trip is the same consignor's: it is named.
    const busy = (res.body.errors as Json[]).find((e) => e.rule === 'VEHICLE_BUSY')!;
    expect(busy.message).toContain(first.id);
    // Nothing was reserved by the refused submission; the first trip still holds its assets.
    const held = await t.db.query<{ waybill_id: string }>(
      'SELECT DISTINCT waybill_id FROM waybill_active_assets WHERE waybill_id IN ($1, $2)',
      [first.id, second.id],
    );
    expect(held.map((h) => h.waybill_id)).toEqual([first.id]);
  });

  it('checks a route’s allowed hours over the whole trip, not only at departure', async () => {
    const w = await world({ route: { allowedHours: [{ from: '06:00', to: '20:00' }] } });
    // Leaves at 19:00 inside the window, arrives at 21:00 after it closed.
    const late = await submit(t, w, { plannedDeparture: localAt(2, '19:00'), plannedArrival: localAt(2, '21:00') });
    expect(late.status).toBe(422);
    expect(rulesOf(late.body)).toEqual(['ROUTE_HOURS']);
    const [problem] = late.body.errors as Json[];
    expect(problem!.path).toBe('plannedArrival');
    expect(problem!.message).toMatch(/19:00 → 21:00 .* from 20:00/);
    const inside = await submit(t, await world({ route: { allowedHours: [{ from: '06:00', to: '20:00' }] } }), {
      plannedDeparture: localAt(2, '18:00'),
      plannedArrival: localAt(2, '20:00'),
    });
    expect(inside.status).toBe(200);
  });

  it('applies the tunnel code to the transport unit: two lines of 600 kg of TNT are 1,200 kg, B1000C is B', async () => {
    const tnt = (await chemicalByCas(t, '118-96-7')).id as string;
    const tunnel = { tunnels: [{ name: '惠山隧道', category: 'B', at: [120.306, 31.5] }] };
    const packaged = { vehicle: { kind: 'van', tankVolumeM3: undefined }, route: tunnel };
    const line = (kg: number): Json => ({
      chemicalId: tnt,
      quantity: { value: kg, unit: 'kg' },
      packaging: 'packaged',
      packages: 20,
    });
    // Other rules refuse explosives on this world (vehicle, route and crew are not approved for
    // class 1); only whether the tunnel rule is among them is this test's question.
    const heavy = await submit(t, await world(packaged), { items: [line(600), line(600)] });
    expect(heavy.status).toBe(422);
    const restricted = (heavy.body.errors as Json[]).filter((e) => e.rule === 'TUNNEL_RESTRICTED');
    expect(restricted).toHaveLength(1);
    expect(restricted[0]!.message).toMatch(/restriction is B \(line\(s\) 1, 2; 1200 kg net explosive mass/);
    const light = await submit(t, await world(packaged), { items: [line(400), line(500)] });
    expect(rulesOf(light.body)).not.toContain('TUNNEL_RESTRICTED');
  });

  it('prints the emergency phone, the carrier’s permit, the road transport certificate, the tank number and UN, class, PG and tunnel code per line', async () => {
    const w = await world({
      vehicle: { tankNumber: 'RG-320200-0815', transportCertNumber: '苏交运管无字320200777号' },
      carrierLicence: { number: '苏交运管许可锡字320200009号' },
    });
    await t
      .http()
      .patch(`/v1/enterprises/${w.consignor.enterpriseId}`)
      .set(...bearer(t.adminKey))
      .send({ contacts: [{ name: '钱应急', role: '应急联系人', phone: '0510-82345678' }] });
    const s = await submit(t, w);
    expect(s.status).toBe(200);
    const res = await t
      .http()
      .get(`/v1/waybills/${s.id}/print`)
      .set(...bearer(w.carrier.key));
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toMatch(/应急联系电话[^<]*<\/th><td>0510-82345678 \(钱应急\)/);
    expect(html).toMatch(/道路运输经营许可证号[^<]*<\/th><td>苏交运管许可锡字320200009号/);
    expect(html).toMatch(/道路运输证号[^<]*<\/th><td>苏交运管无字320200777号/);
    expect(html).toMatch(/罐体编号[^<]*<\/th><td>RG-320200-0815/);
    // Methanol: UN1230, class 3, packing group II, tunnel code D/E.
    expect(html).toMatch(/<td>UN1230<\/td><td>[^<]*<\/td><td>3<\/td><td>II<\/td><td>D\/E<\/td>/);
  });
});
