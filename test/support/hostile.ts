import type { TestApp } from './test-app.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  text?: string;
}

export interface ProblemItemExpectation {
  path: string;
  rule?: string;
}

/**
 * A problem+json answer with its status and code, no stack or SQL in it, and (when given) an
 * `errors` list naming exactly these paths with their rules.
 */
export function expectProblem(res: Answer, status: number, code: string, items?: ProblemItemExpectation[]): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
    type: expect.stringMatching(/^urn:/),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(js|ts):\d+|SELECT|INSERT|RangeError|TypeError/);
  if (items) {
    expect(res.body.errors).toEqual(expect.arrayContaining(items.map((i) => expect.objectContaining(i))));
  }
}

/** Row counts of the given tables: taken before and after a refused request, they must be equal. */
/**
 * Events the periodic jobs write on their own (a checkpoint, an expiring licence, an overdue
 * order, an escalation): no request writes them, so they do not count as a request's writes. On
 * BullMQ the repeating jobs first run as the app starts, so they may land during any test.
 */
const PERIODIC_EVENTS = ['integrity.checkpoint', 'licence.expiring', 'audit.order.overdue', 'violation.escalated'];

export async function rowCounts(t: TestApp, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const [row] =
      table === 'outbox'
        ? await t.db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE type <> ALL($1)', [PERIODIC_EVENTS])
        : await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    out[table] = Number(row!.n);
  }
  return out;
}

/** The tables every write of the registry, ledger, telematics and waybill contexts lands in. */
export const WRITE_TABLES = [
  'enterprises',
  'enterprise_credit_events',
  'facilities',
  'licences',
  'personnel',
  'vehicles',
  'routes',
  'zones',
  'movements',
  'lots',
  'waybills',
  'waybill_items',
  'waybill_versions',
  'filings',
  'licence_versions',
  'terminal_bindings',
  'terminal_binding_events',
  'terminal_commands',
  'spoken_warning_rules',
  'driver_card_events',
  'waybill_reports',
  'outbox',
];

/** The process still answers: health is 200 and an authenticated read works. */
export async function stillServing(t: TestApp): Promise<void> {
  expect((await t.http().get('/health')).status).toBe(200);
  const res = await t.http().get('/v1/enterprises?limit=1').set('Authorization', `Bearer ${t.adminKey}`);
  expect(res.status).toBe(200);
}
