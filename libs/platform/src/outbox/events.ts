/**
 * The catalogue of published events, in one place (like jobs.ts): each type has a stream, a
 * version, a description and a JSON schema of its payload. Producers write events to the outbox
 * in the transaction of their change; the exchange relays them to agencies.
 */
export type JsonSchema = Record<string, unknown>;

export interface EventDefinition {
  /** Events of one stream share a sequence (ledger, waste, waybill, violation, registry, audit, integrity, terminal). */
  stream: 'ledger' | 'waste' | 'waybill' | 'violation' | 'registry' | 'audit' | 'integrity' | 'terminal';
  version: number;
  description: string;
  schema: JsonSchema;
}

/** Every rule a violation can name (the geofence engine's, and the e-waybill matching's). */
export const VIOLATION_RULES = [
  'ROUTE_DEVIATION',
  'ZONE_INTRUSION',
  'OVERSPEED',
  'UNAUTHORIZED_STOP',
  'FATIGUE_DRIVING',
  'SIGNAL_LOST',
  'UNDECLARED_TRIP',
  'TERMINAL_ALARM',
  /** E-waybill matching: not left 2 h after the planned departure. */
  'NOT_DEPARTED',
  /** E-waybill matching: the loaded vehicle stopped 20 min inside another facility. */
  'WRONG_DESTINATION',
  /** Driver cards (JT/T 808 0x0702): someone not on the waybill, or no card, on a loaded moving vehicle. */
  'CREW_MISMATCH',
] as const;

const uuid = { type: 'string', format: 'uuid' };
const dateTime = { type: 'string', format: 'date-time' };
const kg = { type: 'number', description: 'kilograms' };

const movementLeg = {
  type: 'object',
  required: ['movementId', 'type', 'facilityId', 'enterpriseId', 'chemicalId', 'lotId', 'quantityKg'],
  properties: {
    movementId: uuid,
    type: { type: 'string' },
    facilityId: uuid,
    enterpriseId: uuid,
    chemicalId: uuid,
    lotId: uuid,
    quantityKg: { ...kg, description: 'signed change of the facility stock, kg' },
  },
};

const point = {
  type: 'object',
  required: ['ts', 'lon', 'lat'],
  properties: {
    ts: dateTime,
    lon: { type: 'number' },
    lat: { type: 'number' },
    speedKmh: { type: 'number' },
    deviationM: { type: 'number' },
  },
};

const VIOLATION_SCHEMA = {
  type: 'object',
  required: ['violationId', 'vehicleId', 'rule', 'severity', 'status', 'openedAt'],
  properties: {
    violationId: uuid,
    vehicleId: uuid,
    plate: { type: 'string' },
    rule: { enum: [...VIOLATION_RULES] },
    targetId: { type: ['string', 'null'], format: 'uuid' },
    targetKind: { enum: ['route', 'zone', 'facility', 'waybill', null] },
    severity: { enum: ['critical', 'high', 'medium', 'low'] },
    status: { enum: ['open', 'closed'] },
    openedAt: dateTime,
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    firstPoint: point,
    worstPoint: point,
    maxValue: { type: ['number', 'null'] },
    waybillId: { type: ['string', 'null'], format: 'uuid' },
    chemicalIds: { type: 'array', items: uuid },
    detail: { type: 'object' },
    plateColour: { type: ['integer', 'null'], description: 'JT/T 808 plate colour code (1 blue, 2 yellow, …)' },
    targetName: {
      type: ['string', 'null'],
      description: 'the route, zone or facility as named, or the waybill number',
    },
    waybill: {
      type: 'object',
      description: 'the e-waybill the vehicle was loaded under, as it stood at loading',
      required: ['number', 'status', 'consignorId', 'carrierId', 'consigneeId', 'items'],
      properties: {
        number: { type: 'string' },
        status: { type: 'string' },
        consignorId: uuid,
        consignorName: { type: ['string', 'null'] },
        carrierId: uuid,
        carrierName: { type: ['string', 'null'] },
        consigneeId: uuid,
        consigneeName: { type: ['string', 'null'] },
        loadingFacilityId: uuid,
        loadingFacilityName: { type: ['string', 'null'] },
        unloadingFacilityId: uuid,
        unloadingFacilityName: { type: ['string', 'null'] },
        routeId: { type: ['string', 'null'], format: 'uuid' },
        routeName: { type: ['string', 'null'] },
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: ['chemicalId', 'quantityKg'],
            properties: {
              chemicalId: uuid,
              name: { type: ['string', 'null'] },
              unNumber: { type: ['string', 'null'] },
              properShippingName: { type: 'string' },
              unClass: { type: ['string', 'null'] },
              packingGroup: { type: ['string', 'null'] },
              quantityKg: kg,
            },
          },
        },
      },
    },
    driverId: uuid,
    escortId: uuid,
    driver: {
      type: 'object',
      description: 'idNumber and phone masked unless the reader’s policy names them',
      properties: {
        id: uuid,
        name: { type: 'string' },
        idNumber: { type: 'string' },
        phone: { type: ['string', 'null'] },
        masked: { type: 'boolean' },
      },
    },
    escort: {
      type: 'object',
      description: 'idNumber and phone masked unless the reader’s policy names them',
      properties: {
        id: uuid,
        name: { type: 'string' },
        idNumber: { type: 'string' },
        phone: { type: ['string', 'null'] },
        masked: { type: 'boolean' },
      },
    },
  },
};

const WAYBILL_SCHEMA = {
  type: 'object',
  required: ['waybillId', 'number', 'status', 'at'],
  properties: {
    waybillId: uuid,
    number: { type: 'string', description: 'e.g. DG20261130000123X' },
    version: { type: 'integer' },
    status: { enum: ['draft', 'submitted', 'loaded', 'in_transit', 'arrived', 'received', 'closed', 'cancelled'] },
    at: dateTime,
    source: { enum: ['api', 'gps'] },
    consignorId: uuid,
    carrierId: uuid,
    consigneeId: uuid,
    vehicleId: uuid,
    plate: { type: 'string' },
    trailerId: { type: ['string', 'null'], format: 'uuid' },
    driverId: uuid,
    escortId: uuid,
    routeId: uuid,
    loadingFacilityId: uuid,
    unloadingFacilityId: uuid,
    plannedDeparture: dateTime,
    plannedArrival: dateTime,
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          chemicalId: uuid,
          unNumber: { type: ['string', 'null'] },
          properShippingName: { type: 'string' },
          unClass: { type: ['string', 'null'] },
          quantityKg: kg,
        },
      },
    },
  },
};

const WAYBILL_DISCREPANCY_SCHEMA = {
  type: 'object',
  required: ['waybillId', 'number', 'lines'],
  properties: {
    waybillId: uuid,
    number: { type: 'string' },
    consignorId: uuid,
    carrierId: uuid,
    consigneeId: uuid,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          line: { type: 'integer' },
          chemicalId: uuid,
          shippedKg: kg,
          receivedKg: kg,
          differenceKg: kg,
          toleranceKg: kg,
        },
      },
    },
  },
};

const waybillEvent = (description: string): EventDefinition => ({
  stream: 'waybill',
  version: 1,
  description,
  schema: WAYBILL_SCHEMA,
});

const orderEvent = (description: string): EventDefinition => ({
  stream: 'audit',
  version: 1,
  description,
  schema: {
    type: 'object',
    required: ['orderId', 'number', 'enterpriseId', 'agency', 'status', 'deadline'],
    properties: {
      orderId: uuid,
      number: { type: 'string', example: 'DB202611300001' },
      enterpriseId: uuid,
      agency: { type: 'string' },
      sourceKind: { enum: ['finding', 'violation'] },
      sourceRef: { type: 'string' },
      status: { enum: ['open', 'answered', 'closed'] },
      deadline: dateTime,
      at: dateTime,
    },
  },
});

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
  'waybill.discrepancy': {
    stream: 'waybill',
    version: 1,
    description:
      'What was received differs from what was shipped beyond the tolerance (0.5% for bulk liquids and gases, none for packages).',
    schema: WAYBILL_DISCREPANCY_SCHEMA,
  },
  'ledger.movement.recorded': {
    stream: 'ledger',
    version: 1,
    description:
      'One lifecycle operation (produce, ship, sale, use, waste, disposal, reversal, ...) was recorded; one leg per facility touched.',
    schema: {
      type: 'object',
      required: ['groupId', 'operation', 'occurredAt', 'legs'],
      properties: {
        groupId: uuid,
        operation: { type: 'string' },
        occurredAt: dateTime,
        waybillId: uuid,
        manifestId: uuid,
        legs: { type: 'array', items: movementLeg },
        correction: {
          type: 'object',
          description:
            'Set when the operation is dated beyond LEDGER_BACKDATE_HOURS: why, and who confirmed or booked it.',
          required: ['reason', 'filingId', 'by'],
          properties: {
            reason: { type: 'string' },
            filingId: { type: ['string', 'null'], format: 'uuid' },
            by: { type: 'string' },
          },
        },
      },
    },
  },
  'waste.manifest.changed': {
    stream: 'waste',
    version: 1,
    description: 'A hazardous waste transfer manifest (危险废物转移联单) changed state.',
    schema: {
      type: 'object',
      required: ['manifestId', 'number', 'state', 'wasteCode'],
      properties: {
        manifestId: uuid,
        number: { type: 'string' },
        state: { enum: ['created', 'shipped', 'received', 'disposed', 'rejected'] },
        wasteCode: { type: 'string' },
        generatorEnterpriseId: uuid,
        receiverEnterpriseId: uuid,
        quantityKg: kg,
      },
    },
  },
  'waste.discrepancy': {
    stream: 'waste',
    version: 1,
    description: 'The quantity received on a waste manifest differs from the quantity shipped beyond the tolerance.',
    schema: {
      type: 'object',
      required: ['manifestId', 'number', 'shippedKg', 'receivedKg', 'differenceKg', 'toleranceRatio'],
      properties: {
        manifestId: uuid,
        number: { type: 'string' },
        wasteCode: { type: 'string' },
        generatorEnterpriseId: uuid,
        receiverEnterpriseId: uuid,
        shippedKg: kg,
        receivedKg: kg,
        differenceKg: kg,
        toleranceRatio: { type: 'number' },
      },
    },
  },
  'violation.opened': {
    stream: 'violation',
    version: 1,
    description:
      'A geofence or telematics rule opened a violation (after its dwell): route deviation, zone intrusion, overspeed, unauthorised stop, fatigue, signal lost, undeclared trip, terminal alarm, crew mismatch (detail names the driver card in the reader: driverName, driverQualificationNumber).',
    schema: VIOLATION_SCHEMA,
  },
  'violation.closed': {
    stream: 'violation',
    version: 1,
    description: 'The condition of a violation has been clear for its dwell; the violation is closed.',
    schema: VIOLATION_SCHEMA,
  },
  'violation.acknowledged': {
    stream: 'violation',
    version: 1,
    description: 'An agency acknowledged a violation.',
    schema: {
      type: 'object',
      required: ['violationId', 'agency', 'at'],
      properties: {
        violationId: uuid,
        vehicleId: uuid,
        rule: { type: 'string' },
        agency: { type: 'string' },
        note: { type: 'string' },
        at: dateTime,
      },
    },
  },
  'violation.escalated': {
    stream: 'violation',
    version: 1,
    description:
      'No receiving agency acknowledged a violation alert in time; it is escalated to the next level of the sharing policy.',
    schema: {
      type: 'object',
      required: ['violationId', 'level', 'to', 'unacknowledgedSeconds', 'at'],
      properties: {
        violationId: uuid,
        vehicleId: uuid,
        plate: { type: 'string' },
        rule: { type: 'string' },
        severity: { type: 'string' },
        waybillId: { type: ['string', 'null'], format: 'uuid' },
        level: { type: 'integer', minimum: 1 },
        to: { type: 'array', items: { type: 'string' }, description: 'agencies alerted at this level' },
        alerted: { type: 'array', items: { type: 'string' }, description: 'agencies alerted before' },
        note: { type: 'string', description: 'who is reached at this level' },
        unacknowledgedSeconds: { type: 'integer' },
        at: dateTime,
      },
    },
  },
  'ledger.discrepancy': {
    stream: 'ledger',
    version: 1,
    description:
      'A stock count (盘点) found a facility holding a different quantity than its book; the adjust movement that corrects it is recorded.',
    schema: {
      type: 'object',
      required: ['movementId', 'facilityId', 'enterpriseId', 'chemicalId', 'lotId', 'differenceKg'],
      properties: {
        movementId: uuid,
        facilityId: uuid,
        enterpriseId: uuid,
        chemicalId: uuid,
        lotId: uuid,
        countId: { type: ['string', 'null'] },
        differenceKg: { ...kg, description: 'counted minus book, kg (negative: less found than booked)' },
        reason: { type: 'string' },
        occurredAt: dateTime,
      },
    },
  },
  'licence.expiring': {
    stream: 'registry',
    version: 1,
    description: 'A licence expires within 30 days (published once per licence and expiry date).',
    schema: {
      type: 'object',
      required: ['licenceId', 'enterpriseId', 'kind', 'number', 'validTo', 'daysLeft'],
      properties: {
        licenceId: uuid,
        enterpriseId: uuid,
        kind: { type: 'string' },
        number: { type: 'string' },
        validTo: { type: 'string', format: 'date' },
        daysLeft: { type: 'integer' },
      },
    },
  },
  'controlled.sale_unfiled': {
    stream: 'registry',
    version: 1,
    description:
      'A sale of a highly toxic chemical or explosive precursor that its seller has not filed with police within 5 days (Decree 591 Art. 41); published once per sale.',
    schema: {
      type: 'object',
      required: ['saleId', 'movementId', 'sellerId', 'buyerId', 'chemicalId', 'quantityKg', 'soldAt', 'dueAt'],
      properties: {
        saleId: uuid,
        movementId: uuid,
        sellerId: uuid,
        buyerId: uuid,
        chemicalId: uuid,
        quantityKg: kg,
        soldAt: dateTime,
        dueAt: dateTime,
      },
    },
  },
  'terminal.conflict': {
    stream: 'terminal',
    version: 1,
    description:
      'A second device registered (JT/T 808 0x0100) with the number of a bound terminal that holds a live session; it was refused. At most one event per terminal and minute; every attempt is counted in /metrics.',
    schema: {
      type: 'object',
      required: ['terminalId', 'vehicleId', 'at', 'claimed'],
      properties: {
        terminalId: { type: 'string', pattern: '^\\d{12,20}$' },
        vehicleId: uuid,
        plate: { type: 'string' },
        at: dateTime,
        remoteAddress: { type: ['string', 'null'] },
        liveSince: { type: ['string', 'null'], format: 'date-time' },
        claimed: {
          type: 'object',
          description: 'what the refused device said in its registration',
          properties: {
            makerId: { type: 'string' },
            model: { type: 'string' },
            plate: { type: 'string' },
            plateColour: { type: 'integer' },
          },
        },
      },
    },
  },
  'audit.completed': {
    stream: 'audit',
    version: 1,
    description: 'An inventory audit (emergency management) was completed, with its findings.',
    schema: {
      type: 'object',
      required: ['auditId', 'scope', 'facilities', 'findings', 'completedAt'],
      properties: {
        auditId: uuid,
        scope: { enum: ['enterprise', 'district', 'city'] },
        enterpriseId: { type: ['string', 'null'], format: 'uuid' },
        district: { type: ['string', 'null'] },
        at: dateTime,
        facilities: { type: 'integer' },
        findings: { type: 'integer' },
        majorHazards: { type: 'integer' },
        flagged: { type: 'integer', description: 'facilities whose actual stock contradicts their declaration' },
        completedAt: dateTime,
      },
    },
  },
  'audit.order.issued': orderEvent('An agency issued a supervision order (督办) to an enterprise, with a deadline.'),
  'audit.order.answered': orderEvent('The enterprise answered a supervision order with its rectification.'),
  'audit.order.closed': orderEvent('The agency accepted the rectification and closed the order.'),
  'audit.order.reopened': orderEvent('The agency did not accept the rectification; the order is open again.'),
  'audit.order.overdue': orderEvent('A supervision order passed its deadline without being closed.'),
  'integrity.checkpoint': {
    stream: 'integrity',
    version: 1,
    description:
      "A signed checkpoint of every hash chain (each facility's ledger, the access log): published after each local hour and each local day (Asia/Shanghai), and on demand. Verify `signature` (Ed25519, key from GET /v1/checkpoints/public-key) over the canonical JSON of the other fields (keys sorted, no spaces); the heads behind `root` are served by GET /v1/checkpoints/{id}/heads. Keep the copy: POST /v1/checkpoints/verify checks the database against it.",
    schema: {
      type: 'object',
      required: ['id', 'kind', 'period', 'takenAt', 'chains', 'root', 'keyId', 'algorithm', 'signature'],
      properties: {
        id: uuid,
        kind: { enum: ['hour', 'day', 'demand'] },
        period: {
          type: 'string',
          description: 'hour: 2026-12-07T14 (14:00 to 15:00 local); day: 2026-12-07; demand: the instant taken',
        },
        takenAt: dateTime,
        chains: { type: 'integer', minimum: 0, description: 'chains (Merkle leaves) covered' },
        root: {
          type: 'string',
          pattern: '^[0-9a-f]{64}$',
          description:
            'RFC 6962 Merkle root over the heads in chain-name order; leaf = SHA-256(0x00 ‖ "chain\\nseq\\nhash"), node = SHA-256(0x01 ‖ left ‖ right)',
        },
        keyId: { type: 'string', pattern: '^[0-9a-f]{16}$' },
        algorithm: { enum: ['Ed25519'] },
        signature: { type: 'string', description: 'base64 Ed25519 signature' },
      },
    },
  },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENTS;
