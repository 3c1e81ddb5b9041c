import 'reflect-metadata';
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadSampleCity } from '../apps/api/src/sample-city.js';
import { Api, buildFleet, fixOf } from './fleet.js';
import { benchProcesses, percentile, report, round } from './support.js';

/**
 * bench:api — a mixed workload against a real api process and its worker(s) on real PostgreSQL
 * and Redis, driven by autocannon for 60 s: 80% GPS position batches (100 fixes each), 15% reads
 * (nearby vehicles, violations, a waybill, a track), 5% e-waybill filings (with Idempotency-Key).
 * Prints throughput and p50/p99 per route, and fails if anything answered other than 2xx.
 * BENCH_SECONDS, BENCH_CONNECTIONS and BENCH_WORKERS change the run.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const VEHICLES = 1000;
const BATCH = 100;
/** The fleet's fixes start this long ago, so that however fast the run, no fix is in the future. */
const HISTORY_S = 6 * 3600;

type Route =
  | 'POST /v1/telemetry/positions'
  | 'GET /v1/vehicles/positions'
  | 'GET /v1/violations'
  | 'GET /v1/waybills/:id'
  | 'GET /v1/vehicles/:id/track'
  | 'POST /v1/waybills';

async function main(): Promise<void> {
  const service = await benchProcesses({ workers: WORKERS });
  const { base, adminKey, prefix } = service;
  const redis = new Redis(process.env.REDIS_URL!);
  const db = new pg.Client({ connectionString: service.databaseUrl });
  try {
    await db.connect();

    // The city: the demo's enterprises and 20 tankers on loaded e-waybills, and a fleet of 1,000
    // tankers on approved routes sending the positions.
    const city = await loadSampleCity(base, adminKey, 20);
    const fleet = await buildFleet(new Api(base, adminKey), VEHICLES, HISTORY_S);
    const groups = VEHICLES / BATCH;

    let positionBatches = 0;
    let filings = 0;
    let reads = 0;
    const trackFrom = new Date(fleet.startMs).toISOString();
    const trackTo = new Date(fleet.startMs + 3600_000).toISOString();
    const pick = <T>(list: T[], n: number): T => list[n % list.length]!;
    const json = (key: string, extra: Record<string, string> = {}) => ({
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...extra,
    });

    // One request definition that draws the route of each request: 80 / 15 / 5.
    const setupRequest = (req: autocannon.Request, context: Record<string, unknown>): autocannon.Request => {
      const draw = Math.random();
      if (draw < 0.8) {
        const n = positionBatches++;
        const k = Math.floor(n / groups) % HISTORY_S;
        const first = (n % groups) * BATCH;
        context.route = 'POST /v1/telemetry/positions';
        return {
          ...req,
          method: 'POST',
          path: '/v1/telemetry/positions',
          headers: json(fleet.transportKey),
          body: JSON.stringify({ positions: Array.from({ length: BATCH }, (_, j) => fixOf(fleet, first + j, k)) }),
        };
      }
      if (draw < 0.95) {
        const n = reads++;
        const tanker = pick(city.tankers, n);
        const reads4: Array<[Route, string, string]> = [
          ['GET /v1/vehicles/positions', '/v1/vehicles/positions?near=120.3,31.5&radiusM=5000&limit=100', city.police],
          ['GET /v1/violations', '/v1/violations?limit=50', city.police],
          ['GET /v1/waybills/:id', `/v1/waybills/${tanker.waybillId}`, tanker.consignorKey],
          [
            'GET /v1/vehicles/:id/track',
            `/v1/vehicles/${pick(fleet.vehicleIds, n * 7)}/track?from=${trackFrom}&to=${trackTo}`,
            fleet.transportKey,
          ],
        ];
        const [route, path, key] = pick(reads4, n);
        context.route = route;
        return { ...req, method: 'GET', path, headers: json(key), body: undefined };
      }
      const n = filings++;
      const tanker = pick(city.tankers, n);
      context.route = 'POST /v1/waybills';
      return {
        ...req,
        method: 'POST',
        path: '/v1/waybills',
        headers: json(tanker.consignorKey, { 'idempotency-key': `bench-${prefix}-${n}` }),
        body: JSON.stringify({
          ...tanker.waybill,
          plannedDeparture: new Date(Date.now() + 3600_000).toISOString(),
          plannedArrival: new Date(Date.now() + 4 * 3600_000).toISOString(),
        }),
      };
    };

    const latencies = new Map<Route, number[]>();
    const non2xx = new Map<string, number>();
    let finish: (r: autocannon.Result) => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const instance = autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        duration: SECONDS,
        timeout: 30,
        requests: [{ setupRequest: setupRequest as autocannon.Request['setupRequest'] }],
      },
      (err, result) => (err ? fail(err as Error) : finish(result)),
    );
    // autocannon emits 'response' per answer (not in its type definitions): the route is in the client's context.
    (instance as unknown as EventEmitter).on(
      'response',
      (client: { requestIterator?: { context?: { route?: Route } } }, status: number, _bytes: number, ms: number) => {
        const route = client.requestIterator?.context?.route ?? ('?' as Route);
        const list = latencies.get(route) ?? [];
        list.push(ms);
        latencies.set(route, list);
        if (status < 200 || status >= 300)
          non2xx.set(`${route} ${status}`, (non2xx.get(`${route} ${status}`) ?? 0) + 1);
      },
    );
    const result = await finished;

    // The evaluation catches up: how long after the load the stream is empty again.
    const drainStarted = Date.now();
    for (;;) {
      const lengths = await Promise.all(
        Array.from({ length: 16 }, (_, s) => redis.llen(`${prefix}:stream:fixes:${s}`)),
      );
      if (lengths.every((l) => l === 0) || Date.now() - drainStarted > 600_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const fixes = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM fixes')).rows[0]!.n);
    const byRoute = Object.fromEntries(
      [...latencies].map(([route, ms]) => [
        route,
        {
          requests: ms.length,
          perSecond: round(ms.length / SECONDS, 1),
          p50Ms: round(percentile(ms, 50)),
          p99Ms: round(percentile(ms, 99)),
        },
      ]),
    );
    const errors = result.errors + result.timeouts + [...non2xx.values()].reduce((a, b) => a + b, 0);
    report({
      bench: 'api',
      database: 'postgres',
      queue: 'bullmq',
      seconds: SECONDS,
      connections: CONNECTIONS,
      workers: WORKERS,
      requests: result.requests.total,
      requestsPerSecond: round(result.requests.total / SECONDS, 1),
      fixesPerSecond: Math.round(((latencies.get('POST /v1/telemetry/positions')?.length ?? 0) * BATCH) / SECONDS),
      fixesStored: fixes,
      evaluationDrainSeconds: round(drainSeconds, 1),
      byRoute,
      errors,
      non2xx: Object.fromEntries(non2xx),
      met: errors === 0,
    });
    if (errors > 0) process.exitCode = 1;
  } finally {
    await db.end().catch(() => undefined);
    redis.disconnect();
    await service.stop();
  }
}

await main();
