import { creditCodeCheckCharacter, CREDIT_CODE_ALPHABET } from '../../libs/registry/src/identifiers/credit-code.js';
import { citizenIdCheckCharacter } from '../../libs/registry/src/identifiers/citizen-id.js';
import { bearer, type TestApp } from './test-app.js';

/**
 * Factories: valid domain objects in one call, created through the public API; a test overrides
 * only what it is about. Identifiers are generated valid (check characters computed).
 */
let seq = 0;
const next = (): number => ++seq + Math.floor(Math.random() * 1e6) * 1000;

/**
 * The local (Wuxi) date some years from now: the end of a licence, certificate or route that is
 * meant to stay valid. A date written into the suite would make it fail from that day on.
 */
export const yearsFromNow = (years: number): string =>
  new Date(Date.now() + 8 * 3600_000 + years * 365 * 86_400_000).toISOString().slice(0, 10);

export function creditCode(division = '320214'): string {
  let body = '';
  let n = next();
  for (let i = 0; i < 9; i++) {
    body += CREDIT_CODE_ALPHABET[n % 31];
    n = Math.floor(n / 31) + i * 7;
  }
  const first17 = `91${division}${body}`;
  return first17 + creditCodeCheckCharacter(first17);
}

export function citizenId(region = '320202', birth = '19850312'): string {
  const first17 = `${region}${birth}${String(next() % 1000).padStart(3, '0')}`;
  return first17 + citizenIdCheckCharacter(first17);
}

const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
export function plate(trailer = false): string {
  let n = next();
  let tail = '';
  for (let i = 0; i < (trailer ? 4 : 5); i++) {
    tail += PLATE_CHARS[n % PLATE_CHARS.length];
    n = Math.floor(n / PLATE_CHARS.length) + i;
  }
  return `苏B${tail}${trailer ? '挂' : ''}`;
}

export const terminalId = (): string => `0139${String(next()).padStart(8, '0').slice(-8)}`;

type Json = Record<string, unknown>;

async function post(t: TestApp, key: string, path: string, body: Json, expected = 201): Promise<Json> {
  const res = await t
    .http()
    .post(path)
    .set(...bearer(key))
    .send(body);
  if (res.status !== expected) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

export async function chemicalByCas(t: TestApp, cas: string): Promise<Json> {
  const res = await t
    .http()
    .get(`/v1/chemicals?q=${cas}`)
    .set(...bearer(t.adminKey));
  const hit = (res.body.items as Json[]).find((c) => c.cas === cas);
  if (!hit) throw new Error(`chemical ${cas} not in the catalogue`);
  return hit;
}

export const makeEnterprise = (t: TestApp, over: Json = {}): Promise<Json> =>
  post(t, t.adminKey, '/v1/enterprises', {
    creditCode: creditCode(),
    name: `无锡测试化工有限公司${next()}`,
    roles: ['producer', 'storer', 'trader', 'carrier'],
    district: '新吴',
    address: '无锡市新吴区化工路 1 号',
    contacts: [{ name: '王建国', role: '安全负责人', phone: '13912345678' }],
    ...over,
  });

export const makeLicence = (t: TestApp, enterpriseId: string, over: Json = {}): Promise<Json> =>
  post(t, t.adminKey, `/v1/enterprises/${enterpriseId}/licences`, {
    kind: 'safety_production',
    number: `苏WH安许证字[${next()}]`,
    issuer: '江苏省应急管理厅',
    validFrom: '2024-01-01',
    validTo: yearsFromNow(3),
    scope: { classes: ['2', '3', '6.1', '8'] },
    ...over,
  });

/** The maker and model of the simulated and test terminals (apps/gateway/src/simulator.ts). */
export const TEST_TERMINAL = { makerId: 'SIMUL', model: 'SIM-808' } as const;

/**
 * A registered tanker; its terminal bound by the bureau with the test terminals' maker (a binding
 * made through the vehicle record names no maker, and a terminal cannot register until it does).
 */
export async function makeVehicle(t: TestApp, carrierId: string, over: Json = {}): Promise<Json> {
  const vehicle = await newVehicle(t, carrierId, over);
  if (typeof vehicle.terminalId === 'string' && typeof vehicle.id === 'string') {
    const bound = await t
      .http()
      .post('/v1/terminal-bindings')
      .set('Authorization', `Bearer ${t.adminKey}`)
      .send({ terminalId: vehicle.terminalId, vehicleId: vehicle.id, ...TEST_TERMINAL, reason: 'test fleet' });
    if (bound.status !== 201) throw new Error(`binding refused: ${bound.status} ${JSON.stringify(bound.body)}`);
  }
  return vehicle;
}

const newVehicle = (t: TestApp, carrierId: string, over: Json = {}): Promise<Json> =>
  post(t, t.adminKey, '/v1/vehicles', {
    kind: 'tanker',
    plate: plate(),
    carrierId,
    permittedClasses: ['2.3', '3', '8'],
    tankVolumeM3: 24.5,
    approvedLoadKg: 30000,
    tankInspectionExpiry: yearsFromNow(2),
    transportCertNumber: `苏交运管无字${next()}号`,
    transportCertExpiry: yearsFromNow(3),
    terminalId: terminalId(),
    ...over,
  });

export const makePerson = (t: TestApp, employerId: string, over: Json = {}): Promise<Json> =>
  post(t, t.adminKey, '/v1/personnel', {
    name: '李卫东',
    idNumber: citizenId(),
    phone: '13912345678',
    role: 'driver',
    employerId,
    qualificationKind: 'dg_driver',
    qualificationNumber: `QC${next()}`,
    qualificationExpiry: yearsFromNow(2),
    ...over,
  });

export const WUXI_SQUARE = {
  type: 'Polygon',
  coordinates: [
    [
      [120.352, 31.49],
      [120.356, 31.49],
      [120.356, 31.493],
      [120.352, 31.493],
      [120.352, 31.49],
    ],
  ],
};

export const makeFacility = (t: TestApp, enterpriseId: string, over: Json = {}): Promise<Json> =>
  post(t, t.adminKey, '/v1/facilities', {
    enterpriseId,
    name: `储罐区 ${next()}`,
    kind: 'storage',
    geometry: WUXI_SQUARE,
    district: '新吴',
    address: '无锡市新吴区化工路 1 号',
    capacities: [],
    peopleWithin500m: 120,
    ...over,
  });

/** A loaded assignment of a vehicle to a route for `chemicalIds`, from `validFrom` to `validTo`. */
export async function assignLoaded(
  t: TestApp,
  transportKey: string,
  vehicleId: string,
  over: { routeId: string; chemicalIds: string[]; validFrom: Date; validTo: Date },
): Promise<void> {
  const res = await t
    .http()
    .put(`/v1/vehicles/${vehicleId}/assignment`)
    .set(...bearer(transportKey))
    .send({
      routeId: over.routeId,
      loaded: true,
      chemicalIds: over.chemicalIds,
      validFrom: over.validFrom.toISOString(),
      validTo: over.validTo.toISOString(),
    });
  if (res.status !== 200) throw new Error(`assignment refused: ${res.status} ${JSON.stringify(res.body)}`);
}
