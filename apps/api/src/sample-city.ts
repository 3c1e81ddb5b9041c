import { CREDIT_CODE_ALPHABET, citizenIdCheckCharacter, creditCodeCheckCharacter } from '@lib/registry';
import { confirmPendingFilings } from '../../confirm-filings.js';

/**
 * A fictional Wuxi, loaded through the public API of a running service the way it is run: admin
 * registers the enterprises; each enterprise files its licences, facilities, vehicles and crew with
 * its own key; the agencies that issue them (emergency management, transport, market supervision)
 * work through their queues and confirm; then stock, approved routes and ban zones, and tankers on
 * loaded e-waybills. `npm run demo` drives the tankers; bench:api files more waybills like theirs.
 */
type Json = Record<string, unknown>;
export type Lon = [number, number];
export const M_PER_DEG_LAT = 110_540;
export const mPerDegLon = (lat: number): number => 111_320 * Math.cos((lat * Math.PI) / 180);

let serial = 7;
function creditCode(division: string): string {
  let body = '';
  let n = ++serial * 7919;
  for (let i = 0; i < 9; i++) {
    body += CREDIT_CODE_ALPHABET[n % 31];
    n = Math.floor(n / 31) + i * 13 + serial;
  }
  const first17 = `91${division}${body}`;
  return first17 + creditCodeCheckCharacter(first17);
}
function citizenId(): string {
  const first17 = `320211${1975 + (serial % 20)}0${1 + (serial % 9)}1${serial % 10}${String(++serial % 1000).padStart(3, '0')}`;
  return first17 + citizenIdCheckCharacter(first17);
}
/** A date (YYYY-MM-DD) this many years from now: the city's certificates stay valid whenever it is loaded. */
const yearsAhead = (years: number): string => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
};
const plate = (i: number): string => `苏B${'DGHKL'[i % 5]}${String(1000 + i * 37).slice(-4)}`;

/** Wuxi's chemical parks and plants (fictional enterprises at plausible places). */
const CONSIGNORS = [
  { name: '无锡新吴精细化工有限公司', district: '新吴', division: '320214', at: [120.412, 31.482] as Lon },
  { name: '江阴临港石化储运有限公司', district: '江阴', division: '320281', at: [120.205, 31.905] as Lon },
  { name: '惠山化工园区溶剂有限公司', district: '惠山', division: '320206', at: [120.218, 31.668] as Lon },
  { name: '宜兴官林化学品有限公司', district: '宜兴', division: '320282', at: [119.912, 31.452] as Lon },
];
const CONSIGNEES = [
  { name: '无锡滨湖电子材料有限公司', district: '滨湖', division: '320211', at: [120.262, 31.525] as Lon },
  { name: '锡山东港涂料有限公司', district: '锡山', division: '320205', at: [120.452, 31.615] as Lon },
  { name: '梁溪清洗剂经营部', district: '梁溪', division: '320213', at: [120.305, 31.578] as Lon },
  { name: '经开区半导体配套有限公司', district: '经开区', division: '320214', at: [120.338, 31.508] as Lon },
];
const CARRIERS = [
  '无锡安运危险品运输有限公司',
  '江阴长江化工物流有限公司',
  '宜兴顺达危货运输有限公司',
  '滨湖捷运化工物流有限公司',
];
const CHEMICALS = ['67-56-1', '108-88-3', '67-64-1', '7664-93-9'];
const TAIHU: Lon = [120.29, 31.54];

/** A lane: a consignor, a consignee and the road between them (a bend through a waypoint). */
function road(from: Lon, to: Lon, k: number): Lon[] {
  const mid: Lon = [(from[0] + to[0]) / 2 + (k % 2 ? 0.02 : -0.02), (from[1] + to[1]) / 2 + (k % 3 ? 0.01 : -0.01)];
  return [from, mid, to];
}

function square(c: Lon, half: number): Json {
  const dx = half / mPerDegLon(c[1]);
  const dy = half / M_PER_DEG_LAT;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [c[0] - dx, c[1] - dy],
        [c[0] + dx, c[1] - dy],
        [c[0] + dx, c[1] + dy],
        [c[0] - dx, c[1] + dy],
        [c[0] - dx, c[1] - dy],
      ],
    ],
  };
}

export interface SampleTanker {
  vehicleId: string;
  line: Lon[];
  odd: 'deviate' | 'stop' | 'zone' | null;
  /** The consignor's key and the content of the tanker's e-waybill (another can be filed like it). */
  consignorKey: string;
  waybill: Json;
  waybillId: string;
}

export interface SampleCity {
  police: string;
  transport: string;
  tankers: SampleTanker[];
  summary: string;
}

export async function loadSampleCity(base: string, admin: string, tankerCount = 50): Promise<SampleCity> {
  const call = async (key: string, method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as Json;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const post = (key: string, path: string, body?: unknown) => call(key, 'POST', path, body ?? {});
  const key = async (request: Json): Promise<string> =>
    (await post(admin, '/v1/api-keys', { name: 'demo', ...request })).key as string;
  const police = await key({ principal: 'agency', agency: 'police' });
  const transport = await key({ principal: 'agency', agency: 'transport' });
  const emergency = await key({ principal: 'agency', agency: 'emergency' });
  const market = await key({ principal: 'agency', agency: 'market' });
  // Each agency works through its queue (待审核事项) and confirms what the enterprises filed.
  const confirmQueues = (): Promise<number> => confirmPendingFilings(base, [emergency, transport, market, police]);

  const catalogue = await Promise.all(
    CHEMICALS.map(async (cas) =>
      ((await call(admin, 'GET', `/v1/chemicals?q=${cas}`)).items as Json[]).find((c) => c.cas === cas)!,
    ),
  );
  const chemicals = catalogue.map((c) => c.id as string);
  // Toluene, acetone and sulphuric acid are category 3 drug precursors (易制毒): bought under a
  // purchase filing, carried under a transport filing (《易制毒化学品管理条例》 Art. 17, 20).
  const precursors = catalogue.filter((c) => c.drugPrecursorCategory).map((c) => c.id as string);
  const policeFiling = (kind: string, over: Json) => ({
    kind,
    number: `锡公易制毒备${++serial}`,
    issuer: '无锡市公安局',
    validFrom: '2024-01-01',
    validTo: yearsAhead(1),
    scope: { chemicalIds: precursors },
    permittedQuantityKg: 1e9,
    ...over,
  });
  const classes = {
    scope: { classes: ['3', '8'] },
    validFrom: '2024-01-01',
    validTo: yearsAhead(2),
    issuer: '无锡市应急管理局',
  };
  const enterprise = async (e: { name: string; district: string; division: string }, roles: string[]) =>
    (
      await post(admin, '/v1/enterprises', {
        creditCode: creditCode(e.division),
        name: e.name,
        roles,
        district: e.district,
        address: `无锡市${e.district}`,
        contacts: [{ name: '王安全', role: '安全负责人', phone: '13912345678' }],
      })
    ).id as string;
  const party = async (e: (typeof CONSIGNORS)[number], roles: string[], licence: string) => {
    const id = await enterprise(e, roles);
    const own = await key({ principal: 'enterprise', enterpriseId: id });
    await post(own, `/v1/enterprises/${id}/licences`, { kind: licence, number: `苏危化${++serial}`, ...classes });
    const facility = (
      await post(own, '/v1/facilities', {
        name: `${e.name.slice(2, 6)}储罐区`,
        kind: 'storage',
        geometry: square(e.at, 80),
        district: e.district,
        address: `无锡市${e.district}`,
        capacities: chemicals.map((c) => ({ chemicalId: c, maxKg: 900_000 })),
        peopleWithin500m: 60 + serial,
      })
    ).id as string;
    return { id, facility, at: e.at, key: own };
  };
  const consignors = [];
  for (const c of CONSIGNORS) consignors.push(await party(c, ['producer', 'storer'], 'safety_production'));
  const consignees = [];
  for (const c of CONSIGNEES) consignees.push(await party(c, ['user', 'trader', 'storer'], 'business'));
  for (const c of consignees)
    await post(c.key, `/v1/enterprises/${c.id}/licences`, policeFiling('drug_precursor_purchase_filing', {}));
  const carriers = [];
  for (const [i, name] of CARRIERS.entries()) {
    const id = await enterprise({ name, district: ['新吴', '江阴', '宜兴', '滨湖'][i]!, division: '320214' }, [
      'carrier',
    ]);
    const own = await key({ principal: 'enterprise', enterpriseId: id });
    await post(own, `/v1/enterprises/${id}/licences`, {
      kind: 'road_transport',
      number: `苏交运${++serial}`,
      ...classes,
      issuer: '无锡市交通运输局',
    });
    carriers.push({ id, key: own });
  }
  // Licences and facilities count once emergency management and transport confirm them.
  await confirmQueues();
  for (const p of consignors)
    for (const chemicalId of chemicals)
      await post(p.key, '/v1/movements', {
        operation: 'produce',
        facilityId: p.facility,
        chemicalId,
        lotNumber: `L${serial}-${chemicalId.slice(0, 4)}`,
        quantity: { value: 800, unit: 't' },
        occurredAt: new Date(Date.now() - 3600_000).toISOString(),
      });
  // Ban zones: Taihu's water source, a school, a tunnel.
  for (const [name, kind, at, half] of [
    ['太湖贡湖水源地保护区', 'water_source', TAIHU, 900],
    ['梁溪实验小学周边', 'school', [120.31, 31.585], 250],
    ['惠山隧道', 'tunnel', [120.24, 31.6], 300],
  ] as Array<[string, string, Lon, number]>) {
    const zone = await post(transport, '/v1/zones', { name, kind, geometry: square(at, half) });
    await post(transport, `/v1/zones/${zone.id as string}/approve`);
  }

  const tankers: SampleTanker[] = [];
  const lanes = new Map<string, { routeId: string; line: Lon[] }>();
  // The carriers register their tankers and crews: certificates, tanks, terminals and qualifications filed.
  const fleet: Array<{ vehicleId: string; driverId: string; escortId: string }> = [];
  for (let i = 0; i < tankerCount; i++) {
    const from = consignors[i % consignors.length]!;
    const to = consignees[(i * 3 + 1) % consignees.length]!;
    const carrier = carriers[i % carriers.length]!;
    const laneKey = `${from.id}>${to.id}`;
    if (!lanes.has(laneKey)) {
      const line = road(from.at, to.at, lanes.size);
      const route = await post(transport, '/v1/routes', {
        name: `核定线路 ${lanes.size + 1}`,
        geometry: { type: 'LineString', coordinates: line },
        halfWidthM: 80,
        hazardClasses: ['3', '8'],
        validFrom: '2026-01-01',
        validTo: yearsAhead(4),
      });
      await post(transport, `/v1/routes/${route.id as string}/approve`);
      lanes.set(laneKey, { routeId: route.id as string, line });
    }
    const vehicleId = (
      await post(carrier.key, '/v1/vehicles', {
        kind: 'tanker',
        plate: plate(i),
        permittedClasses: ['3', '8'],
        approvedMedia: chemicals,
        tankVolumeM3: 24.5,
        approvedLoadKg: 30000,
        tankInspectionExpiry: yearsAhead(2),
        transportCertNumber: `苏交运管无字${3200 + i}号`,
        transportCertExpiry: yearsAhead(2),
        terminalId: `0139${String(10_000_000 + i * 7919).slice(-8)}`,
      })
    ).id as string;
    const person = (role: string) =>
      post(carrier.key, '/v1/personnel', {
        name:
          role === 'driver'
            ? ['王建国', '李卫东', '张海涛', '陈志强', '刘洪波'][i % 5]
            : ['赵敏', '孙丽', '周芳'][i % 3],
        idNumber: citizenId(),
        phone: `139${String(10_000_000 + i * 131 + (role === 'driver' ? 0 : 7)).slice(-8)}`,
        role,
        qualificationKind: role === 'driver' ? 'dg_driver' : 'dg_escort',
        qualificationNumber: `QC${role[0]}${1000 + i}`,
        qualificationExpiry: yearsAhead(2),
      });
    const [driver, escort] = [await person('driver'), await person('escort')];
    fleet.push({ vehicleId, driverId: driver.id as string, escortId: escort.id as string });
    // The consignor files the tanker's transport filing for its consignee (Art. 20: vehicle, consignee, quantity).
    if (precursors.includes(chemicals[i % chemicals.length]!))
      await post(
        from.key,
        `/v1/enterprises/${from.id}/licences`,
        policeFiling('drug_precursor_transport_filing', {
          scope: { chemicalIds: precursors, vehicleIds: [vehicleId] },
          counterpartyId: to.id,
        }),
      );
  }
  // Transport (certificates, terminals, qualifications), market supervision (tanks) and police (filings) confirm them.
  await confirmQueues();
  for (let i = 0; i < tankerCount; i++) {
    const { vehicleId, driverId, escortId } = fleet[i]!;
    const from = consignors[i % consignors.length]!;
    const to = consignees[(i * 3 + 1) % consignees.length]!;
    const carrier = carriers[i % carriers.length]!;
    const chemicalId = chemicals[i % chemicals.length]!;
    const lane = lanes.get(`${from.id}>${to.id}`)!;
    const lot = ((await call(from.key, 'GET', `/v1/facilities/${from.facility}/stock`)).lines as Json[]).find(
      (l) => l.chemicalId === chemicalId,
    )!.lotId;
    const waybill: Json = {
      carrierId: carrier.id,
      consigneeId: to.id,
      loadingFacilityId: from.facility,
      unloadingFacilityId: to.facility,
      vehicleId,
      driverId,
      escortId,
      routeId: lane.routeId,
      plannedDeparture: new Date(Date.now() + 600_000).toISOString(),
      plannedArrival: new Date(Date.now() + 4 * 3600_000).toISOString(),
      items: [{ chemicalId, quantity: { value: 10, unit: 't' }, lotId: lot, packaging: 'tank', compartment: 1 }],
    };
    const draft = await post(from.key, '/v1/waybills', waybill);
    await post(from.key, `/v1/waybills/${draft.id as string}/submit`);
    await post(from.key, `/v1/waybills/${draft.id as string}/load`, {
      vehicleOk: true,
      tankOk: true,
      documentsOk: true,
      goodsMatch: true,
      loaderName: '周建华',
    });
    tankers.push({
      vehicleId,
      // Tanker 31 takes a short cut across Taihu's water-source zone.
      line: i === 30 ? [lane.line[0]!, TAIHU, lane.line[lane.line.length - 1]!] : lane.line,
      odd: i === 7 || i === 23 || i === 41 ? 'deviate' : i === 12 ? 'stop' : i === 30 ? 'zone' : null,
      consignorKey: from.key,
      waybill,
      waybillId: draft.id as string,
    });
  }

  return {
    police,
    transport,
    tankers,
    summary: `${consignors.length + consignees.length + carriers.length} enterprises, ${lanes.size} approved routes, 3 zones, ${tankerCount} tankers on loaded e-waybills`,
  };
}
