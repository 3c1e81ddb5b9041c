import { GeofenceEngine } from './engine.js';
import { Drive, eastbound, loaded, MINUTE, SECOND, standing, T0, VEHICLE, world, at } from './spec-helpers.js';
import type { Assignment, DriverCardEvent, Fix, VehicleState, ViolationEvent } from './types.js';

const DRIVER = '320200198503121234';
const ESCORT = '320200199001011111';
const STRANGER = '110100197001019999';
const onWaybill = (extra: Partial<Assignment> = {}): Assignment =>
  loaded({ crewQualifications: [DRIVER, ESCORT], ...extra });
const card = (ts: number, qualificationNumber: string | null, name = '李卫东'): DriverCardEvent => ({
  vehicleId: VEHICLE,
  ts,
  inserted: true,
  qualificationNumber,
  name: qualificationNumber ? name : null,
});
const removed = (ts: number): DriverCardEvent => ({
  vehicleId: VEHICLE,
  ts,
  inserted: false,
  qualificationNumber: null,
  name: null,
});

/** Card events and fixes in time order, as the evaluator feeds them: a card before the first fix at or after it. */
function run(drive: Drive, assignment: Assignment | null, fixes: Fix[], cards: DriverCardEvent[]): ViolationEvent[] {
  const out: ViolationEvent[] = [];
  const pending = [...cards].sort((a, b) => a.ts - b.ts);
  for (const f of fixes) {
    while (pending.length && pending[0]!.ts <= f.ts)
      out.push(...drive.engine.applyCard(drive.state, assignment, pending.shift()!));
    out.push(...drive.engine.evaluate(drive.state, assignment, f).events);
  }
  for (const c of pending) out.push(...drive.engine.applyCard(drive.state, assignment, c));
  drive.events.push(...out);
  return out.filter((e) => e.rule === 'CREW_MISMATCH');
}

describe('CREW_MISMATCH', () => {
  it('opens when a loaded vehicle moves with a card that is not its driver or escort, naming the card', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 10);
    const events = run(drive, onWaybill(), fixes, [card(T0 - MINUTE, STRANGER, '王五')]);
    expect(events).toHaveLength(1);
    // Two moving fixes with the wrong card: the second opens it.
    expect(events[0]).toMatchObject({
      kind: 'opened',
      rule: 'CREW_MISMATCH',
      openedAt: fixes[0]!.ts,
      at: fixes[1]!.ts,
      severity: 'high',
      waybillId: 'WB-1',
      detail: {
        reason: 'card_not_on_waybill',
        driverName: '王五',
        driverQualificationNumber: STRANGER,
        onWaybill: false,
      },
    });
    expect(JSON.stringify(events)).not.toMatch(/citizen|idNumber/);
  });

  it('raises nothing for the driver or the escort, nor while stopped, nor for an empty vehicle', () => {
    for (const who of [DRIVER, ESCORT]) {
      const drive = new Drive();
      expect(run(drive, onWaybill(), eastbound(T0, 200), [card(T0 - MINUTE, who)])).toEqual([]);
    }
    const parked = new Drive();
    expect(run(parked, onWaybill(), standing(T0, 60, at(0, 0)), [card(T0 - MINUTE, STRANGER)])).toEqual([]);
    const empty = new Drive();
    expect(run(empty, onWaybill({ loaded: false }), eastbound(T0, 100), [card(T0 - MINUTE, STRANGER)])).toEqual([]);
    // A waybill whose crew is not known cannot make a card wrong.
    const unknown = new Drive();
    expect(run(unknown, loaded(), eastbound(T0, 100), [card(T0 - MINUTE, STRANGER)])).toEqual([]);
  });

  it('closes when a crew member inserts their card, at the card time', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 30);
    const swap = fixes[20]!.ts + 5 * SECOND;
    const events = run(drive, onWaybill(), fixes, [card(T0 - MINUTE, STRANGER, '王五'), card(swap, DRIVER, '李卫东')]);
    expect(events.map((e) => e.kind)).toEqual(['opened', 'closed']);
    expect(events[1]).toMatchObject({
      closedAt: swap,
      openedAt: fixes[0]!.ts,
      detail: {
        reason: 'card_not_on_waybill',
        driverName: '李卫东',
        driverQualificationNumber: DRIVER,
        onWaybill: true,
      },
    });
  });

  it('stays open when the wrong card is only taken out, and closes when the trip ends', () => {
    const drive = new Drive();
    const fixes = eastbound(T0, 20);
    const opened = run(drive, onWaybill(), fixes, [card(T0 - MINUTE, STRANGER), removed(fixes[5]!.ts + SECOND)]);
    expect(opened.map((e) => e.kind)).toEqual(['opened']);
    const after = eastbound(fixes[19]!.ts + 10 * SECOND, 3, { fromEast: 3000 });
    const closed = run(drive, onWaybill({ loaded: false }), after, []);
    expect(closed).toMatchObject([{ kind: 'closed', closedAt: after[0]!.ts, detail: { driverName: null } }]);
  });

  it('opens after 10 minutes of driving with no card (fix time), not before', () => {
    const drive = new Drive();
    // A card in, then out at T0; the vehicle drives on, a fix every 10 s.
    const fixes = eastbound(T0, 70);
    const events = run(drive, onWaybill(), fixes, [card(T0 - 5 * MINUTE, DRIVER), removed(T0)]);
    expect(events).toHaveLength(1);
    // 600 s of moving time is reached at fixes[60]; two holding fixes open it at fixes[61].
    expect(events[0]).toMatchObject({
      kind: 'opened',
      openedAt: fixes[60]!.ts,
      at: fixes[61]!.ts,
      detail: { reason: 'no_card', driverName: null, driverQualificationNumber: null, noCardSeconds: 610 },
    });
    const early = new Drive();
    expect(run(early, onWaybill(), eastbound(T0, 58), [card(T0 - 5 * MINUTE, DRIVER), removed(T0)])).toEqual([]);
  });

  it('counts moving time only: a tanker parked without a card is not driving, stop-and-go is', () => {
    const parked = new Drive();
    const still = standing(T0, 60, at(0, 0), 60);
    expect(run(parked, onWaybill(), still, [removed(T0 - SECOND), card(T0 - MINUTE, DRIVER)])).toEqual([]);
    // Stop-and-go: 30 s moving, 30 s standing at lights, for 20 minutes.
    const drive = new Drive();
    const fixes: Fix[] = [];
    let east = 0;
    for (let i = 0; i < 120; i++) {
      const moving = Math.floor(i / 3) % 2 === 0;
      if (moving) east += 150;
      fixes.push({ ...eastbound(T0 + i * 10 * SECOND, 1, { fromEast: east })[0]!, speedKmh: moving ? 54 : 0 });
    }
    const events = run(drive, onWaybill(), fixes, [card(T0 - MINUTE, DRIVER), removed(T0 - 1)]);
    expect(events.map((e) => e.kind)).toEqual(['opened']);
  });

  it('judges no vehicle on cards it never reported (no reader, or a carrier platform over HTTP)', () => {
    const drive = new Drive();
    expect(run(drive, onWaybill(), eastbound(T0, 400), [])).toEqual([]);
  });

  it('survives a checkpoint and a replay of its cards and fixes without a second violation', () => {
    const fixes = eastbound(T0, 40);
    const cards = [card(T0 - MINUTE, STRANGER), card(fixes[30]!.ts + SECOND, DRIVER)];
    const straight = new Drive();
    const expected = run(straight, onWaybill(), fixes, cards);
    expect(expected.map((e) => e.kind)).toEqual(['opened', 'closed']);

    // A worker evaluates up to fixes[10], checkpoints, goes on to fixes[20] and dies; the next
    // one restores the checkpoint and replays everything from its start (cards and fixes).
    const engine = new GeofenceEngine(world());
    const first = new Drive();
    run(
      first,
      onWaybill(),
      fixes.slice(0, 11),
      cards.filter((c) => c.ts <= fixes[10]!.ts),
    );
    const checkpoint = JSON.parse(JSON.stringify(first.state)) as VehicleState;
    run(
      first,
      onWaybill(),
      fixes.slice(11, 21),
      cards.filter((c) => c.ts <= fixes[20]!.ts),
    );
    const second = new Drive();
    second.state = checkpoint;
    const replayed: ViolationEvent[] = [];
    // Replay from the beginning: what is at or before the checkpoint's watermark and card cursor is skipped.
    expect(engine.cardCursor(checkpoint)).toBe(cards[0]!.ts);
    for (const c of cards) replayed.push(...second.engine.applyCard(second.state, onWaybill(), c));
    const afterCheckpoint = run(second, onWaybill(), fixes.slice(11), []);
    const all = [...first.events.filter((e) => e.rule === 'CREW_MISMATCH'), ...afterCheckpoint, ...replayed];
    const ids = new Set(all.map((e) => `${e.kind}|${e.openedAt}`));
    expect([...ids].sort()).toEqual(expected.map((e) => `${e.kind}|${e.openedAt}`).sort());
  });
});
