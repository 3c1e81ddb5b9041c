import { RULE_CODES } from '@lib/geofence';
import { loadConfig } from '../config/app-config.js';
import type { Database } from '../database/database.js';
import { EventPayloadMismatch, EventSchemas } from './event-check.js';
import { EVENTS, type EventPayload, type EventType, VIOLATION_RULES } from './events.js';
import { Outbox } from './outbox.js';
import { type Static, t } from './schema.js';

const UUID = '0190a2b4-7c1e-7d2a-9f00-0123456789ab';
const NOW = '2026-12-07T06:00:00.000Z';

const movement = (): EventPayload<'ledger.movement.recorded'> => ({
  groupId: UUID,
  operation: 'produce',
  occurredAt: NOW,
  legs: [
    {
      movementId: UUID,
      type: 'produce',
      facilityId: UUID,
      enterpriseId: UUID,
      chemicalId: UUID,
      lotId: UUID,
      quantityKg: 1200.5,
    },
  ],
});

/** An Outbox over a database that is always inside a transaction and records what it is asked to write. */
function outboxOn(env: Record<string, string>): { outbox: Outbox; writes: unknown[][] } {
  const writes: unknown[][] = [];
  const db = {
    inTransaction: true,
    query: async (_sql: string, params: unknown[]) => {
      writes.push(params);
      return [];
    },
  } as unknown as Database;
  return { outbox: new Outbox(db, loadConfig(env)), writes };
}

describe('event schemas', () => {
  const schemas = EventSchemas.get();

  it.each(Object.keys(EVENTS))('%s has a schema ajv compiles, and an empty payload is refused', (type) => {
    expect(schemas.problems(type, {})).not.toEqual([]);
  });

  it('accepts a payload that matches its schema', () => {
    expect(schemas.problems('ledger.movement.recorded', movement())).toEqual([]);
  });

  it('refuses a wrong payload, naming every failing path', () => {
    const wrong = movement() as unknown as { legs: Array<Record<string, unknown>> };
    delete wrong.legs[0]!.lotId;
    wrong.legs[0]!.quantityKg = '1200.5';
    expect(schemas.problems('ledger.movement.recorded', wrong)).toEqual([
      "/legs/0/lotId: must have required property 'lotId'",
      '/legs/0/quantityKg: must be number',
    ]);
    expect(
      schemas.problems('waste.manifest.changed', { manifestId: 'M-1', number: 'x', state: 'lost', wasteCode: 'HW08' }),
    ).toEqual([
      '/manifestId: must match format "uuid"',
      '/state: must be equal to one of the allowed values (created, shipped, picked_up, received, disposed, rejected)',
    ]);
    expect(schemas.problems('no.such.event', {})).toEqual(['/: no.such.event is not an event type (EVENTS)']);
  });

  it('names every violation rule: the engine rules and the e-waybill matching ones, once each', () => {
    for (const rule of RULE_CODES) expect(VIOLATION_RULES).toContain(rule);
    expect(VIOLATION_RULES).toContain('NOT_DEPARTED');
    expect(VIOLATION_RULES).toContain('WRONG_DESTINATION');
    expect(new Set(VIOLATION_RULES).size).toBe(VIOLATION_RULES.length);
    expect(EVENTS['violation.opened'].schema.properties).toMatchObject({ rule: { enum: [...VIOLATION_RULES] } });
  });
});

describe('the schema builder', () => {
  it('lists as required every property not wrapped in t.optional, in order, and writes nullable as JSON schema does', () => {
    const schema = t.object({
      id: t.uuid(),
      note: t.optional(t.nullable(t.string())),
      kind: t.nullable(t.enum(['a', 'b'])),
      at: t.dateTime(),
    });
    expect(schema).toEqual({
      type: 'object',
      required: ['id', 'kind', 'at'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        note: { type: ['string', 'null'] },
        kind: { enum: ['a', 'b', null] },
        at: { type: 'string', format: 'date-time' },
      },
    });
    // The payload type comes from the same declaration (a compile-time check).
    const value: Static<typeof schema> = { id: UUID, kind: null, at: NOW };
    expect(value.note).toBeUndefined();
  });
});

describe('Outbox.append', () => {
  it('refuses, outside production, a payload that does not match its schema, naming the type and path', async () => {
    const { outbox, writes } = outboxOn({ NODE_ENV: 'test' });
    const wrong = { ...movement(), occurredAt: 'yesterday' };
    await expect(outbox.append('ledger.movement.recorded', wrong)).rejects.toThrow(EventPayloadMismatch);
    await expect(outbox.append('ledger.movement.recorded', wrong)).rejects.toThrow(
      'event ledger.movement.recorded: the payload does not match its schema: /occurredAt: must match format "date-time"',
    );
    expect(writes).toEqual([]);
    await outbox.append('ledger.movement.recorded', movement());
    expect(writes).toHaveLength(1);
  });

  it('checks the payload as stored: undefined fields are absent, as in the JSON agencies read', async () => {
    const { outbox, writes } = outboxOn({ NODE_ENV: 'development' });
    await outbox.append('waybill.closed', {
      waybillId: UUID,
      number: 'DG1',
      status: 'closed',
      at: NOW,
      plate: undefined,
    });
    expect(JSON.parse(writes[0]![5] as string)).toEqual({ waybillId: UUID, number: 'DG1', status: 'closed', at: NOW });
  });

  it('does not check in production (config decides)', async () => {
    const { outbox, writes } = outboxOn({
      NODE_ENV: 'production',
      JT808_AUTH_SECRET: 'a-real-secret-from-the-vault',
      LEDGER_CHAIN_KEY: 'ledger-chain-key-from-the-vault-2026',
    });
    const type: EventType = 'ledger.movement.recorded';
    await outbox.append(type, { ...movement(), occurredAt: 'yesterday' });
    expect(writes).toHaveLength(1);
  });
});
