import { parseArgs } from 'node:util';
import { confirmPendingFilings } from '../../confirm-filings.js';
import { loopbackAddress, SimulatedTerminal, SIMULATOR_MAKER } from './simulator.js';

/**
 * `npm run simulate:jt808 -- --api http://127.0.0.1:3000 --key <admin key> --terminals 50`:
 * registers a carrier and N tankers with terminal numbers through the API, then connects N
 * simulated terminals to the gateway that register, authenticate and report every --every ms
 * along --route (lon,lat;lon,lat;…), until stopped.
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
await confirmPendingFilings(values.api!, agencies);
// Transport binds each terminal to its vehicle with the maker and model it registers with.
for (const [i, phone] of phones.entries())
  await post(
    '/v1/terminal-bindings',
    { terminalId: phone, vehicleId: vehicleIds[i], makerId: SIMULATOR_MAKER, model: 'SIM-808', reason: 'simulator' },
    agencies[0],
  );
const terminals: SimulatedTerminal[] = [];
for (const [i, phone] of phones.entries()) {
  const t = new SimulatedTerminal(phone, plates[i]!);
  await t.open(values.host, Number(values.port), loopbackAddress(values.host!, i));
  if (!(await t.signIn())) throw new Error(`terminal ${phone} was refused`);
  terminals.push(t);
}
process.stdout.write(`${n} terminals signed in; reporting every ${values.every} ms (Ctrl-C to stop)\n`);
let step = 0;
setInterval(() => {
  step++;
  terminals.forEach((t, i) => {
    const f = ((step + i * 5) % 400) / 400;
    const seg = Math.min(route.length - 2, Math.floor(f * (route.length - 1)));
    const local = f * (route.length - 1) - seg;
    const [a, b] = [route[seg]!, route[seg + 1]!];
    t.report({
      lon: a[0] + (b[0] - a[0]) * local,
      lat: a[1] + (b[1] - a[1]) * local,
      speedKmh: 50,
      heading: 70,
      at: new Date(),
    });
  });
}, Number(values.every));
