import { SimulatedTerminal } from '../../apps/gateway/src/simulator.js';
import { RESULT } from '@lib/jt808';
import { Jt808Gateway } from '@lib/telematics';
import { Receiver } from '../support/exchange.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { A, B, LOADING_CHECK, M_PER_DEG_LON, post, submit, tripWorld, type TripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;

/** The simulated terminal of a vehicle, signed in over real TCP. */
async function terminalOf(t: TestApp, port: number, vehicleId: string): Promise<SimulatedTerminal> {
  const vehicle = (
    await t
      .http()
      .get(`/v1/vehicles/${vehicleId}`)
      .set(...bearer(t.adminKey))
  ).body as Json;
  const term = new SimulatedTerminal(vehicle.terminalId as string, vehicle.plate as string);
  await term.open('127.0.0.1', port);
  if (!(await term.signIn())) throw new Error('the terminal was refused');
  return term;
}

/** `n` fixes every `everyS` s from `from`, east along the route A→B at 54 km/h; resolves once all are answered. */
async function drive(term: SimulatedTerminal, from: number, n: number, everyS = 2): Promise<number[]> {
  const acked = term.acked;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = from + i * everyS * 1000;
    const east = Math.min(i * everyS * 15, (B[0] - A[0]) * M_PER_DEG_LON - 100);
    term.report({ lon: A[0] + east / M_PER_DEG_LON, lat: A[1], speedKmh: 54, heading: 90, at: new Date(at) });
    times.push(at);
  }
  const deadline = Date.now() + 30_000;
  while (term.acked < acked + n) {
    if (Date.now() > deadline) throw new Error(`${term.acked - acked} of ${n} fixes answered`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return times;
}

const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * Who is driving, end to end over real TCP: a loaded tanker on its e-waybill reports driver cards
 * (JT/T 808 0x0702) from a simulated terminal; a card that is not its driver's or escort's opens
 * CREW_MISMATCH, which reaches the police webhook within 2 s of the fix that opened it (times as
 * the system recorded them); the driver's own card raises nothing; ten minutes of driving (fix
 * time) with no card opens it too.
 */
describe('who is driving (JT/T 808 0x0702, CREW_MISMATCH)', () => {
  let t: TestApp;
  let port: number;
  let police: string;
  let transport: string;
  const policeHook = new Receiver();
  const terminals: SimulatedTerminal[] = [];

  beforeAll(async () => {
    await policeHook.start();
    t = await createTestApp({ env: { FIX_HOLD_MS: '100', EXCHANGE_RELAY_INTERVAL_MS: '100' } });
    port = await t.app.get(Jt808Gateway).listen(0, '127.0.0.1');
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    const hook = await post(t, police, '/v1/exchange/webhooks', { url: policeHook.url, types: ['violation.*'] });
    if (hook.status !== 201) throw new Error(`police webhook refused: ${JSON.stringify(hook.body)}`);
  });
  afterAll(async () => {
    for (const term of terminals) term.close();
    await t.close();
    await policeHook.close();
  });

  /** A tanker loaded on its e-waybill now; answers the world, the waybill id and the loading time. */
  async function loadedTrip(): Promise<{ trip: TripWorld; waybillId: string; loadedAt: number }> {
    const trip = await tripWorld(t, { transportKey: transport });
    const s = await submit(t, trip);
    expect(s.status).toBe(200);
    // The next whole second (BCD times have whole seconds; loading may not precede submission).
    const loadedAt = wholeSeconds(Date.now()) + 1000;
    const loaded = await post(t, trip.consignor.key, `/v1/waybills/${s.id}/load`, {
      ...LOADING_CHECK,
      at: new Date(loadedAt).toISOString(),
    });
    expect(loaded.status).toBe(200);
    return { trip, waybillId: s.id, loadedAt };
  }

  const person = async (id: string) =>
    (
      await t
        .http()
        .get(`/v1/personnel/${id}`)
        .set(...bearer(t.adminKey))
    ).body as Json;

  const crewViolations = async (vehicleId: string) =>
    (
      await t
        .http()
        .get(`/v1/violations?vehicleId=${vehicleId}&rule=CREW_MISMATCH`)
        .set(...bearer(transport))
    ).body.items as Json[];

  it('alerts police within 2 s when a loaded tanker moves with a card that is not its crew’s', async () => {
    const { trip, waybillId, loadedAt } = await loadedTrip();
    const term = await terminalOf(t, port, trip.vehicleId);
    terminals.push(term);
    const stranger = {
      name: '王五',
      qualificationNumber: '110100197001019999',
      issuer: '北京市交通委员会',
      validUntil: '2029-01-31',
      citizenId: '11010519491231002X',
    };
    expect(await term.swipeCard(stranger, new Date(loadedAt + 1000))).toBe(RESULT.ok);
    const times = await drive(term, loadedAt + 2000, 6);

    await policeHook.waitFor(
      () => policeHook.ofType('violation.opened').some((r) => (r.body.data as Json).rule === 'CREW_MISMATCH'),
      30_000,
    );
    const got = policeHook.ofType('violation.opened').find((r) => (r.body.data as Json).rule === 'CREW_MISMATCH')!;
    const data = got.body.data as Json;
    expect(data).toMatchObject({
      vehicleId: trip.vehicleId,
      waybillId,
      severity: 'high',
      // The second moving fix with the wrong card opens it; the episode starts at the first.
      openedAt: new Date(times[0]!).toISOString(),
      detail: {
        reason: 'card_not_on_waybill',
        driverName: '王五',
        driverQualificationNumber: '110100197001019999',
        onWaybill: false,
      },
    });
    // The alert names the trip's crew as well (who should be driving), and never the card's citizen id.
    expect((data.driver as Json).id).toBe(trip.driverId);
    expect(got.raw).not.toContain(stranger.citizenId);

    // The product's promise, from the system's own records: from the receipt of the fix that
    // opened it to the police endpoint's answer.
    // (The sender records the delivery once the endpoint has answered: wait for that record.)
    const timingOf = () =>
      t.db.query<{ received: Date; delivered: Date | null }>(
        `SELECT v.trigger_received_at AS received, d.delivered_at AS delivered
           FROM violations v
           JOIN exchange_events e ON e.payload->>'violationId' = v.id::text AND e.type = 'violation.opened'
           JOIN webhook_deliveries d ON d.event_seq = e.seq
          WHERE v.id = $1`,
        [data.violationId],
      );
    await t.settle(async () => Boolean((await timingOf())[0]?.delivered), 30_000);
    const [timing] = await timingOf();
    expect(timing).toBeDefined();
    const ms = new Date(timing!.delivered!).getTime() - new Date(timing!.received).getTime();
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(2000);

    // The card is stored against the trip; its citizen id is shown as each reader may see it.
    const asPolice = await t
      .http()
      .get(`/v1/vehicles/${trip.vehicleId}/driver-cards?limit=1`)
      .set(...bearer(police));
    expect(asPolice.status).toBe(200);
    expect(asPolice.body).toEqual([
      expect.objectContaining({
        status: 'inserted',
        at: new Date(loadedAt + 1000).toISOString(),
        waybillId,
        name: '王五',
        qualificationNumber: '110100197001019999',
        onWaybill: false,
        // Police read crew id numbers in clear (the shipped sharing policy).
        idNumber: stranger.citizenId,
        masked: false,
      }),
    ]);
    const asTransport = await t
      .http()
      .get(`/v1/vehicles/${trip.vehicleId}/driver-cards`)
      .set(...bearer(transport));
    expect(asTransport.body[0]).toMatchObject({ idNumber: '110***********002X', masked: true });
    const asCarrier = await t
      .http()
      .get(`/v1/vehicles/${trip.vehicleId}/driver-cards`)
      .set(...bearer(trip.carrier.key));
    expect(asCarrier.body[0]).toMatchObject({ idNumber: stranger.citizenId, masked: false });
    const market = await t.mintKey({ principal: 'agency', agency: 'market' });
    expect(
      (
        await t
          .http()
          .get(`/v1/vehicles/${trip.vehicleId}/driver-cards`)
          .set(...bearer(market))
      ).status,
    ).toBe(403);
    const stored = await t.db.query<{ citizen_id: string }>(
      'SELECT citizen_id FROM driver_card_events WHERE vehicle_id = $1',
      [trip.vehicleId],
    );
    // The swipe, and the same card again if the gateway's request at sign-in (0x8702) came after it.
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(stored.every((r) => r.citizen_id === stranger.citizenId)).toBe(true);

    // The driver takes over: their card closes the violation.
    const driver = await person(trip.driverId);
    expect(
      await term.swipeCard(
        {
          name: driver.name as string,
          qualificationNumber: driver.qualificationNumber as string,
          issuer: '无锡市交通运输局',
          validUntil: driver.qualificationExpiry as string,
        },
        new Date(times[5]! + 1000),
      ),
    ).toBe(RESULT.ok);
    await drive(term, times[5]! + 2000, 2);
    await policeHook.waitFor(
      () => policeHook.ofType('violation.closed').some((r) => (r.body.data as Json).rule === 'CREW_MISMATCH'),
      30_000,
    );
    const closed = policeHook.ofType('violation.closed').find((r) => (r.body.data as Json).rule === 'CREW_MISMATCH')!;
    expect(closed.body.data).toMatchObject({
      violationId: data.violationId,
      closedAt: new Date(times[5]! + 1000).toISOString(),
      detail: { driverName: driver.name, onWaybill: true },
    });
  });

  it('raises nothing when the driver’s own card is in the reader', async () => {
    const { trip, loadedAt } = await loadedTrip();
    const term = await terminalOf(t, port, trip.vehicleId);
    terminals.push(term);
    const driver = await person(trip.driverId);
    // Typed with a space and lower case on the card: the same number.
    const qualification = ` ${(driver.qualificationNumber as string).toLowerCase()}`;
    expect(
      await term.swipeCard(
        {
          name: driver.name as string,
          qualificationNumber: qualification,
          issuer: '无锡市交通运输局',
          validUntil: '2029-01-31',
        },
        new Date(loadedAt + 1000),
      ),
    ).toBe(RESULT.ok);
    await drive(term, loadedAt + 2000, 20);
    await t.drainFixes();
    await t.settle();
    expect(await crewViolations(trip.vehicleId)).toEqual([]);
    const cards = await t
      .http()
      .get(`/v1/vehicles/${trip.vehicleId}/driver-cards`)
      .set(...bearer(transport));
    // The swipe (and, if the gateway's 0x8702 at sign-in came after it, the same card reported again).
    expect(cards.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ onWaybill: true, status: 'inserted' })]),
    );
    expect(
      (cards.body as Json[]).every(
        (c) =>
          c.status === 'inserted' &&
          (c.qualificationNumber as string).trim().toUpperCase() === qualification.trim().toUpperCase(),
      ),
    ).toBe(true);
  });

  it('opens after ten minutes of driving with no card, counted in fix time', async () => {
    // A tanker loaded half an hour ago (set by the transport bureau), reporting its track now.
    const world = await tripWorld(t, { transportKey: transport });
    const base = wholeSeconds(Date.now() - 30 * 60_000);
    const set = await t
      .http()
      .put(`/v1/vehicles/${world.vehicleId}/assignment`)
      .set(...bearer(t.adminKey))
      .send({
        routeId: world.routeId,
        loaded: true,
        chemicalIds: [world.chemicalId],
        validFrom: new Date(base).toISOString(),
        validTo: new Date(base + 6 * 3600_000).toISOString(),
      });
    expect(set.status).toBe(200);
    const term = await terminalOf(t, port, world.vehicleId);
    terminals.push(term);
    const driver = await person(world.driverId);
    const card = {
      name: driver.name as string,
      qualificationNumber: driver.qualificationNumber as string,
      issuer: '无锡市交通运输局',
      validUntil: '2029-01-31',
    };
    expect(await term.swipeCard(card, new Date(base + 60_000))).toBe(RESULT.ok);
    expect(await term.swipeCard(null, new Date(base + 120_000))).toBe(RESULT.ok);
    // Nine and a half minutes of driving: nothing yet.
    const first = await drive(term, base + 140_000, 29, 20);
    await t.drainFixes();
    await t.settle();
    expect(await crewViolations(world.vehicleId)).toEqual([]);
    // Driving on past ten minutes without a card.
    const more = await drive(term, first[28]! + 20_000, 4, 20);
    await t.drainFixes();
    await t.settle(async () => (await crewViolations(world.vehicleId)).length === 1);
    const [v] = await crewViolations(world.vehicleId);
    expect(v).toMatchObject({
      status: 'open',
      openedAt: new Date(more[0]!).toISOString(),
      detail: { reason: 'no_card', driverName: null, driverQualificationNumber: null },
    });
    expect((v!.detail as Json).noCardSeconds).toBeGreaterThanOrEqual(600);
  });
});
