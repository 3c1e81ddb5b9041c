import 'reflect-metadata';
import { Redis } from 'ioredis';
import { Api, buildFleet, sendStream } from './fleet.js';
import { benchProcesses, report, round } from './support.js';

/**
 * bench:workers — how the evaluation (the geofence step of the spine) scales with worker
 * processes. For each worker count in BENCH_WORKERS (default "1,3"): a fresh database, an api
 * with no worker takes 200,000 fixes from 1,000 tankers into the stream (a backlog), then that
 * many workers start and the time until the stream is empty gives evaluated fixes per second.
 * Prints one JSON line with a result per worker count.
 */
const VEHICLES = 1000;
const FIXES_PER_VEHICLE = Number(process.env.BENCH_FIXES_PER_VEHICLE ?? 200);
const COUNTS = (process.env.BENCH_WORKERS ?? '1,3').split(',').map(Number);

async function run(workers: number): Promise<Record<string, unknown>> {
  const service = await benchProcesses({ workers: 0 });
  const redis = new Redis(process.env.REDIS_URL!);
  try {
    const fleet = await buildFleet(new Api(service.base, service.adminKey), VEHICLES, FIXES_PER_VEHICLE);
    const stream = await sendStream(fleet, [service.base], { groups: 4 });
    const pending = async (): Promise<number> =>
      (
        await Promise.all(Array.from({ length: 16 }, (_, s) => redis.llen(`${service.prefix}:stream:fixes:${s}`)))
      ).reduce((a, b) => a + b, 0);
    const backlog = await pending();
    const started = Date.now();
    service.startWorkers(workers);
    while ((await pending()) > 0) {
      if (Date.now() - started > 900_000) throw new Error('the workers did not drain the stream in 15 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Includes the workers' start (about 2 s): the time from a cold start to an empty stream.
    const seconds = (Date.now() - started) / 1000;
    return {
      workers,
      backlog,
      seconds: round(seconds, 1),
      fixesPerSecond: Math.round(backlog / seconds),
      ingestSeconds: round(stream.seconds, 1),
    };
  } finally {
    redis.disconnect();
    await service.stop();
  }
}

const results = [];
for (const workers of COUNTS) results.push(await run(workers));
report({ bench: 'workers', database: 'postgres', queue: 'bullmq', vehicles: VEHICLES, results });
