import { type Fleet, sendStream } from '../../bench/fleet.js';
import { awaitRest, checkEndState, type Endpoint, streamScenario } from './support/checks.js';
import type { Rig } from './support/rig.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a worker killed (SIGKILL) in the middle of 100,000 fixes from 1,000 vehicles, then restarted', () => {
  let rig: Rig;
  let fleet: Fleet;
  let endpoint: Endpoint;

  beforeAll(async () => {
    ({ rig, fleet, endpoint } = await streamScenario());
  });
  afterAll(() => rig?.close());

  it('stores every fix once, raises every known violation once and delivers every alert once by id', async () => {
    let crash: Promise<{ storedBefore: number; violationsBefore: number }> | null = null;
    const stream = await sendStream(fleet, rig.bases, {
      onProgress: (fraction) => {
        // Two thirds in: deviations have begun to open, some alerts are on their way, most are not.
        crash ??=
          fraction >= 0.66
            ? (async () => {
                const [before] = await rig.query<{ fixes: string; violations: string }>(
                  'SELECT (SELECT count(*) FROM fixes) AS fixes, (SELECT count(*) FROM violations) AS violations',
                );
                await rig.kill(rig.workers[0]!, 'SIGKILL');
                await sleep(1000);
                await rig.startWorker();
                return { storedBefore: Number(before!.fixes), violationsBefore: Number(before!.violations) };
              })()
            : null;
      },
    });
    const { storedBefore, violationsBefore } = await crash!;
    // The kill fell in the middle: part of the stream stored, part of the violations raised.
    expect(storedBefore).toBeGreaterThan(0);
    expect(storedBefore).toBeLessThan(100_000);
    expect(violationsBefore).toBeLessThan(fleet.expected.size);
    // The ingest never depended on the worker.
    expect(stream.statuses).toEqual({ '202': stream.requests });
    expect(stream.accepted).toBe(100_000);

    await awaitRest(rig, fleet, endpoint);
    const end = await checkEndState(rig, fleet, endpoint, { allowRedelivery: true });
    // The new worker took the dead one's shards over and replayed what it had not checkpointed.
    expect(rig.output()).toContain('replaying recent fixes after taking the shard');
    process.stdout.write(`worker-crash: ${JSON.stringify({ stream, storedBefore, violationsBefore, end })}\n`);
  });
});
