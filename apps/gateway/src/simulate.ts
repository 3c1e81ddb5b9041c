import { parseArgs } from 'node:util';
import { citizenIdCheckCharacter } from '@lib/registry';
import { confirmPendingFilings } from '../../confirm-filings.js';
import { loopbackAddress, type SimulatedCard, SimulatedTerminal, SIMULATOR_MAKER } from './simulator.js';

/**
 * `npm run simulate:jt808 -- --api http://127.0.0.1:3000 --key <admin key> --terminals 50`:
 * registers a carrier and N tankers with terminal numbers through the API, then connects N
 * simulated terminals to the gateway that register, authenticate and report every --every ms
 * along --route (lon,lat;lon,lat;…), until stopped. The terminals answer the platform's commands
 * (text messages, position queries, parameter settings and queries: a new report interval is
 * kept). Misbehaviour: --clock-ahead N makes the first N terminals' clocks run a year ahead;
 * --unlocated-alarm N makes the next N send every 10th report as an emergency alarm without a fix.
 * Each tanker has a registered driver whose card its terminal swipes after signing in (JT/T 808
 * 0x0702); the first --wrong-card terminals swipe the card of someone the carrier never registered
 * instead (a loaded tanker then raises CREW_MISMATCH once it is on an e-waybill).
 */
const { values } = parseArgs({
  options: {
    api: { type: 'string', default: 'http://127.0.0.1:3000' },
    key: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '6808' },
    terminals: { type: 'string', default: '50' },
    every: { type: 'string', default: '1000' },
    route: { type: 'string', default: '120.28,31.49;120.35,31.52;120.42,31.55' },
    'clock-ahead': { type: 'string', default: '0' },
    'unlocated-alarm': { type: 'string', default: '0' },
    'wrong-card': { type: 'string', default: '0' },
  },
});
if (!values.key) throw new Error('--key: an admin API key is needed to register the simulated vehicles');
const n = Number(values.terminals);
const route = values.route.split(';').map((p) => p.split(',').map(Number) as [number, number]);
const post = async (path: string, body: unknown, key = values.key!): Promise<Record<string, unknown>> => {
  const res = await fetch(`${values.api}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const run = Date.now().toString().slice(-6);
const carrier = await post('/v1/enterprises', {
  creditCode: '91320214MA1P3K2X02',
  name: `模拟终端运输公司${run}`,
  roles: ['carrier'],
  district: '新吴',
  address: '无锡',
}).catch(() => null);
if (!carrier) throw new Error('could not create the carrier (run once per database, or change its credit code)');
// The carrier registers its tankers with its own key; transport (certificates and terminals) and
// market supervision (tanks) confirm what it filed before the terminals can sign in.
const keyOf = async (request: Record<string, unknown>): Promise<string> =>
  (await post('/v1/api-keys', { name: 'simulator', ...request })).key as string;
const carrierKey = await keyOf({ principal: 'enterprise', enterpriseId: carrier.id });
const agencies = [
  await keyOf({ principal: 'agency', agency: 'transport' }),
  await keyOf({ principal: 'agency', agency: 'market' }),
];
const phones = Array.from({ length: n }, (_, i) => `0137${run.slice(-2)}${String(i).padStart(6, '0')}`);
const plates = phones.map((_, i) => `苏B${run.slice(-1)}${String(i).padStart(4, '0')}`.replace(/[IO]/g, '1'));
const vehicleIds: string[] = [];
for (const [i, phone] of phones.entries()) {
  const vehicle = await post(
    '/v1/vehicles',
    {
      kind: 'tanker',
      plate: plates[i],
      permittedClasses: ['3'],
      tankVolumeM3: 24.5,
      approvedLoadKg: 30000,
      tankInspectionExpiry: '2028-06-30',
      transportCertNumber: `苏交运管无字${run}${i}号`,
      transportCertExpiry: '2028-12-31',
      terminalId: phone,
    },
    carrierKey,
  );
  vehicleIds.push(vehicle.id as string);
}
// One driver per tanker, whose qualification card the terminal swipes.
const citizenId = (i: number): string => {
  const first17 = `320202198503${String(12 + (i % 17)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  return first17 + citizenIdCheckCharacter(first17);
};
const cards: SimulatedCard[] = [];
for (const [i] of phones.entries()) {
  const card = {
    name: `模拟驾驶员${i}`,
    qualificationNumber: `SIM${run}${String(i).padStart(6, '0')}`,
    issuer: '无锡市交通运输局',
    validUntil: '2028-12-31',
    citizenId: citizenId(i),
  };
  await post(
    '/v1/personnel',
    {
      name: card.name,
      idNumber: card.citizenId,
      role: 'driver',
      qualificationKind: 'dg_driver',
      qualificationNumber: card.qualificationNumber,
      qualificationExpiry: card.validUntil,
    },
    carrierKey,
  );
  cards.push(card);
}
await confirmPendingFilings(values.api!, agencies);
// Transport binds each terminal to its vehicle with the maker and model it registers with.
for (const [i, phone] of phones.entries())
  await post(
    '/v1/terminal-bindings',
    { terminalId: phone, vehicleId: vehicleIds[i], makerId: SIMULATOR_MAKER, model: 'SIM-808', reason: 'simulator' },
    agencies[0],
  );
const clockAhead = Number(values['clock-ahead']);
const unlocatedAlarm = Number(values['unlocated-alarm']);
const intervalS = Math.max(1, Math.round(Number(values.every) / 1000));
const YEAR_MS = 365 * 86_400_000;
for (const [i, phone] of phones.entries()) {
  const misbehaviour =
    i < clockAhead ? { clockAheadMs: YEAR_MS } : i < clockAhead + unlocatedAlarm ? { unlocatedAlarmEvery: 10 } : {};
  const t = new SimulatedTerminal(phone, plates[i]!, 2013, misbehaviour, intervalS);
  await t.open(values.host, Number(values.port), loopbackAddress(values.host!, i));
  if (!(await t.signIn())) throw new Error(`terminal ${phone} was refused`);
  const card =
    i < Number(values['wrong-card'])
      ? { ...cards[i]!, name: '无证人员', qualificationNumber: `NOTREG${run}${i}`, citizenId: null }
      : cards[i]!;
  await t.swipeCard(card);
  // Each terminal drives along the route at its own report interval (the platform may change it).
  let step = i * 5;
  t.drive(() => {
    const f = (++step % 400) / 400;
    const seg = Math.min(route.length - 2, Math.floor(f * (route.length - 1)));
    const local = f * (route.length - 1) - seg;
    const [a, b] = [route[seg]!, route[seg + 1]!];
    return { lon: a[0] + (b[0] - a[0]) * local, lat: a[1] + (b[1] - a[1]) * local, speedKmh: 50, heading: 70 };
  });
}
process.stdout.write(`${n} terminals signed in; reporting every ${intervalS} s (Ctrl-C to stop)\n`);
