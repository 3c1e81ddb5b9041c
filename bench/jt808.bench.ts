import 'reflect-metadata';
import { Database } from '@lib/platform';
import { Jt808Gateway } from '@lib/telematics';
import { loopbackAddress, SimulatedTerminal, SIMULATOR_MAKER } from '../apps/gateway/src/simulator.js';
import { confirmPendingFilings } from '../apps/confirm-filings.js';
import { benchApp, percentile, report, round } from './support.js';

type Json = Record<string, unknown>;

/**
 * bench:jt808 — 2,000 simulated terminals, each reporting once a second over its own TCP
 * connection, held by one gateway for 60 s without loss. The terminals and the gateway share the
 * machine (and, on PostgreSQL and Redis, the database and the queue). Loss counts positions sent
 * and not stored. Sizes: BENCH_TERMINALS, BENCH_SECONDS.
 */
const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);

async function main(): Promise<void> {
  const b = await benchApp({ JT808_MAX_CONNECTIONS: String(TERMINALS + 100) });
  const db = b.app.get(Database);
  const gateway = b.app.get(Jt808Gateway);
  const port = await gateway.listen(0, '127.0.0.1');
  // The carrier registers its tankers with their terminals (CSV import, its own key); transport and
  // market supervision confirm what it filed, as in production, before any terminal can sign in.
  const call = async (key: string, path: string, body: unknown, type = 'application/json'): Promise<Json> => {
    const res = await fetch(`${b.baseUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Json;
  };
  const mint = async (request: Json): Promise<string> =>
    (await call(b.adminKey, '/v1/api-keys', { name: 'bench', ...request })).key as string;
  const carrier = await call(b.adminKey, '/v1/enterprises', {
    creditCode: '91320214MA1P3K2X02',
    name: '基准承运人',
    roles: ['carrier'],
    district: '新吴',
    address: '无锡',
  });
  const carrierKey = await mint({ principal: 'enterprise', enterpriseId: carrier.id });
  const phones = Array.from({ length: TERMINALS }, (_, i) => `0136${String(i).padStart(8, '0')}`);
  const plates = phones.map((_, i) => `苏B${String(i).padStart(5, '0')}`);
  for (let i = 0; i < TERMINALS; i += 5000)
    await call(
      carrierKey,
      '/v1/import/vehicles',
      [
        'plate,kind,permittedClasses,tankVolumeM3,approvedLoadKg,terminalId',
        ...phones.slice(i, i + 5000).map((p, k) => `${plates[i + k]},tanker,3,24.5,30000,${p}`),
      ].join('\n'),
      'text/csv',
    );
  const transport = await mint({ principal: 'agency', agency: 'transport' });
  await confirmPendingFilings(b.baseUrl, [transport, await mint({ principal: 'agency', agency: 'market' })]);
  // Transport binds each terminal to its vehicle with the maker it registers with.
  const vehicleOf = new Map(
    (
      await db.query<{ id: string; terminal_id: string }>(
        'SELECT id, terminal_id FROM vehicles WHERE carrier_id = $1',
        [carrier.id],
      )
    ).map((r) => [r.terminal_id, r.id]),
  );
  for (let i = 0; i < TERMINALS; i += 20)
    await Promise.all(
      phones.slice(i, i + 20).map((p) =>
        call(transport, '/v1/terminal-bindings', {
          terminalId: p,
          vehicleId: vehicleOf.get(p),
          makerId: SIMULATOR_MAKER,
        }),
      ),
    );

  const terminals = phones.map((p, i) => new SimulatedTerminal(p, plates[i]!));
  const connectStart = Date.now();
  for (let i = 0; i < terminals.length; i += 100)
    await Promise.all(
      terminals.slice(i, i + 100).map(async (t, k) => {
        await t.open('127.0.0.1', port, loopbackAddress('127.0.0.1', i + k));
        if (!(await t.signIn())) throw new Error(`terminal ${t.phone} refused`);
      }),
    );
  const connectSeconds = (Date.now() - connectStart) / 1000;

  const start = Math.ceil(Date.now() / 1000) * 1000 - 3600_000; // an hour ago, one second apart
  const t0 = Date.now();
  for (let s = 0; s < SECONDS; s++) {
    const at = new Date(start + s * 1000);
    terminals.forEach((t, i) =>
      t.report({
        lon: 120.2 + (i % 50) * 0.004 + s * 0.0001,
        lat: 31.4 + Math.floor(i / 50) * 0.003,
        speedKmh: 40,
        heading: 90,
        at,
      }),
    );
    const next = t0 + (s + 1) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  const sent = terminals.reduce((n, t) => n + t.sent, 0);
  const deadline = Date.now() + 30_000;
  while (terminals.reduce((n, t) => n + t.acked + t.refused, 0) < sent && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const acked = terminals.reduce((n, t) => n + t.acked, 0);
  const [stored] = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM fixes f JOIN vehicles v ON v.id = f.vehicle_id WHERE v.carrier_id = $1`,
    [carrier!.id],
  );
  const latencies = terminals.flatMap((t) => t.latencies);
  report({
    bench: 'jt808',
    database: b.config.database.kind,
    queue: b.config.queue.kind,
    connections: gateway.stats.connections,
    terminals: TERMINALS,
    seconds: SECONDS,
    sent,
    acked,
    stored: Number(stored!.n),
    lost: sent - Number(stored!.n),
    positionsPerSecond: Math.round(sent / ((Date.now() - t0) / 1000)),
    ackP50Ms: round(percentile(latencies, 50), 1),
    ackP99Ms: round(percentile(latencies, 99), 1),
    connectSeconds: round(connectSeconds, 1),
    badFrames: gateway.stats.badFrames,
  });
  for (const t of terminals) t.close();
  await b.close();
}

await main();
