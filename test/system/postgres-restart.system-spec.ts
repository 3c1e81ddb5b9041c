import { type Fleet, sendStream } from '../../bench/fleet.js';
import { awaitRest, checkEndState, type Endpoint, streamScenario } from './support/checks.js';
import type { Rig } from './support/rig.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HealthSample {
  at: number;
  status: number | 'network';
  database?: boolean;
}

describe('PostgreSQL restarted in the middle of the stream', () => {
  let rig: Rig;
  let fleet: Fleet;
  let endpoint: Endpoint;

  beforeAll(async () => {
    ({ rig, fleet, endpoint } = await streamScenario());
  });
  afterAll(() => rig?.close());

  it('reaches the same end state; /health shows the outage and the recovery', async () => {
    const samples: HealthSample[] = [];
    const polling = { on: true };
    const poller = (async () => {
      while (polling.on) {
        const at = Date.now();
        try {
          const res = await fetch(`${rig.bases[0]!}/health`, { signal: AbortSignal.timeout(5000) });
          const body = (await res.json()) as { database: { up: boolean } };
          samples.push({ at, status: res.status, database: body.database.up });
        } catch {
          samples.push({ at, status: 'network' });
        }
        await sleep(200);
      }
    })();
    let outage: Promise<{ from: number; to: number }> | null = null;
    const stream = await sendStream(fleet, rig.bases, {
      onProgress: (fraction) => {
        outage ??=
          fraction >= 0.4
            ? (async () => {
                const from = Date.now();
                rig.pg.stop('fast');
                await sleep(4000);
                await rig.pg.start();
                return { from, to: Date.now() };
              })()
            : null;
      },
    });
    const { from, to } = await outage!;
    await awaitRest(rig, fleet, endpoint);
    while (samples.filter((s) => s.at > to + 2000).length < 5) await sleep(200);
    polling.on = false;
    await poller;

    // /health: up before, 503 with the database down during, up again after.
    const before = samples.filter((s) => s.at < from);
    const during = samples.filter((s) => s.at > from + 500 && s.at < to - 500);
    const after = samples.filter((s) => s.at > to + 2000);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((s) => s.status === 200 && s.database)).toBe(true);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((s) => s.status === 503 && s.database === false)).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.status === 200 && s.database)).toBe(true);

    // The ingest refused what it could not store with 503 DATABASE_UNAVAILABLE (or QUEUE_… if
    // the database went away between storing and queueing), and the clients' resends got in.
    expect(stream.statuses['503']).toBeGreaterThan(0);
    expect(Object.keys(stream.statuses).sort()).toEqual(['202', '503']);
    expect(Object.keys(stream.problems)).toEqual(['application/problem+json DATABASE_UNAVAILABLE']);
    expect(stream.accepted).toBe(100_000);

    const end = await checkEndState(rig, fleet, endpoint);
    expect(rig.apis[0]!.proc.child.exitCode).toBeNull();
    expect(rig.workers[0]!.proc.child.exitCode).toBeNull();
    process.stdout.write(
      `postgres-restart: ${JSON.stringify({ stream, outageMs: to - from, health: { before: before.length, during: during.length, after: after.length }, end })}\n`,
    );
  });
});
