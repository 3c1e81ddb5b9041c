import { type Fleet, sendStream } from '../../bench/fleet.js';
import { awaitRest, checkEndState, type Endpoint, streamScenario } from './support/checks.js';
import type { Rig, Service } from './support/rig.js';

interface ShardWork {
  shard: number;
  consumer: string;
  work: 'acquire' | 'batch';
  from: number;
  to: number;
}

/** The workers' own account (debug log) of which shard they worked on, when. */
function shardWork(output: string): ShardWork[] {
  return output
    .split('\n')
    .filter((l) => l.includes('"shard work"'))
    .map((l) => JSON.parse(l) as ShardWork);
}

describe('scale-out: two api processes and three workers on one PostgreSQL and Redis', () => {
  let rig: Rig;
  let fleet: Fleet;
  let endpoint: Endpoint;

  beforeAll(async () => {
    ({ rig, fleet, endpoint } = await streamScenario({ apis: 2, workers: 3, env: { LOG_LEVEL: 'debug' } }));
  });
  afterAll(() => rig?.close());

  it('gives the same violations, in order per vehicle, one worker per vehicle at a time, and survives a worker dying', async () => {
    const workers: Service[] = [...rig.workers];
    let death: Promise<number> | null = null;
    // Batches go to both apis in turn, so one vehicle's fixes arrive through both.
    const stream = await sendStream(fleet, rig.bases, {
      onProgress: (fraction) => {
        death ??=
          fraction >= 0.5
            ? (async () => {
                await rig.kill(workers[1]!, 'SIGKILL');
                return Date.now();
              })()
            : null;
      },
    });
    const diedAt = await death!;
    expect(stream.statuses).toEqual({ '202': stream.requests });
    await awaitRest(rig, fleet, endpoint);
    const end = await checkEndState(rig, fleet, endpoint, { allowRedelivery: true });

    const byWorker = workers.map((w) => shardWork(w.proc.output()));
    const consumerOf = byWorker.map((work) => new Set(work.map((w) => w.consumer)));
    // Each worker process is one consumer, and all three took part before the death.
    expect(consumerOf.map((s) => s.size)).toEqual([1, 1, 1]);
    const ids = consumerOf.map((s) => [...s][0]!);
    expect(byWorker.every((work) => work.some((w) => w.work === 'batch' && w.to < diedAt))).toBe(true);

    // No shard (so no vehicle: a vehicle always lies in one shard) was worked on by two workers at once.
    const all = byWorker.flat().sort((a, b) => a.from - b.from);
    const overlaps: string[] = [];
    for (let shard = 0; shard < 16; shard++) {
      const work = all.filter((w) => w.shard === shard);
      for (let i = 1; i < work.length; i++) {
        const [prev, cur] = [work[i - 1]!, work[i]!];
        if (cur.consumer !== prev.consumer && cur.from < prev.to)
          overlaps.push(`shard ${shard}: ${JSON.stringify([prev, cur])}`);
      }
    }
    expect(overlaps).toEqual([]);

    // The dead worker's shards were taken over by the two others, each within the lease (10 s) and a poll.
    const dead = ids[1]!;
    // The shards it held when it died: those whose last work before the death was its own (it may
    // have held others for a moment at the start, before the three shared them out).
    const deadShards = Array.from({ length: 16 }, (_, shard) => shard).filter(
      (shard) => all.filter((w) => w.shard === shard && w.from < diedAt).at(-1)?.consumer === dead,
    );
    expect(deadShards.length).toBeGreaterThan(0);
    for (const shard of deadShards) {
      const takeover = all.find((w) => w.shard === shard && w.work === 'acquire' && w.from > diedAt);
      expect(takeover?.consumer).toBeDefined();
      expect(takeover!.consumer).not.toBe(dead);
      expect(takeover!.from - diedAt).toBeLessThan(15_000);
    }
    const afterDeath = all.filter((w) => w.from > diedAt + 15_000);
    expect(afterDeath.every((w) => w.consumer !== dead)).toBe(true);
    process.stdout.write(
      `scale-out: ${JSON.stringify({ stream: { ...stream.statuses, seconds: stream.seconds }, deadShards, batches: all.filter((w) => w.work === 'batch').length, end })}\n`,
    );
  });
});
