import { type Fleet, sendStream } from '../../bench/fleet.js';
import { awaitRest, checkEndState, type Endpoint, streamScenario } from './support/checks.js';
import type { Rig } from './support/rig.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes cut off the append-only file to stand for the unsynced last second of a host crash. */
const UNSYNCED_TAIL = 2 * 1024 * 1024;

describe.each([
  ['shut down and restarted', 'shutdown' as const],
  ['killed (SIGKILL) and restarted', 'kill' as const],
  ['lost with its host (SIGKILL and the last 2 MB of its file gone), then restarted', 'host-crash' as const],
])('Redis (append-only file on) %s in the middle of the stream', (_what, how) => {
  let rig: Rig;
  let fleet: Fleet;
  let endpoint: Endpoint;

  beforeAll(async () => {
    ({ rig, fleet, endpoint } = await streamScenario());
  });
  afterAll(() => rig?.close());

  it('answers 503 while it cannot enqueue; with clients retrying, the end state is as without the fault', async () => {
    let outage: Promise<void> | null = null;
    let lostBytes = 0;
    const pending = { before: 0, after: 0 };
    const stream = await sendStream(fleet, rig.bases, {
      onProgress: (fraction) => {
        outage ??=
          fraction >= 0.4
            ? (async () => {
                if (how !== 'host-crash') {
                  await rig.redis.stop(how);
                  await sleep(4000);
                  await rig.redis.start();
                  return;
                }
                // The worker paused for a moment, so that the end of the file holds fixes queued
                // and not yet consumed; then the host goes, taking the unsynced tail with it.
                const worker = rig.workers[0]!.proc.child;
                worker.kill('SIGSTOP');
                await sleep(1500);
                pending.before = await rig.pendingFixes();
                await rig.redis.stop('kill');
                lostBytes = rig.redis.loseTail(UNSYNCED_TAIL);
                await sleep(3000);
                await rig.redis.start();
                pending.after = await rig.pendingFixes();
                worker.kill('SIGCONT');
              })()
            : null;
      },
    });
    await outage;
    // While Redis was away the ingest said so: 503 problem+json with Retry-After, never 202 for
    // fixes it could not queue, and nothing else.
    expect(stream.statuses['503']).toBeGreaterThan(0);
    expect(Object.keys(stream.statuses).sort()).toEqual(['202', '503']);
    expect(stream.problems).toEqual({ 'application/problem+json QUEUE_UNAVAILABLE': stream.statuses['503'] });
    expect(stream.retryAfter).toEqual({ '1': stream.statuses['503'] });
    expect(stream.accepted).toBe(100_000);
    // A batch answered 503 had been stored already: its resend counted as duplicates, stored once.
    expect(stream.duplicates).toBeGreaterThan(0);

    await awaitRest(rig, fleet, endpoint);
    // After a host crash Redis may have forgotten that a delivery job finished: a receiver may
    // then see an event twice, with the same id (at-least-once).
    const end = await checkEndState(rig, fleet, endpoint, { allowRedelivery: how === 'host-crash' });
    if (how === 'host-crash') {
      expect(lostBytes).toBeGreaterThan(0);
      // Queued fixes were really lost from Redis (they are stored in PostgreSQL).
      expect(pending.before).toBeGreaterThan(1000);
      expect(pending.after).toBeLessThan(pending.before);
      // The worker noticed the reconnect and replayed its shards from PostgreSQL.
      expect(rig.output()).toContain('Redis reconnected: replaying the owned shards');
    }
    expect(rig.apis).toHaveLength(1);
    expect(rig.apis[0]!.proc.child.exitCode).toBeNull();
    expect(rig.workers[0]!.proc.child.exitCode).toBeNull();
    process.stdout.write(`redis-restart (${how}): ${JSON.stringify({ stream, lostBytes, pending, end })}\n`);
  });
});
