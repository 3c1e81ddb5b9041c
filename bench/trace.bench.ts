import 'reflect-metadata';
import { MovementService } from '@lib/ledger';
import type { Principal } from '@lib/platform';
import { confirmPendingFilings } from '../apps/confirm-filings.js';
import { benchApp, percentile, report, round } from './support.js';

/**
 * bench:trace — the trace of a lot 10 hops deep with 1,000 movements must answer in under
 * 100 ms. A lot is produced, then each generation is split off the previous one (a hop), and
 * every generation moves back and forth between facilities of three enterprises (a transfer within
 * one, a sale and its receipt by the buyer between two). Movements are dated within the backdating
 * window, as current bookings are.
 */
const HOPS = 10;
const MOVEMENTS = 1000;
const RUNS = 30;

async function main(): Promise<void> {
  const b = await benchApp();
  const admin: Principal = { kind: 'admin', keyId: '' };
  const api = async (path: string, body?: unknown, key = b.adminKey): Promise<Record<string, unknown>> => {
    const res = await fetch(`${b.baseUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const ethanol = ((await api('/v1/chemicals?q=64-17-5')).items as Array<{ id: string }>)[0]!.id;
  // Each enterprise files its licence and facilities with its own key; emergency management confirms them.
  const facilities: string[] = [];
  for (let e = 0; e < 3; e++) {
    const code = ['91320214MA1P3K2X02', '91320281MA1N8C5Q0G', '91320205MA1W0G3R0J'][e]!;
    const enterprise = await api('/v1/enterprises', {
      creditCode: code,
      name: `基准企业${e}`,
      roles: ['producer', 'storer', 'trader'],
      district: '新吴',
      address: 'x',
    });
    const own = (await api('/v1/api-keys', { principal: 'enterprise', enterpriseId: enterprise.id, name: 'bench' }))
      .key as string;
    await api(
      `/v1/enterprises/${enterprise.id as string}/licences`,
      {
        kind: 'safety_production',
        number: `B-${e}`,
        issuer: 'x',
        validFrom: '2020-01-01',
        validTo: '2030-12-31',
        scope: { classes: ['3'] },
      },
      own,
    );
    for (let f = 0; f < 2; f++) {
      const facility = await api(
        '/v1/facilities',
        {
          name: `F${e}${f}`,
          kind: 'storage',
          geometry: { type: 'Point', coordinates: [120.3 + e / 100, 31.5 + f / 100] },
          district: '新吴',
          address: 'x',
          capacities: [{ unClass: '3', maxKg: 1e9 }],
        },
        own,
      );
      facilities.push(facility.id as string);
    }
  }
  const emergency = (await api('/v1/api-keys', { principal: 'agency', agency: 'emergency', name: 'bench' }))
    .key as string;
  await confirmPendingFilings(b.baseUrl, [emergency]);
  const movements = b.app.get(MovementService);
  let at = Date.now() - 48 * 3_600_000;
  const next = (): string => new Date((at += 60_000)).toISOString();
  const [root] = await movements.record(
    {
      operation: 'produce',
      facilityId: facilities[0]!,
      chemicalId: ethanol,
      lotNumber: 'ROOT',
      quantity: { value: 2 ** 20, unit: 'kg' },
      occurredAt: next(),
    } as never,
    admin,
  );
  let lotId = root!.lotId;
  let quantity = 2 ** 20; // halves stay whole kilograms
  let here = 0;
  let written = 1;
  const enterpriseOf = (i: number): number => Math.floor(i / 2);
  const move = async (from: number, to: number, kg: number): Promise<number> => {
    const operation = enterpriseOf(from) === enterpriseOf(to) ? 'transfer' : 'sell';
    const legs = await movements.record(
      {
        operation,
        facilityId: facilities[from]!,
        toFacilityId: facilities[to]!,
        chemicalId: ethanol,
        lotId,
        quantity: { value: kg, unit: 'kg' },
        occurredAt: next(),
      } as never,
      admin,
    );
    if (operation === 'transfer') return legs.length;
    // A sale reaches the buyer when the buyer books its receipt.
    const received = await movements.record(
      {
        operation: 'receive',
        facilityId: facilities[to]!,
        chemicalId: ethanol,
        sourceMovementId: legs[0]!.id,
        quantity: { value: kg, unit: 'kg' },
        occurredAt: next(),
      } as never,
      admin,
    );
    return legs.length + received.length;
  };
  const perHop = Math.ceil((MOVEMENTS - 1 - HOPS * 5) / HOPS / 4);
  for (let hop = 0; hop < HOPS; hop++) {
    for (let r = 0; r < perHop; r++) {
      const other = (here + 1 + (r % 4)) % facilities.length;
      written += await move(here, other, 10);
      written += await move(other, here, 10);
    }
    // A hop: the lot is split in two, and one half travels on to the next facility as a new lot.
    const split = await movements.record(
      {
        operation: 'split',
        facilityId: facilities[here]!,
        chemicalId: ethanol,
        lotId,
        parts: [
          { lotNumber: `H${hop}a`, value: quantity / 2 },
          { lotNumber: `H${hop}b`, value: quantity / 2 },
        ],
        occurredAt: next(),
      } as never,
      admin,
    );
    written += split.length;
    lotId = split[2]!.lotId;
    quantity /= 2;
    const nextFacility = (here + 1) % facilities.length;
    written += await move(here, nextFacility, quantity);
    here = nextFacility;
  }
  const leaf = lotId;
  const timeTrace = async (path: string): Promise<number[]> => {
    await api(path);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await api(path);
      times.push(performance.now() - t0);
    }
    return times;
  };
  const forward = await timeTrace(`/v1/lots/${root!.lotId}/trace?direction=forward`);
  const backward = await timeTrace(`/v1/lots/${leaf}/trace?direction=backward`);
  const graph = await api(`/v1/lots/${root!.lotId}/trace?direction=forward`);
  report({
    bench: 'trace',
    store: b.config.database.kind,
    hops: HOPS,
    lots: (graph.lots as unknown[]).length,
    movements: (graph.movements as unknown[]).length,
    forwardP50Ms: round(percentile(forward, 50)),
    forwardP95Ms: round(percentile(forward, 95)),
    backwardP50Ms: round(percentile(backward, 50)),
    backwardP95Ms: round(percentile(backward, 95)),
    targetMs: 100,
  });
  await b.close();
}

await main();
