import { Inject, Injectable } from '@nestjs/common';
import type { EvidencePoint, ViolationEvent } from '@lib/geofence';
import {
  Database,
  decodeCursor,
  Forbidden,
  isUuidString,
  NotFound,
  Outbox,
  type Principal,
  reaches,
  READ_POLICY,
  type ReadPolicy,
  RulesViolated,
  toPage,
  uuid7,
  uuidFromName,
  type ViolationReach,
} from '@lib/platform';
import { RegistryLookup, VehicleService } from '@lib/registry';
import type { ViolationPage, ViolationQuery, ViolationView } from './violation.dto.js';
import type { AcknowledgementEntity, PointRecord, ViolationEntity } from './violation.entity.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { type OpenedViolation, SpokenWarningsService } from '../commands/spoken-warnings.service.js';
import { WorldService } from '../evaluation/world.service.js';
import { factsPayload, type ViolationFacts, violationFacts } from './violation-facts.js';
import { ViolationsRepository } from './violations.repository.js';

const point = (p: EvidencePoint): PointRecord => ({
  ts: new Date(p.ts).toISOString(),
  lon: p.lon,
  lat: p.lat,
  speedKmh: p.speedKmh,
  ...(p.deviationM !== undefined ? { deviationM: Math.round(p.deviationM * 10) / 10 } : {}),
});

/** What a violation's target id names, by rule. */
const TARGET_KIND: Record<string, ViolationEntity['targetKind']> = {
  ROUTE_DEVIATION: 'route',
  ZONE_INTRUSION: 'zone',
  WRONG_DESTINATION: 'facility',
  NOT_DEPARTED: 'waybill',
};

/**
 * A violation's id: the same episode (vehicle, rule, target, first point) always gets the same id.
 * TERMINAL_ALARM has one episode per alarm group (the emergency button keeps the id it always had).
 */
export const violationId = (
  e: Pick<ViolationEvent, 'vehicleId' | 'rule' | 'targetId' | 'openedAt'> & { detail?: ViolationEvent['detail'] },
): string => uuidFromName(`violation|${e.vehicleId}|${e.rule}|${e.targetId ?? alarmGroup(e)}|${e.openedAt}`);

const alarmGroup = (e: { rule: string; detail?: ViolationEvent['detail'] }): string =>
  e.rule === 'TERMINAL_ALARM' && typeof e.detail?.alarm === 'string' && e.detail.alarm !== 'emergency'
    ? `alarm:${e.detail.alarm}`
    : '';

export function toViolationView(v: ViolationEntity, acks: AcknowledgementEntity[] = []): ViolationView {
  return {
    id: v.id,
    vehicleId: v.vehicleId,
    rule: v.rule,
    targetId: v.targetId,
    targetKind: v.targetKind,
    severity: v.severity,
    status: v.status,
    openedAt: v.openedAt.toISOString(),
    detectedAt: v.detectedAt.toISOString(),
    closedAt: v.closedAt?.toISOString() ?? null,
    firstPoint: v.firstPoint,
    worstPoint: v.worstPoint,
    maxValue: v.maxValue,
    points: v.points,
    waybillId: v.waybillId,
    chemicalIds: v.chemicalIds,
    detail: v.detail,
    acknowledgements: acks.map((a) => ({ agency: a.agency, note: a.note, at: a.at.toISOString() })),
  };
}

/**
 * Violations: written from the engine's events (with their outbox event in the same transaction,
 * idempotent under replay), read and acknowledged by agencies.
 */
@Injectable()
export class ViolationsService {
  constructor(
    private readonly db: Database,
    private readonly violations: ViolationsRepository,
    private readonly outbox: Outbox,
    private readonly registry: RegistryLookup,
    private readonly vehicles: VehicleService,
    @Inject(READ_POLICY) private readonly reads: ReadPolicy,
    private readonly spokenWarnings: SpokenWarningsService,
    private readonly assignments: AssignmentsService,
    private readonly world: WorldService,
  ) {}

  /** Applies engine events inside the caller's transaction. `receivedAt` maps vehicle|ts → receipt time of that fix. */
  async record(events: ViolationEvent[], receivedAt: Map<string, number>): Promise<{ opened: number; closed: number }> {
    if (events.length === 0) return { opened: 0, closed: 0 };
    // What the alerts name, here (where it is known), never again on the way out: the assignment's
    // facts (through the evaluator's cache, which it has just read for these very vehicles: no second
    // read per batch), the target's name from the engine's world, the registry's plate for a vehicle
    // without an assignment that carries them.
    const vehicleIds = [...new Set(events.map((e) => e.vehicleId))];
    const [assignments, names] = await Promise.all([
      this.assignments.forVehiclesCached(vehicleIds),
      this.world.namesOf(events.map((e) => e.targetId)),
    ]);
    const bare = vehicleIds.filter((id) => !assignments.get(id)?.alertFacts?.plate);
    const [plates, colours] = await Promise.all([this.registry.vehicleMap(bare), this.registry.plateColours(bare)]);
    let opened = 0;
    let closed = 0;
    const now = new Date();
    const newlyOpened: OpenedViolation[] = [];
    for (const e of events) {
      const id = violationId(e);
      const received = receivedAt.get(`${e.vehicleId}|${e.at}`);
      const targetKind = TARGET_KIND[e.rule as string] ?? null;
      const facts = violationFacts(
        assignments.get(e.vehicleId),
        e.waybillId,
        { plate: plates.get(e.vehicleId)?.plate ?? null, plateColour: colours.get(e.vehicleId) ?? null },
        { kind: targetKind, name: e.targetId ? (names.get(e.targetId) ?? null) : null },
      );
      const entity: ViolationEntity = {
        id,
        vehicleId: e.vehicleId,
        rule: e.rule,
        targetId: e.targetId,
        targetKind,
        severity: e.severity,
        status: 'open',
        openedAt: new Date(e.openedAt),
        detectedAt: now,
        triggerReceivedAt: received !== undefined ? new Date(received) : null,
        closedAt: null,
        closeDetectedAt: null,
        firstPoint: point(e.firstPoint),
        worstPoint: point(e.worstPoint),
        maxValue: e.maxValue === null ? null : Math.round(e.maxValue * 10) / 10,
        points: e.points.map(point),
        waybillId: e.waybillId,
        chemicalIds: e.chemicalIds,
        detail: e.detail,
        facts,
      };
      const payload = (status: 'open' | 'closed', closedAt: Date | null, f: ViolationFacts | null) => ({
        violationId: id,
        vehicleId: e.vehicleId,
        rule: e.rule,
        targetId: e.targetId,
        targetKind: entity.targetKind,
        severity: e.severity,
        status,
        openedAt: entity.openedAt.toISOString(),
        closedAt: closedAt?.toISOString() ?? null,
        firstPoint: entity.firstPoint,
        worstPoint: entity.worstPoint,
        maxValue: entity.maxValue,
        waybillId: e.waybillId,
        chemicalIds: e.chemicalIds,
        detail: e.detail,
        ...factsPayload(f),
      });
      if (e.kind === 'opened') {
        if (await this.violations.insertOpened(entity)) {
          opened++;
          newlyOpened.push({
            violationId: id,
            vehicleId: e.vehicleId,
            rule: e.rule,
            plate: facts.plate ?? undefined,
            openedAt: entity.openedAt,
          });
          await this.outbox.append('violation.opened', payload('open', null, facts), {
            id: uuidFromName(`${id}|opened`),
            subjectId: e.vehicleId,
            occurredAt: new Date(e.at),
          });
        }
      } else {
        const closedAt = new Date(e.closedAt ?? e.at);
        // An episode that opened and closed in one batch (a zone crossed between two sparse fixes) may not be stored yet.
        await this.violations.insertOpened(entity);
        const stored = await this.violations.close(id, {
          closedAt,
          closeDetectedAt: now,
          worstPoint: entity.worstPoint,
          maxValue: entity.maxValue,
          points: entity.points,
        });
        if (stored) {
          closed++;
          // It names what it opened with (the trip may have been received and its assignment gone since).
          await this.outbox.append('violation.closed', payload('closed', closedAt, stored.facts ?? facts), {
            id: uuidFromName(`${id}|closed`),
            subjectId: e.vehicleId,
            occurredAt: closedAt,
          });
        }
      }
    }
    // The driver hears of it from the terminal (when transport lists the rule): same transaction.
    await this.spokenWarnings.warn(newlyOpened, now);
    return { opened, closed };
  }

  /**
   * Raises (or closes) an alert that is not the engine's: NOT_DEPARTED of an e-waybill (driven by
   * the planned departure, not by fixes; WRONG_DESTINATION is the engine's). Same identity rule: (vehicle, rule, target, first time) makes the id, so a sweep
   * that runs again raises nothing twice.
   */
  async raise(alert: {
    kind: 'opened' | 'closed';
    vehicleId: string;
    rule: 'NOT_DEPARTED';
    targetId: string | null;
    severity: 'high' | 'medium';
    openedAt: number;
    at: number;
    point: { ts: number; lon: number; lat: number; speedKmh: number };
    waybillId: string;
    chemicalIds: string[];
    detail: Record<string, string | number | boolean | null>;
  }): Promise<void> {
    await this.record(
      [
        {
          kind: alert.kind,
          rule: alert.rule as ViolationEvent['rule'],
          vehicleId: alert.vehicleId,
          targetId: alert.targetId,
          severity: alert.severity,
          openedAt: alert.openedAt,
          at: alert.at,
          closedAt: alert.kind === 'closed' ? alert.at : null,
          firstPoint: alert.point,
          worstPoint: alert.point,
          maxValue: null,
          points: [alert.point],
          waybillId: alert.waybillId,
          chemicalIds: alert.chemicalIds,
          detail: alert.detail,
        },
      ],
      new Map(),
    );
  }

  /** Violations of a vehicle opened in a time window (an e-waybill's trip summary). */
  async forWindow(
    vehicleId: string,
    from: Date,
    to: Date,
  ): Promise<Array<{ rule: string; openedAt: Date; closedAt: Date | null }>> {
    const rows = await this.violations.list({ vehicleId, from, to, after: null, limit: 10_000 });
    return rows.map((v) => ({ rule: v.rule, openedAt: v.openedAt, closedAt: v.closedAt }));
  }

  private async scope(principal: Principal): Promise<string[] | undefined> {
    if (principal.kind !== 'enterprise') return undefined;
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.vehicles.list({ limit: 500, cursor }, principal);
      ids.push(...page.items.map((v) => v.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }

  /** Violations as the reader may read them: an agency those its sharing policy gives it, with its fields. */
  async list(q: ViolationQuery, principal: Principal): Promise<ViolationPage> {
    const reads = await this.reads.readsOf(principal);
    reads.require('violations');
    const limit = q.limit ?? 50;
    const rows = await this.violations.list({
      vehicleIds: await this.scope(principal),
      reach: reads.violations ?? undefined,
      vehicleId: q.vehicleId,
      waybillId: q.waybillId,
      rule: q.rule,
      status: q.status,
      severity: q.severity,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      after: decodeCursor(q.cursor, isUuidString),
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (v) => v.id);
    const acks = await this.violations.acknowledgements(page.items.map((v) => v.id));
    return {
      items: page.items.map((v) =>
        reads.shape(
          'violations',
          toViolationView(
            v,
            acks.filter((a) => a.violationId === v.id),
          ),
        ),
      ),
      nextCursor: page.nextCursor,
    };
  }

  /** The open violations of a carrier's vehicles as `reader` may read them (none when its policy gives it none). */
  async openOf(carrierId: string, reader: Principal, limit = 200): Promise<ViolationView[]> {
    const reads = await this.reads.readsOf(reader);
    if (!reads.may('violations')) return [];
    const carrier: Principal = { kind: 'enterprise', enterpriseId: carrierId, keyId: reader.keyId };
    const rows = await this.violations.list({
      vehicleIds: await this.scope(carrier),
      reach: reads.violations ?? undefined,
      status: 'open',
      after: null,
      limit,
    });
    const acks = await this.violations.acknowledgements(rows.map((v) => v.id));
    return rows.map((v) =>
      reads.shape(
        'violations',
        toViolationView(
          v,
          acks.filter((a) => a.violationId === v.id),
        ),
      ),
    );
  }

  /** A violation the principal may read: an enterprise its own vehicles'; an agency those its policy reaches. */
  private async readable(id: string, principal: Principal, reach: ViolationReach | null): Promise<ViolationEntity> {
    const v = await this.violations.findById(id);
    const scope = await this.scope(principal);
    if (!v || (scope && !scope.includes(v.vehicleId)) || (reach && !reaches(reach, v)))
      throw new NotFound('violation', id);
    return v;
  }

  async get(id: string, principal: Principal): Promise<ViolationView> {
    const reads = await this.reads.readsOf(principal);
    reads.require('violations');
    const v = await this.readable(id, principal, reads.violations);
    return reads.shape('violations', toViolationView(v, await this.violations.acknowledgements([id])));
  }

  /**
   * An agency in the alert's audience acknowledges: once per agency (a repeat is harmless),
   * published as violation.acknowledged, which stops the escalation. An agency the alert did not
   * go to may not stop it (403), nor one that may not read the violation (403 or 404).
   */
  async acknowledge(id: string, note: string | undefined, principal: Principal): Promise<ViolationView> {
    if (principal.kind !== 'agency')
      throw new RulesViolated([{ path: '', rule: 'AGENCY_ONLY', message: 'agencies acknowledge violations' }]);
    const reads = await this.reads.readsOf(principal);
    reads.require('violations');
    await this.db.transaction(async () => {
      const v = await this.readable(id, principal, reads.violations);
      const audience = await this.reads.alertAudience({ violationId: id, rule: v.rule, severity: v.severity });
      if (!audience.includes(principal.agency))
        throw new Forbidden(
          `the alert went to ${audience.join(', ') || 'no agency'}, not to ${principal.agency}: only they acknowledge it`,
          'NOT_IN_ALERT_AUDIENCE',
        );
      const at = new Date();
      const inserted = await this.violations.acknowledge({
        id: uuid7(),
        violationId: id,
        agency: principal.agency,
        keyId: principal.keyId,
        note: note ?? null,
        at,
      });
      if (inserted) {
        await this.outbox.append(
          'violation.acknowledged',
          {
            violationId: id,
            vehicleId: v.vehicleId,
            rule: v.rule,
            agency: principal.agency,
            note: note ?? null,
            at: at.toISOString(),
          },
          { subjectId: v.vehicleId, occurredAt: at },
        );
      }
    });
    return this.get(id, principal);
  }

  /** Rules with a violation open now, per vehicle; with a reach, only the violations it gives. */
  openRules(vehicleIds: string[], reach?: ViolationReach): Promise<Map<string, string[]>> {
    return this.violations.openRules(vehicleIds, reach);
  }
}
