import { confirmPendingFilings } from '../apps/confirm-filings.js';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../libs/registry/src/identifiers/credit-code.js';

type Json = Record<string, unknown>;

/**
 * (Used by the benchmarks and by the system tests in test/system.)
 * A fleet of loaded tankers on approved east–west routes across Wuxi, built through the public
 * API, and the stream of fixes they send: fix k of vehicle i is k seconds after the trip's start,
 * 14 m further east (50 km/h). The violations in it are known in advance:
 * - every 20th vehicle (i ≡ 0 mod 20) drifts off its route from fix 20, up to 300 m away, and is
 *   back by fix 60: one ROUTE_DEVIATION, closed 20 s later;
 * - every 20th vehicle from the 10th (i ≡ 10 mod 20) presses the emergency button for fixes 75–77:
 *   one TERMINAL_ALARM.
 * Nothing else in the stream breaks a rule.
 */
export interface Fleet {
  vehicleIds: string[];
  fixesPerVehicle: number;
  /** Epoch ms of fix 0. */
  startMs: number;
  adminKey: string;
  transportKey: string;
  policeKey: string;
  /** `${vehicleId}|${rule}` → 1 for every violation the stream must raise. */
  expected: Map<string, number>;
}

const ROUTES = 20;

let serial = Date.now() % 100_000;
function creditCode(): string {
  let body = '';
  let n = ++serial * 7919;
  for (let i = 0; i < 9; i++) {
    body += CREDIT_CODE_ALPHABET[n % 31];
    n = Math.floor(n / 31) + i * 13;
  }
  const first17 = `91320214${body}`;
  return first17 + creditCodeCheckCharacter(first17);
}
const routeLat = (r: number): number => 31.35 + r * 0.02;
const deviates = (i: number): boolean => i % 20 === 0;
const alarms = (i: number): boolean => i % 20 === 10;

export class Api {
  constructor(
    readonly base: string,
    readonly key: string,
  ) {}

  async call(method: string, path: string, body?: unknown, key = this.key, headers: Json = {}): Promise<Json> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        'Content-Type': 'application/json',
        ...(headers as Record<string, string>),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  }
}

export async function buildFleet(api: Api, vehicles: number, fixesPerVehicle = 100): Promise<Fleet> {
  const transportKey = (
    await api.call('POST', '/v1/api-keys', { principal: 'agency', agency: 'transport', name: 'sys' })
  ).key as string;
  const policeKey = (await api.call('POST', '/v1/api-keys', { principal: 'agency', agency: 'police', name: 'sys' }))
    .key as string;
  const carrier = await api.call('POST', '/v1/enterprises', {
    creditCode: creditCode(),
    name: '系统测试运输公司',
    roles: ['carrier'],
    district: '新吴',
    address: '无锡市新吴区测试路 1 号',
  });
  const chlorine = ((await api.call('GET', '/v1/chemicals?q=7782-50-5')).items as Array<{ id: string }>)[0]!.id;
  const plates = Array.from({ length: vehicles }, (_, i) => `苏B${String(70000 + i).padStart(5, '0')}`);
  // The carrier imports its tankers with its own key; transport and market supervision confirm
  // the certificates and tanks it filed, as they would in production.
  const carrierKey = (
    await api.call('POST', '/v1/api-keys', { principal: 'enterprise', enterpriseId: carrier.id, name: 'carrier' })
  ).key as string;
  const marketKey = (await api.call('POST', '/v1/api-keys', { principal: 'agency', agency: 'market', name: 'sys' }))
    .key as string;
  const csv = [
    'plate,kind,permittedClasses,tankVolumeM3,approvedLoadKg',
    ...plates.map((p) => `${p},tanker,2.3,24,30000`),
  ].join('\n');
  const imported = await fetch(`${api.base}/v1/import/vehicles`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${carrierKey}`, 'Content-Type': 'text/csv' },
    body: csv,
  });
  if (!imported.ok) throw new Error(`vehicle import: ${imported.status} ${await imported.text()}`);
  await confirmPendingFilings(api.base, [transportKey, marketKey]);
  const byPlate = new Map<string, string>();
  let cursor: string | null = '';
  while (cursor !== null) {
    const page = await api.call(
      'GET',
      `/v1/vehicles?carrierId=${carrier.id as string}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    for (const v of page.items as Array<{ id: string; plate: string }>) byPlate.set(v.plate, v.id);
    cursor = (page.nextCursor as string | null | undefined) ?? null;
  }
  const vehicleIds = plates.map((p) => {
    const id = byPlate.get(p);
    if (!id) throw new Error(`vehicle ${p} was not imported`);
    return id;
  });

  const routeIds: string[] = [];
  for (let r = 0; r < ROUTES; r++) {
    const route = await api.call(
      'POST',
      '/v1/routes',
      {
        name: `系统测试线路 ${r}`,
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
      transportKey,
    );
    await api.call('POST', `/v1/routes/${route.id as string}/approve`, undefined, transportKey);
    routeIds.push(route.id as string);
  }

  // Fix 0 lies fixesPerVehicle s before now, so the whole stream is in the past when it is sent.
  // The assignment ends two minutes after the last fix: SIGNAL_LOST (5 min of silence while
  // assigned) cannot fire however long a scenario waits afterwards.
  const startMs = Date.now() - fixesPerVehicle * 1000;
  const assign = async (i: number): Promise<void> => {
    await api.call(
      'PUT',
      `/v1/vehicles/${vehicleIds[i]!}/assignment`,
      {
        routeId: routeIds[i % ROUTES],
        loaded: true,
        chemicalIds: [chlorine],
        validFrom: new Date(startMs - 3600_000).toISOString(),
        validTo: new Date(startMs + (fixesPerVehicle + 120) * 1000).toISOString(),
      },
      transportKey,
    );
  };
  for (let i = 0; i < vehicles; i += 8) {
    await Promise.all(Array.from({ length: Math.min(8, vehicles - i) }, (_, j) => assign(i + j)));
  }

  const expected = new Map<string, number>();
  vehicleIds.forEach((id, i) => {
    if (deviates(i)) expected.set(`${id}|ROUTE_DEVIATION`, 1);
    if (alarms(i)) expected.set(`${id}|TERMINAL_ALARM`, 1);
  });
  return { vehicleIds, fixesPerVehicle, startMs, adminKey: api.key, transportKey, policeKey, expected };
}

export function fixOf(fleet: Fleet, i: number, k: number): Json {
  // Out at 30 m/s sideways (not a jump), 300 m off the 50 m corridor, back by fix 60.
  const offsetM = deviates(i) ? Math.max(0, Math.min(300, 30 * (k - 20), 30 * (60 - k))) : Math.sin(i * 7 + k) * 10;
  return {
    vehicleId: fleet.vehicleIds[i],
    ts: new Date(fleet.startMs + k * 1000).toISOString(),
    lon: 120.05 + (i % 50) * 0.01 + (k * 13.9) / 95_000,
    lat: routeLat(i % ROUTES) + offsetM / 110_540,
    speedKmh: 50,
    heading: 90,
    hdop: 0.9,
    alarmFlags: alarms(i) && k >= 75 && k < 78 ? 1 : 0,
  };
}

export interface StreamReport {
  requests: number;
  /** Answers by status ('network' for a connection that failed: the api was down). */
  statuses: Record<string, number>;
  /** The problem codes of the answers other than 202, with the Retry-After they carried. */
  problems: Record<string, number>;
  retryAfter: Record<string, number>;
  accepted: number;
  duplicates: number;
  seconds: number;
}

/**
 * Sends the fleet's fixes as terminals and their platforms do: the vehicles in `groups` groups,
 * each group a sequential sender posting fix k of all its vehicles, then k+1, and resending a
 * batch until it is accepted (202). So each vehicle's fixes are sent in order and none is given
 * up, whatever the service answers meanwhile. `bases` are api addresses, used in turn.
 * `onProgress(fraction)` is called after every accepted batch.
 */
export async function sendStream(
  fleet: Fleet,
  bases: string[],
  options: { groups?: number; onProgress?: (fraction: number) => void; deadlineMs?: number } = {},
): Promise<StreamReport> {
  const groups = options.groups ?? 4;
  const n = fleet.vehicleIds.length;
  const total = groups * fleet.fixesPerVehicle;
  const report: StreamReport = {
    requests: 0,
    statuses: {},
    problems: {},
    retryAfter: {},
    accepted: 0,
    duplicates: 0,
    seconds: 0,
  };
  const started = Date.now();
  const deadline = started + (options.deadlineMs ?? 600_000);
  let done = 0;
  let turn = 0;
  const group = async (g: number): Promise<void> => {
    const members = Array.from({ length: n }, (_, i) => i).filter((i) => i % groups === g);
    for (let k = 0; k < fleet.fixesPerVehicle; k++) {
      const body = JSON.stringify({ positions: members.map((i) => fixOf(fleet, i, k)) });
      for (let attempt = 0; ; attempt++) {
        if (Date.now() > deadline) throw new Error('the stream was not accepted before its deadline');
        const base = bases[turn++ % bases.length]!;
        report.requests++;
        let status: string;
        try {
          const res = await fetch(`${base}/v1/telemetry/positions`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${fleet.transportKey}`, 'Content-Type': 'application/json' },
            body,
            signal: AbortSignal.timeout(30_000),
          });
          status = String(res.status);
          const answer = (await res.json()) as {
            accepted?: number;
            duplicates?: number;
            rejected?: unknown[];
            code?: string;
          };
          if (res.status !== 202) {
            const code = `${res.headers.get('content-type')?.split(';')[0]} ${answer.code}`;
            report.problems[code] = (report.problems[code] ?? 0) + 1;
            const after = res.headers.get('retry-after') ?? 'none';
            report.retryAfter[after] = (report.retryAfter[after] ?? 0) + 1;
          }
          if (res.status === 202) {
            if (answer.rejected?.length) throw new Error(`fixes rejected: ${JSON.stringify(answer.rejected)}`);
            report.accepted += answer.accepted ?? 0;
            report.duplicates += answer.duplicates ?? 0;
          }
        } catch (err) {
          if ((err as Error).message.startsWith('fixes rejected')) throw err;
          status = 'network';
        }
        report.statuses[status] = (report.statuses[status] ?? 0) + 1;
        if (status === '202') break;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** Math.min(attempt, 4))));
      }
      done++;
      options.onProgress?.(done / total);
    }
  };
  await Promise.all(Array.from({ length: groups }, (_, g) => group(g)));
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
