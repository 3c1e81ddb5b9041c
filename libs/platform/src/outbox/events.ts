import { RULE_CODES, type RuleCode } from '@lib/geofence';
import { type JsonSchema, type Schema, type Static, t } from './schema.js';

/**
 * The catalogue of published events, in one place (like jobs.ts): each type has a stream, a
 * version, a description and the JSON schema of its payload, built with `t` so that the payload's
 * TypeScript type (EventPayload) comes from the same declaration. Producers write events to the
 * outbox in the transaction of their change; the exchange relays them to agencies and publishes
 * these very schema objects at GET /v1/exchange/schemas.
 */
export type { JsonSchema };

export interface EventDefinition<S extends Schema<unknown> = Schema<unknown>> {
  /** Events of one stream share a sequence (ledger, waste, waybill, violation, registry, audit, integrity, terminal). */
  stream: 'ledger' | 'waste' | 'waybill' | 'violation' | 'registry' | 'audit' | 'integrity' | 'terminal';
  version: number;
  description: string;
  schema: S;
}

/** Rules a violation can name that are not the geofence engine's: the e-waybill matching raises them. */
const MATCHING_RULES = [
  /** Not left 2 h after the planned departure. */
  'NOT_DEPARTED',
] as const;

export type ViolationRule = RuleCode | (typeof MATCHING_RULES)[number];

/** Every rule a violation can name: the geofence engine's (RULE_CODES) and the e-waybill matching's. */
export const VIOLATION_RULES: readonly ViolationRule[] = [...RULE_CODES, ...MATCHING_RULES];

const uuid = t.uuid();
const dateTime = t.dateTime();
const kg = (description = 'kilograms') => t.number({ description });
const opt = t.optional;

const movementLeg = t.object({
  movementId: uuid,
  type: t.string(),
  facilityId: uuid,
  enterpriseId: uuid,
  chemicalId: uuid,
  lotId: uuid,
  quantityKg: kg('signed change of the facility stock, kg'),
});

const point = t.object({
  ts: dateTime,
  lon: t.number(),
  lat: t.number(),
  speedKmh: opt(t.number()),
  deviationM: opt(t.number()),
});

/** A driver or escort as an alert names them: idNumber and phone masked unless the reader's policy names them. */
const crewMember = t.object({
  id: opt(uuid),
  name: opt(t.string()),
  idNumber: opt(t.string()),
  phone: opt(t.nullable(t.string())),
  masked: opt(t.boolean()),
});

const VIOLATION_SCHEMA = t.object({
  violationId: uuid,
  vehicleId: uuid,
  plate: opt(t.string()),
  rule: t.enum(VIOLATION_RULES),
  targetId: opt(t.nullable(uuid)),
  targetKind: opt(t.nullable(t.enum(['route', 'zone', 'facility', 'waybill']))),
  severity: t.enum(['critical', 'high', 'medium', 'low']),
  status: t.enum(['open', 'closed']),
  openedAt: dateTime,
  closedAt: opt(t.nullable(dateTime)),
  firstPoint: opt(point),
  worstPoint: opt(point),
  maxValue: opt(t.nullable(t.number())),
  waybillId: opt(t.nullable(uuid)),
  chemicalIds: opt(t.array(uuid)),
  detail: opt(t.record()),
  plateColour: opt(t.nullable(t.integer({ description: 'JT/T 808 plate colour code (1 blue, 2 yellow, …)' }))),
  targetName: opt(t.nullable(t.string({ description: 'the route, zone or facility as named, or the waybill number' }))),
  waybill: opt(
    t.object(
      {
        number: t.string(),
        status: t.string(),
        consignorId: uuid,
        consignorName: opt(t.nullable(t.string())),
        carrierId: uuid,
        carrierName: opt(t.nullable(t.string())),
        consigneeId: uuid,
        consigneeName: opt(t.nullable(t.string())),
        loadingFacilityId: opt(uuid),
        loadingFacilityName: opt(t.nullable(t.string())),
        unloadingFacilityId: opt(uuid),
        unloadingFacilityName: opt(t.nullable(t.string())),
        routeId: opt(t.nullable(uuid)),
        routeName: opt(t.nullable(t.string())),
        items: t.array(
          t.object({
            chemicalId: uuid,
            name: opt(t.nullable(t.string())),
            unNumber: opt(t.nullable(t.string())),
            properShippingName: opt(t.string()),
            unClass: opt(t.nullable(t.string())),
            packingGroup: opt(t.nullable(t.string())),
            quantityKg: kg(),
          }),
        ),
      },
      { description: 'the e-waybill the vehicle was loaded under, as it stood at loading' },
    ),
  ),
  driverId: opt(uuid),
  escortId: opt(uuid),
  driver: opt(crewMember),
  escort: opt(crewMember),
});

const WAYBILL_SCHEMA = t.object({
  waybillId: uuid,
  number: t.string({ description: 'e.g. DG20261130000123X' }),
  version: opt(t.integer()),
  status: t.enum(['draft', 'submitted', 'loaded', 'in_transit', 'arrived', 'received', 'closed', 'cancelled']),
  at: dateTime,
  source: opt(t.enum(['api', 'gps'])),
  consignorId: opt(uuid),
  carrierId: opt(uuid),
  consigneeId: opt(uuid),
  vehicleId: opt(uuid),
  plate: opt(t.string()),
  trailerId: opt(t.nullable(uuid)),
  driverId: opt(uuid),
  escortId: opt(uuid),
  routeId: opt(uuid),
  loadingFacilityId: opt(uuid),
  unloadingFacilityId: opt(uuid),
  plannedDeparture: opt(dateTime),
  plannedArrival: opt(dateTime),
  driver: opt(crewMember),
  escort: opt(crewMember),
  items: opt(
    t.array(
      t.object({
        chemicalId: opt(uuid),
        unNumber: opt(t.nullable(t.string())),
        properShippingName: opt(t.string()),
        unClass: opt(t.nullable(t.string())),
        quantityKg: opt(kg()),
      }),
    ),
  ),
});

const WAYBILL_DISCREPANCY_SCHEMA = t.object({
  waybillId: uuid,
  number: t.string(),
  consignorId: opt(uuid),
  carrierId: opt(uuid),
  consigneeId: opt(uuid),
  lines: t.array(
    t.object({
      line: opt(t.integer()),
      chemicalId: opt(uuid),
      shippedKg: opt(kg()),
      receivedKg: opt(kg()),
      differenceKg: opt(kg()),
      toleranceKg: opt(kg()),
    }),
  ),
});

const ORDER_SCHEMA = t.object({
  orderId: uuid,
  number: t.string({ example: 'DB202611300001' }),
  enterpriseId: uuid,
  agency: t.string(),
  sourceKind: opt(t.enum(['finding', 'violation'])),
  sourceRef: opt(t.string()),
  status: t.enum(['open', 'answered', 'closed']),
  deadline: dateTime,
  at: opt(dateTime),
});

const event = <S extends Schema<unknown>>(
  stream: EventDefinition['stream'],
  description: string,
  schema: S,
): EventDefinition<S> => ({ stream, version: 1, description, schema });

const waybillEvent = (description: string) => event('waybill', description, WAYBILL_SCHEMA);
const orderEvent = (description: string) => event('audit', description, ORDER_SCHEMA);

export const EVENTS = {
  'waybill.submitted': waybillEvent('An e-waybill (电子运单) passed validation and was submitted.'),
  'waybill.amended': waybillEvent('A submitted e-waybill was changed; a new version passed validation.'),
  'waybill.loaded': waybillEvent(
    "Loading was checked and signed by the loader (装货人); the consignor's stock was shipped.",
  ),
  'waybill.departed': waybillEvent(
    "The vehicle left the loading facility (by the carrier's report or by its GPS track).",
  ),
  'waybill.arrived': waybillEvent(
    "The vehicle entered the unloading facility (by the carrier's report or by its GPS track).",
  ),
  'waybill.received': waybillEvent('The consignee recorded what it received; its stock was booked.'),
  'waybill.closed': waybillEvent('The e-waybill is closed.'),
  'waybill.cancelled': waybillEvent('The e-waybill was cancelled before loading.'),
  'waybill.discrepancy': event(
    'waybill',
    'What was received differs from what was shipped beyond the tolerance (0.5% for bulk liquids and gases, none for packages).',
    WAYBILL_DISCREPANCY_SCHEMA,
  ),
  'ledger.movement.recorded': event(
    'ledger',
    'One lifecycle operation (produce, ship, sale, use, waste, disposal, reversal, ...) was recorded; one leg per facility touched.',
    t.object({
      groupId: uuid,
      operation: t.string(),
      occurredAt: dateTime,
      waybillId: opt(uuid),
      manifestId: opt(uuid),
      legs: t.array(movementLeg),
      correction: opt(
        t.object(
          { reason: t.string(), filingId: t.nullable(uuid), by: t.string() },
          {
            description:
              'Set when the operation is dated beyond LEDGER_BACKDATE_HOURS: why, and who confirmed or booked it.',
          },
        ),
      ),
    }),
  ),
  'waste.manifest.changed': event(
    'waste',
    'A hazardous waste transfer manifest (危险废物转移联单) changed state.',
    t.object({
      manifestId: uuid,
      number: t.string(),
      state: t.enum(['created', 'shipped', 'picked_up', 'received', 'disposed', 'rejected']),
      wasteCode: t.string(),
      generatorEnterpriseId: opt(uuid),
      receiverEnterpriseId: opt(uuid),
      quantityKg: opt(kg()),
    }),
  ),
  'waste.discrepancy': event(
    'waste',
    'The quantity received on a waste manifest differs from the quantity shipped beyond the tolerance.',
    t.object({
      manifestId: uuid,
      number: t.string(),
      wasteCode: opt(t.string()),
      generatorEnterpriseId: opt(uuid),
      receiverEnterpriseId: opt(uuid),
      shippedKg: kg(),
      receivedKg: kg(),
      differenceKg: kg(),
      toleranceRatio: t.number(),
    }),
  ),
  'violation.opened': event(
    'violation',
    'A geofence or telematics rule opened a violation (after its dwell): route deviation, zone intrusion, overspeed, unauthorised stop, fatigue, signal lost, undeclared trip, terminal alarm, crew mismatch (detail names the driver card in the reader: driverName, driverQualificationNumber).',
    VIOLATION_SCHEMA,
  ),
  'violation.closed': event(
    'violation',
    'The condition of a violation has been clear for its dwell; the violation is closed.',
    VIOLATION_SCHEMA,
  ),
  'violation.acknowledged': event(
    'violation',
    'An agency acknowledged a violation.',
    t.object({
      violationId: uuid,
      vehicleId: opt(uuid),
      rule: opt(t.string()),
      agency: t.string(),
      note: opt(t.nullable(t.string())),
      at: dateTime,
    }),
  ),
  'violation.escalated': event(
    'violation',
    'No receiving agency acknowledged a violation alert in time; it is escalated to the next level of the sharing policy.',
    t.object({
      violationId: uuid,
      vehicleId: opt(uuid),
      plate: opt(t.string()),
      rule: opt(t.string()),
      severity: opt(t.string()),
      waybillId: opt(t.nullable(uuid)),
      level: t.integer({ minimum: 1 }),
      to: t.array(t.string(), { description: 'agencies alerted at this level' }),
      alerted: opt(t.array(t.string(), { description: 'agencies alerted before' })),
      note: opt(t.string({ description: 'who is reached at this level' })),
      unacknowledgedSeconds: t.integer(),
      at: dateTime,
    }),
  ),
  'ledger.discrepancy': event(
    'ledger',
    'A stock count (盘点) found a facility holding a different quantity than its book; the adjust movement that corrects it is recorded.',
    t.object({
      movementId: uuid,
      facilityId: uuid,
      enterpriseId: uuid,
      chemicalId: uuid,
      lotId: uuid,
      countId: opt(t.nullable(t.string())),
      differenceKg: kg('counted minus book, kg (negative: less found than booked)'),
      reason: opt(t.nullable(t.string())),
      occurredAt: opt(dateTime),
    }),
  ),
  'licence.expiring': event(
    'registry',
    'A licence expires within 30 days (published once per licence and expiry date).',
    t.object({
      licenceId: uuid,
      enterpriseId: uuid,
      kind: t.string(),
      number: t.string(),
      validTo: t.date(),
      daysLeft: t.integer(),
    }),
  ),
  'controlled.sale_unfiled': event(
    'registry',
    'A sale of a highly toxic chemical or explosive precursor that its seller has not filed with police within 5 days (Decree 591 Art. 41); published once per sale.',
    t.object({
      saleId: uuid,
      movementId: uuid,
      sellerId: uuid,
      buyerId: uuid,
      chemicalId: uuid,
      quantityKg: kg(),
      soldAt: dateTime,
      dueAt: dateTime,
    }),
  ),
  'terminal.conflict': event(
    'terminal',
    'A second device registered (JT/T 808 0x0100) with the number of a bound terminal that holds a live session; it was refused. At most one event per terminal and minute; every attempt is counted in /metrics.',
    t.object({
      terminalId: t.string({ pattern: '^\\d{12,20}$' }),
      vehicleId: uuid,
      plate: opt(t.string()),
      at: dateTime,
      remoteAddress: opt(t.nullable(t.string())),
      liveSince: opt(t.nullable(dateTime)),
      claimed: t.object(
        {
          makerId: opt(t.string()),
          model: opt(t.string()),
          plate: opt(t.string()),
          plateColour: opt(t.integer()),
        },
        { description: 'what the refused device said in its registration' },
      ),
    }),
  ),
  'audit.completed': event(
    'audit',
    'An inventory audit (emergency management) was completed, with its findings.',
    t.object({
      auditId: uuid,
      scope: t.enum(['enterprise', 'district', 'city']),
      enterpriseId: opt(t.nullable(uuid)),
      district: opt(t.nullable(t.string())),
      at: opt(dateTime),
      facilities: t.integer(),
      findings: t.integer(),
      majorHazards: opt(t.integer()),
      flagged: opt(t.integer({ description: 'facilities whose actual stock contradicts their declaration' })),
      completedAt: dateTime,
    }),
  ),
  'audit.order.issued': orderEvent('An agency issued a supervision order (督办) to an enterprise, with a deadline.'),
  'audit.order.answered': orderEvent('The enterprise answered a supervision order with its rectification.'),
  'audit.order.closed': orderEvent('The agency accepted the rectification and closed the order.'),
  'audit.order.reopened': orderEvent('The agency did not accept the rectification; the order is open again.'),
  'audit.order.overdue': orderEvent('A supervision order passed its deadline without being closed.'),
  'integrity.checkpoint': event(
    'integrity',
    "A signed checkpoint of every hash chain (each facility's ledger, the access log): published after each local hour and each local day (Asia/Shanghai), and on demand. Verify `signature` (Ed25519, key from GET /v1/checkpoints/public-key) over the canonical JSON of the other fields (keys sorted, no spaces); the heads behind `root` are served by GET /v1/checkpoints/{id}/heads. Keep the copy: POST /v1/checkpoints/verify checks the database against it.",
    t.object({
      id: uuid,
      kind: t.enum(['hour', 'day', 'demand']),
      period: t.string({
        description: 'hour: 2026-12-07T14 (14:00 to 15:00 local); day: 2026-12-07; demand: the instant taken',
      }),
      takenAt: dateTime,
      chains: t.integer({ minimum: 0, description: 'chains (Merkle leaves) covered' }),
      root: t.string({
        pattern: '^[0-9a-f]{64}$',
        description:
          'RFC 6962 Merkle root over the heads in chain-name order; leaf = SHA-256(0x00 ‖ "chain\\nseq\\nhash"), node = SHA-256(0x01 ‖ left ‖ right)',
      }),
      keyId: t.string({ pattern: '^[0-9a-f]{16}$' }),
      algorithm: t.enum(['Ed25519']),
      signature: t.string({ description: 'base64 Ed25519 signature' }),
    }),
  ),
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENTS;
/** The payload of one event type, as its schema describes it. */
export type EventPayload<T extends EventType> = Static<(typeof EVENTS)[T]['schema']>;
