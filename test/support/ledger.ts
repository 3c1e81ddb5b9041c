import { makeEnterprise, makeFacility, makeLicence } from './factories.js';
import { bearer, type TestApp } from './test-app.js';

type Json = Record<string, unknown>;

export interface Party {
  enterpriseId: string;
  key: string;
  facilityId: string;
}

/**
 * An enterprise with its own key, one facility (with capacities) and the licences given, each
 * valid from 2024-01-01 to three years from now unless overridden.
 */
export async function party(
  t: TestApp,
  options: { roles?: string[]; licences?: Json[]; capacities?: Json[]; district?: string; facilityKind?: string } = {},
): Promise<Party> {
  const e = await makeEnterprise(t, {
    roles: options.roles ?? ['producer', 'storer', 'trader'],
    district: options.district ?? '新吴',
  });
  const enterpriseId = e.id as string;
  for (const l of options.licences ?? []) await makeLicence(t, enterpriseId, l);
  const f = await makeFacility(t, enterpriseId, {
    kind: options.facilityKind ?? 'storage',
    district: options.district ?? '新吴',
    capacities: options.capacities ?? [
      { unClass: '6.1', maxKg: 50_000 },
      { unClass: '2', maxKg: 50_000 },
      { unClass: '3', maxKg: 50_000 },
      { unClass: '8', maxKg: 50_000 },
    ],
  });
  const key = await t.mintKey({ principal: 'enterprise', enterpriseId });
  return { enterpriseId, key, facilityId: f.id as string };
}

/** An instant `h` hours before now (ISO 8601): movements are current only within the backdating window (72 h). */
export const hoursAgo = (h: number): string => new Date(Date.now() - h * 3600_000).toISOString();

/** Records a movement, dated a day ago unless the body says otherwise. */
export async function record(
  t: TestApp,
  key: string,
  body: Json,
): Promise<{ status: number; body: Json & { [k: string]: unknown } }> {
  const res = await t
    .http()
    .post('/v1/movements')
    .set(...bearer(key))
    .send({ occurredAt: hoursAgo(24), ...body });
  return { status: res.status, body: res.body as Json };
}

export async function recorded(t: TestApp, key: string, body: Json): Promise<Json[]> {
  const res = await record(t, key, body);
  if (res.status !== 201)
    throw new Error(`movement ${String(body.operation)} refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as unknown as Json[];
}

export async function stockKg(
  t: TestApp,
  key: string,
  facilityId: string,
  chemicalId?: string,
  at?: string,
): Promise<number> {
  const res = await t
    .http()
    .get(`/v1/facilities/${facilityId}/stock${at ? `?at=${at}` : ''}`)
    .set(...bearer(key));
  const totals = res.body.totalsKg as Record<string, number>;
  return chemicalId ? (totals[chemicalId] ?? 0) : Object.values(totals).reduce((a, b) => a + b, 0);
}

export async function ledgerRows(t: TestApp): Promise<{ movements: number; balances: string }> {
  const [m] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM movements');
  const b = await t.db.query<{ s: string | null }>(
    "SELECT string_agg(facility_id::text || lot_id::text || quantity_kg::text, ',' ORDER BY facility_id, lot_id) AS s FROM stock_balances",
  );
  return { movements: Number(m!.n), balances: b[0]!.s ?? '' };
}

export const PRODUCTION_LICENCE = { kind: 'safety_production', scope: { classes: ['2', '3', '6.1', '8'] } };
export const BUSINESS_LICENCE = { kind: 'business', scope: { classes: ['2', '3', '6.1', '8'] } };
export const SAFE_USE_LICENCE = { kind: 'safe_use', scope: { classes: ['2', '3', '6.1', '8'] } };
