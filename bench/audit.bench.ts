import 'reflect-metadata';
import { Database } from '@lib/platform';
import { benchApp, report, round } from './support.js';

/**
 * bench:audit — a whole-city audit of 10,000 facilities holding 50 chemicals each, with a year
 * of ledger (a movement a month per facility and chemical: 6 million rows) and a declaration per
 * facility and chemical, must finish in under 60 s. The data is written straight into the tables
 * (setup, not measured); the audit is started and awaited through the API, as an agency would.
 * Sizes: BENCH_FACILITIES, BENCH_CHEMICALS, BENCH_MOVEMENTS_PER_PAIR.
 */
const FACILITIES = Number(process.env.BENCH_FACILITIES ?? 10_000);
const CHEMICALS = Number(process.env.BENCH_CHEMICALS ?? 50);
const PER_PAIR = Number(process.env.BENCH_MOVEMENTS_PER_PAIR ?? 12);
const DISTRICTS = ['梁溪', '锡山', '惠山', '滨湖', '新吴', '江阴', '宜兴', '经开区'];

async function main(): Promise<void> {
  const b = await benchApp();
  const db = b.app.get(Database);
  const setupStart = Date.now();
  const chemicals = await db.query<{ id: string }>(
    `SELECT id FROM chemicals WHERE un_class IS NOT NULL ORDER BY un_number NULLS LAST, id LIMIT $1`,
    [CHEMICALS],
  );
  if (chemicals.length < CHEMICALS) throw new Error(`the catalogue has only ${chemicals.length} chemicals`);
  await db.query(
    `CREATE TEMP TABLE bench_chem AS SELECT row_number() OVER () - 1 AS k, id FROM unnest($1::uuid[]) AS id`,
    [chemicals.map((c) => c.id)],
  );
  const enterprises = Math.ceil(FACILITIES / 5);
  await db.query(
    `INSERT INTO enterprises (id, credit_code, name, roles, district, address, contacts)
     SELECT gen_random_uuid(), 'B' || lpad(i::text, 17, '0'), '基准企业' || i, ARRAY['producer','storer'],
            ($1::text[])[1 + i % 8], '无锡', '[]'::jsonb
       FROM generate_series(0, $2 - 1) AS i`,
    [DISTRICTS, enterprises],
  );
  await db.query(`CREATE TEMP TABLE bench_ent AS SELECT row_number() OVER (ORDER BY credit_code) - 1 AS k, id, district
                    FROM enterprises WHERE credit_code LIKE 'B%'`);
  await db.query(
    `INSERT INTO facilities (id, enterprise_id, name, kind, hazard_unit_kind, geometry, fence_radius_m, min_lon, min_lat, max_lon, max_lat,
                             district, address, capacities, people_within_500m)
     SELECT gen_random_uuid(), e.id, '储罐区' || f, 'storage', 'storage_unit',
            jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(120.0 + (f % 100) * 0.005, 31.3 + (f / 100) * 0.003)),
            100, 120.0 + (f % 100) * 0.005, 31.3 + (f / 100) * 0.003, 120.0 + (f % 100) * 0.005, 31.3 + (f / 100) * 0.003,
            e.district, '无锡',
            (SELECT jsonb_agg(jsonb_build_object('chemicalId', c.id, 'maxKg', 2000 + ((f + c.k) % 40) * 500)) FROM bench_chem c),
            (f * 37) % 150
       FROM generate_series(0, $1 - 1) AS f JOIN bench_ent e ON e.k = f / 5`,
    [FACILITIES],
  );
  await db.query(
    `CREATE TEMP TABLE bench_fac AS SELECT f.id, f.enterprise_id FROM facilities f JOIN bench_ent e ON e.id = f.enterprise_id`,
  );
  await db.query(`CREATE TEMP TABLE bench_lot AS
                    SELECT gen_random_uuid() AS id, f.id AS facility_id, f.enterprise_id, c.id AS chemical_id, c.k
                      FROM bench_fac f CROSS JOIN bench_chem c`);
  await db.query(`INSERT INTO lots (id, number, chemical_id, origin_enterprise_id, origin_facility_id, origin, parent_lot_ids, created_at)
                  SELECT id, 'L-' || id, chemical_id, enterprise_id, facility_id, 'produced', '{}', now() - interval '400 days' FROM bench_lot`);
  // A year of ledger: produced in the first month, then received and used alternately, never negative.
  await db.query(
    `INSERT INTO movements (id, facility_id, facility_seq, enterprise_id, type, chemical_id, lot_id, quantity_kg, original_value,
                            original_unit, occurred_at, recorded_at, group_id, prev_hash, hash)
     SELECT gen_random_uuid(), l.facility_id, l.k * $1 + m + 1, l.enterprise_id,
            CASE WHEN m = 0 THEN 'produce' WHEN m % 2 = 1 THEN 'use' ELSE 'receive' END,
            l.chemical_id, l.id,
            CASE WHEN m = 0 THEN 1500 WHEN m % 2 = 1 THEN -300 ELSE 280 END,
            CASE WHEN m = 0 THEN 1500 WHEN m % 2 = 1 THEN 300 ELSE 280 END, 'kg',
            now() - interval '365 days' + (m * interval '30 days') + (l.k * interval '1 minute'), now(), gen_random_uuid(),
            repeat('0', 64), repeat('0', 64)
       FROM bench_lot l CROSS JOIN generate_series(0, $1 - 1) AS m`,
    [PER_PAIR],
  );
  // A declaration per facility and chemical ten days ago, a few of them 3% off.
  await db.query(
    `INSERT INTO stock_declarations (id, enterprise_id, facility_id, chemical_id, quantity_kg, original_value, original_unit, as_of)
     SELECT gen_random_uuid(), l.enterprise_id, l.facility_id, l.chemical_id, q, q, 'kg', now() - interval '10 days'
       FROM (SELECT l.*, (SELECT sum(quantity_kg) FROM movements m WHERE m.lot_id = l.id)
                         * CASE WHEN l.k = 7 THEN 0.97 ELSE 1 END AS q FROM bench_lot l) l`,
  );
  await db.query('ANALYZE');
  const movements = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM movements'))[0]!.n);
  const setupSeconds = (Date.now() - setupStart) / 1000;

  const api = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${b.baseUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${b.adminKey}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const t0 = Date.now();
  const run = await api('/v1/audits', { scope: 'city' });
  let state = run;
  while (state.status !== 'completed' && state.status !== 'failed') {
    await new Promise((r) => setTimeout(r, 200));
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    state = await api(`/v1/audits/${run.id as string}`);
  }
  const seconds = (Date.now() - t0) / 1000;
  const progress = state.progress as Record<string, number>;
  report({
    bench: 'audit',
    database: b.config.database.kind,
    facilities: FACILITIES,
    chemicalsPerFacility: CHEMICALS,
    movements,
    declarations: FACILITIES * CHEMICALS,
    status: state.status,
    seconds: round(seconds, 1),
    facilitiesPerSecond: Math.round(FACILITIES / seconds),
    findings: progress.findings,
    majorHazards: progress.majorHazards,
    flagged: progress.flagged,
    rssPeakMb: Math.round(rssPeak / 2 ** 20),
    setupSeconds: round(setupSeconds, 1),
    targetSeconds: 60,
    met: state.status === 'completed' && seconds < 60,
  });
  await b.close();
}

await main();
