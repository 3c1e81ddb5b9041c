import { verifySignature } from '../../../libs/exchange/src/webhooks/signature.js';
import { waitFor } from '../../support/processes.js';
import { Api, buildFleet, type Fleet } from '../../../bench/fleet.js';
import { Rig } from './rig.js';

export interface Endpoint {
  id: string;
  secret: string;
}

/** The police register the scenario's receiver for every violation event. */
export async function registerPoliceReceiver(rig: Rig, fleet: Fleet): Promise<Endpoint> {
  const res = await fetch(`${rig.bases[0]!}/v1/exchange/webhooks`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${fleet.policeKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: rig.receiverUrl, types: ['violation.*'] }),
  });
  const body = (await res.json()) as { id: string; secret: string };
  if (res.status !== 201) throw new Error(`webhook registration: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * The setting of the stream scenarios: the whole system as processes, the police receiver up
 * (unless `receiverDown`), a fleet of `vehicles` tankers (100 fixes each) and the police endpoint.
 */
export async function streamScenario(
  options: {
    apis?: number;
    workers?: number;
    env?: Record<string, string>;
    vehicles?: number;
    receiverDown?: boolean;
  } = {},
): Promise<{ rig: Rig; fleet: Fleet; endpoint: Endpoint }> {
  const rig = await Rig.start({ apis: options.apis ?? 1, workers: options.workers ?? 1, env: options.env });
  if (!options.receiverDown) await rig.startReceiver();
  const fleet = await buildFleet(new Api(rig.bases[0]!, rig.adminKey), options.vehicles ?? 1000, 100);
  return { rig, fleet, endpoint: await registerPoliceReceiver(rig, fleet) };
}

/**
 * Waits until the system is at rest after the stream: every fix consumed, every expected
 * violation open and closed again, and every delivery for the endpoint made.
 */
export async function awaitRest(
  rig: Rig,
  fleet: Fleet,
  endpoint: Endpoint,
  timeoutMs = Number(process.env.SYSTEM_REST_TIMEOUT_MS ?? 240_000),
): Promise<number> {
  const closedPerViolation = fleet.expected.size;
  let last = 'nothing read yet';
  try {
    return await waitFor(
      async () => {
        const pending = await rig.pendingFixes();
        const [v] = await rig.query<{ closed: string; open: string }>(
          `SELECT count(*) FILTER (WHERE status = 'closed') AS closed, count(*) FILTER (WHERE status = 'open') AS open FROM violations`,
        );
        const [d] = await rig.query<{ pending: string; total: string }>(
          `SELECT count(*) FILTER (WHERE status <> 'delivered') AS pending, count(*) AS total FROM webhook_deliveries WHERE endpoint_id = $1`,
          [endpoint.id],
        );
        const received = new Set(rig.received().map((r) => r.body.id)).size;
        const [o] = await rig.query<{ unrelayed: string; published: string; police: string }>(
          `SELECT (SELECT count(*) FROM outbox WHERE relayed_at IS NULL) AS unrelayed,
                  (SELECT count(*) FROM exchange_events WHERE type IN ('violation.opened', 'violation.closed')) AS published,
                  (SELECT count(*) FROM exchange_events WHERE type IN ('violation.opened', 'violation.closed')
                      AND audience @> ARRAY['police']) AS police`,
        );
        last = `fixes in the stream ${pending}, violations closed ${v!.closed} open ${v!.open} (expected ${closedPerViolation}), outbox not relayed ${o!.unrelayed}, alerts published ${o!.published} (to police ${o!.police}), deliveries ${d!.total} of which pending ${d!.pending}, received ${received}`;
        return (
          pending === 0 &&
          Number(v!.closed) >= closedPerViolation &&
          Number(v!.open) === 0 &&
          // Opened and closed, for each violation.
          Number(d!.total) >= 2 * closedPerViolation &&
          Number(d!.pending) === 0 &&
          received >= Number(d!.total)
        );
      },
      timeoutMs,
      'the system at rest (fixes consumed, violations closed, deliveries made)',
    );
  } catch (err) {
    const warnings = rig
      .output()
      .split('\n')
      .filter((l) => /"level":(40|50|60)|Error/.test(l))
      .slice(-15)
      .map((l) => l.slice(0, 400));
    throw new Error(`${(err as Error).message}; last seen: ${last}\n${warnings.join('\n')}`, { cause: err });
  }
}

export interface EndState {
  fixes: number;
  violations: number;
  deliveries: number;
  /** Deliveries the receiver got more than once (same event id): allowed only where stated. */
  redelivered: number;
}

/**
 * The end state every scenario must reach, whatever fault it went through: every fix stored
 * once, each known violation raised once and nothing else, every alert event delivered, in
 * order, signed, by id.
 */
export async function checkEndState(
  rig: Rig,
  fleet: Fleet,
  endpoint: Endpoint,
  options: { allowRedelivery?: boolean } = {},
): Promise<EndState> {
  // Every fix stored exactly once: 100 per vehicle, no vehicle missing (the key makes a second copy impossible).
  const [f] = await rig.query<{ n: string; vehicles: string; short: string }>(
    `SELECT count(*) AS n, count(DISTINCT vehicle_id) AS vehicles,
            (SELECT count(*) FROM (SELECT vehicle_id FROM fixes GROUP BY vehicle_id HAVING count(*) <> $1) x) AS short
       FROM fixes`,
    [fleet.fixesPerVehicle],
  );
  expect({ fixes: Number(f!.n), vehicles: Number(f!.vehicles), short: Number(f!.short) }).toEqual({
    fixes: fleet.vehicleIds.length * fleet.fixesPerVehicle,
    vehicles: fleet.vehicleIds.length,
    short: 0,
  });
  // Each vehicle's fixes were evaluated in order: none was taken for late or for a jump.
  const [flagged] = await rig.query<{ n: string }>('SELECT count(*) AS n FROM fixes WHERE flags <> 0');
  expect(Number(flagged!.n)).toBe(0);

  // Each expected violation exactly once, nothing else.
  const violations = await rig.query<{ id: string; vehicle_id: string; rule: string; status: string }>(
    'SELECT id, vehicle_id, rule, status FROM violations',
  );
  const raised = new Map<string, number>();
  for (const v of violations)
    raised.set(`${v.vehicle_id}|${v.rule}`, (raised.get(`${v.vehicle_id}|${v.rule}`) ?? 0) + 1);
  expect(Object.fromEntries([...raised].sort())).toEqual(Object.fromEntries([...fleet.expected].sort()));

  // Published once each: one violation.opened and one violation.closed per violation.
  const events = await rig.query<{ type: string; violation_id: string; n: string }>(
    `SELECT type, payload->>'violationId' AS violation_id, count(*) AS n FROM exchange_events
      WHERE stream = 'violation' GROUP BY 1, 2`,
  );
  const opened = events.filter((e) => e.type === 'violation.opened');
  const closed = events.filter((e) => e.type === 'violation.closed');
  const ids = violations.map((v) => v.id).sort();
  expect(opened.map((e) => e.violation_id).sort()).toEqual(ids);
  expect(closed.map((e) => e.violation_id).sort()).toEqual(ids);
  expect(events.every((e) => Number(e.n) === 1)).toBe(true);

  // Delivered: the receiver has every event the endpoint is owed, first arrivals in cursor order,
  // each signed with the endpoint's secret and keyed by its id.
  const owed = await rig.query<{ id: string; seq: string }>(
    `SELECT e.id, e.seq FROM webhook_deliveries d JOIN exchange_events e ON e.seq = d.event_seq
      WHERE d.endpoint_id = $1 ORDER BY e.seq`,
    [endpoint.id],
  );
  expect(owed.length).toBe(2 * violations.length);
  const received = rig.received();
  const firstArrivals: string[] = [];
  const seen = new Set<string>();
  for (const r of received) {
    expect(r.idempotencyKey).toBe(r.body.id);
    expect(verifySignature(endpoint.secret, r.raw, r.signature ?? '', r.at)).toBe(true);
    if (!seen.has(r.body.id)) firstArrivals.push(r.body.id);
    seen.add(r.body.id);
  }
  expect(firstArrivals).toEqual(owed.map((o) => o.id));
  const redelivered = received.length - firstArrivals.length;
  if (!options.allowRedelivery) expect(redelivered).toBe(0);
  return { fixes: Number(f!.n), violations: violations.length, deliveries: received.length, redelivered };
}
