import 'reflect-metadata';
import { confirmPendingFilings } from '../apps/confirm-filings.js';
import { Redis } from 'ioredis';
import pg from 'pg';
import { benchProcesses, percentile, report, round as roundTo } from './support.js';

/**
 * bench:ingest — drives the HTTP ingest of a real api process (with its worker's handlers) on real
 * PostgreSQL and Redis for 60 s from this process, and reports sustained points/s, the latency
 * from a fix's receipt to the violation it completes (p50/p99), and losses. Needs DATABASE_URL
 * (a server where a scratch database can be created) and REDIS_URL.
 */
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 60) * 1000;
const VEHICLES = 2000;
const ROUTES = 20;
const BATCH = 500;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 10);
const DEVIATING = 0.05;
/** Offered load, points per second (the generator paces itself to it). */
const RATE = Number(process.env.BENCH_RATE ?? 20_000);
/** api and worker as separate processes (the production topology), or one process with --with-worker. */
const SPLIT = process.env.BENCH_SPLIT !== '0';

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  // BENCH_PROFILE=dir writes a CPU profile of the worker there (to see where the time goes).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const service = await benchProcesses({
    workers: SPLIT ? 1 : 0,
    apiArgs: SPLIT ? [] : ['--with-worker'],
    workerNodeOptions: profile,
  });
  const { base, adminKey, prefix } = service;
  const db = new pg.Client({ connectionString: service.databaseUrl });
  const redis = new Redis(redisUrl!);
  try {
    await db.connect();
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      key = adminKey,
    ): Promise<Record<string, unknown>> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };

    // The city: a carrier, its tankers, east–west routes across Wuxi, loaded assignments.
    const transport = (await call('POST', '/v1/api-keys', { principal: 'agency', agency: 'transport', name: 'bench' }))
      .key as string;
    const carrier = await call('POST', '/v1/enterprises', {
      creditCode: '91320214MA1P3K2X02',
      name: '基准运输公司',
      roles: ['carrier'],
      district: '新吴',
      address: 'x',
    });
    const chlorine = ((await call('GET', '/v1/chemicals?q=7782-50-5')).items as Array<{ id: string }>)[0]!.id;
    const plates = Array.from({ length: VEHICLES }, (_, i) => `苏B${String(10000 + i).padStart(5, '0')}`);
    // The carrier imports its tankers; transport and market supervision confirm what it filed.
    const carrierKey = (
      await call('POST', '/v1/api-keys', { principal: 'enterprise', enterpriseId: carrier.id, name: 'bench' })
    ).key as string;
    const market = (await call('POST', '/v1/api-keys', { principal: 'agency', agency: 'market', name: 'bench' }))
      .key as string;
    const csv = [
      'plate,kind,permittedClasses,tankVolumeM3,approvedLoadKg',
      ...plates.map((p) => `${p},tanker,2.3,24,30000`),
    ].join('\n');
    const imported = await fetch(`${base}/v1/import/vehicles`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${carrierKey}`, 'Content-Type': 'text/csv' },
      body: csv,
    });
    if (!imported.ok) throw new Error(`vehicle import: ${imported.status}`);
    await confirmPendingFilings(base, [transport, market]);
    const vehicleIds = (await db.query<{ id: string }>('SELECT id FROM vehicles ORDER BY plate')).rows.map((r) => r.id);
    const routeLat = (r: number): number => 31.35 + r * 0.02;
    const routeIds: string[] = [];
    for (let r = 0; r < ROUTES; r++) {
      const route = await call(
        'POST',
        '/v1/routes',
        {
          name: `R${r}`,
          geometry: {
            type: 'LineString',
            coordinates: [
              [120.0, routeLat(r)],
              [120.8, routeLat(r)],
            ],
          },
          halfWidthM: 50,
          hazardClasses: ['2'],
          validFrom: '2026-01-01',
          validTo: '2030-12-31',
        },
        transport,
      );
      await call('POST', `/v1/routes/${route.id as string}/approve`, undefined, transport);
      routeIds.push(route.id as string);
    }
    const eventStart = Date.now() - 12 * 60_000;
    for (let i = 0; i < VEHICLES; i++) {
      await call(
        'PUT',
        `/v1/vehicles/${vehicleIds[i]!}/assignment`,
        {
          routeId: routeIds[i % ROUTES],
          loaded: true,
          chemicalIds: [chlorine],
          validFrom: new Date(eventStart - 3600_000).toISOString(),
          validTo: new Date(Date.now() + 3600_000).toISOString(),
        },
        transport,
      );
    }

    // Fix k of vehicle i: k seconds after eventStart, 20 m further east per second (72 km/h).
    // 5% of vehicles leave their route by 500 m for fixes 100–129 of every 300.
    const deviates = (i: number): boolean => i % Math.round(1 / DEVIATING) === 0;
    const fix = (i: number, k: number) => {
      const off = deviates(i) && k % 300 >= 100 && k % 300 < 130 ? 500 : Math.sin(i * 7 + k) * 15;
      return {
        vehicleId: vehicleIds[i],
        ts: new Date(eventStart + k * 1000).toISOString(),
        lon: 120.05 + ((i * 37 + k * 20) % 60_000) / 95_000,
        lat: routeLat(i % ROUTES) + off / 110_540,
        speedKmh: 72,
        heading: 90,
        hdop: 0.9,
      };
    };
    const batchesPerRound = Math.ceil(VEHICLES / BATCH);
    let next = 0;
    let accepted = 0;
    let failed = 0;
    const requestMs: number[] = [];
    const started = Date.now();
    const deadline = started + DURATION_MS;
    const batchIntervalMs = (BATCH / RATE) * 1000;
    const sender = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const n = next++;
        // Pace: batch n is due at started + n × interval (catch up if behind, never run ahead).
        const wait = started + n * batchIntervalMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const round = Math.floor(n / batchesPerRound);
        const first = (n % batchesPerRound) * BATCH;
        const positions = Array.from({ length: Math.min(BATCH, VEHICLES - first) }, (_, j) => fix(first + j, round));
        const t0 = performance.now();
        const res = await fetch(`${base}/v1/telemetry/positions`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${transport}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ positions }),
        });
        requestMs.push(performance.now() - t0);
        if (res.status === 202) accepted += ((await res.json()) as { accepted: number }).accepted;
        else {
          failed++;
          await res.text();
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    const elapsed = Date.now() - started;

    // Let the evaluator catch up, then read the results from the stores.
    for (let i = 0; ; i++) {
      const lengths = await Promise.all(
        Array.from({ length: 16 }, (_, s) => redis.llen(`${prefix}:stream:fixes:${s}`)),
      );
      if (lengths.every((l) => l === 0)) break;
      if (i > 1200) throw new Error('the evaluator did not catch up within 2 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const stored = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM fixes')).rows[0]!.n);
    const latencies = (
      await db.query<{ ms: number }>(
        `SELECT extract(epoch FROM detected_at - trigger_received_at) * 1000 AS ms FROM violations WHERE rule = 'ROUTE_DEVIATION' AND trigger_received_at IS NOT NULL`,
      )
    ).rows.map((r) => Number(r.ms));
    report({
      bench: 'ingest',
      points: accepted,
      pointsPerSec: Math.round(accepted / (elapsed / 1000)),
      p50Ms: roundTo(percentile(latencies, 50)),
      p99Ms: roundTo(percentile(latencies, 99)),
      lost: accepted - stored,
      violations: latencies.length,
      requestP50Ms: roundTo(percentile(requestMs, 50)),
      requestP99Ms: roundTo(percentile(requestMs, 99)),
      failedRequests: failed,
      vehicles: VEHICLES,
      batch: BATCH,
      inFlight: IN_FLIGHT,
      offeredPerSec: RATE,
      topology: SPLIT ? 'api+worker' : 'one process',
    });
  } finally {
    await db.end().catch(() => undefined);
    redis.disconnect();
    await service.stop();
  }
}

await main();
