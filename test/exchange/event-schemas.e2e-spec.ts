import { Database, EventPayloadMismatch, EVENTS, Outbox } from '@lib/platform';
import { eventsOffSchema } from '../support/published-events.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const UUID = '0190a2b4-7c1e-7d2a-9f00-0123456789ab';

/**
 * Issue 18, item 3: the schemas the exchange publishes are the ones payloads are checked against.
 * Outbox.append refuses a payload off its schema (outside production), and every e2e file's
 * TestApp.close() reads its outbox and fails on any stored payload off its schema.
 */
describe('exchange: every published event matches the schema the exchange publishes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('publishes, at GET /v1/exchange/schemas, the very schemas payloads are checked against', async () => {
    const res = await t
      .http()
      .get('/v1/exchange/schemas')
      .set(...bearer(t.adminKey));
    expect(res.status).toBe(200);
    const events = (res.body as { events: Record<string, { schema: unknown }> }).events;
    expect(Object.keys(events).sort()).toEqual(Object.keys(EVENTS).sort());
    for (const [type, def] of Object.entries(EVENTS)) expect(events[type]!.schema).toEqual(def.schema);
  });

  it('refuses at the door a payload off its schema, naming the event type and the path', async () => {
    const outbox = t.app.get(Outbox);
    const write = t.db.transaction(() =>
      outbox.append('licence.expiring', {
        licenceId: UUID,
        enterpriseId: UUID,
        kind: 'business',
        number: 'WH-001',
        validTo: '2027-01-32',
        daysLeft: 3,
      }),
    );
    await expect(write).rejects.toThrow(EventPayloadMismatch);
    await expect(write).rejects.toThrow(/licence\.expiring.*\/validTo: must match format "date"/);
    expect(await t.db.query("SELECT 1 FROM outbox WHERE type = 'licence.expiring'")).toEqual([]);
  });

  it('finds a stored event off its schema, whatever wrote it, with its type and path', async () => {
    const db = t.app.get(Database);
    await db.query(
      `INSERT INTO outbox (id, stream, type, version, subject_id, payload, occurred_at)
       VALUES ($1, 'registry', 'licence.expiring', 1, NULL, $2, now())`,
      [
        UUID,
        JSON.stringify({ licenceId: UUID, enterpriseId: UUID, kind: 'business', number: 'WH-001', daysLeft: '3' }),
      ],
    );
    expect(await eventsOffSchema(db)).toEqual([
      `licence.expiring ${UUID}: /validTo: must have required property 'validTo'; /daysLeft: must be integer`,
    ]);
    // Removed again, so that this file's own close() (which runs the same check) passes.
    await db.query('DELETE FROM outbox WHERE id = $1', [UUID]);
    expect(await eventsOffSchema(db)).toEqual([]);
  });
});
