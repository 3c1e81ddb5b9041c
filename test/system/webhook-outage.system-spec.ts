import { type Fleet, sendStream } from '../../bench/fleet.js';
import { awaitRest, checkEndState, type Endpoint, streamScenario } from './support/checks.js';
import type { Rig } from './support/rig.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DOWN_MS = 120_000;
const SLOW_MS = 2000;

describe('the police receiver down for 2 minutes, then slow (2 s an answer)', () => {
  let rig: Rig;
  let fleet: Fleet;
  let endpoint: Endpoint;

  beforeAll(async () => {
    // 100 vehicles: 10 violations, 20 alerts (opened and closed), 40 s of slow answers.
    ({ rig, fleet, endpoint } = await streamScenario({ vehicles: 100, receiverDown: true }));
  });
  afterAll(() => rig?.close());

  it('delivers every alert once, in order, after it comes back', async () => {
    const downSince = Date.now();
    const stream = await sendStream(fleet, rig.bases);
    expect(stream.statuses).toEqual({ '202': stream.requests });

    // While it is down the alerts are raised, published and tried again and again.
    await sleep(Math.max(0, downSince + DOWN_MS - Date.now()));
    const [tried] = await rig.query<{ deliveries: string; attempts: string; failing: string }>(
      `SELECT count(*) AS deliveries, max(attempts) AS attempts,
              count(*) FILTER (WHERE last_error IS NOT NULL AND status = 'pending') AS failing
         FROM webhook_deliveries WHERE endpoint_id = $1`,
      [endpoint.id],
    );
    expect(Number(tried!.deliveries)).toBe(2 * fleet.expected.size);
    expect(Number(tried!.attempts)).toBeGreaterThan(3);
    expect(Number(tried!.failing)).toBeGreaterThan(0);
    expect(rig.received()).toEqual([]);

    const upAt = Date.now();
    await rig.startReceiver(SLOW_MS);
    await awaitRest(rig, fleet, endpoint);
    const end = await checkEndState(rig, fleet, endpoint);

    // One delivery at a time per endpoint: each was sent only after the previous one's answer.
    const arrivals = rig.received().map((r) => r.at);
    expect(arrivals[0]).toBeGreaterThanOrEqual(upAt);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(SLOW_MS - 50);
    process.stdout.write(
      `webhook-outage: ${JSON.stringify({ stream: stream.statuses, tried, end, lastArrivalAfterUpS: (arrivals.at(-1)! - upAt) / 1000 })}\n`,
    );
  });
});
