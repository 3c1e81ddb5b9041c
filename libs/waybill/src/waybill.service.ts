import { Inject, Injectable } from '@nestjs/common';
import {
  Conflict,
  Database,
  DomainError,
  type EventType,
  Forbidden,
  NotFound,
  Outbox,
  type Page,
  pageById,
  type Principal,
  type ProblemItem,
  READ_POLICY,
  type ReadPolicy,
  type Reads,
  RulesViolated,
  shanghaiDate,
  uuid7,
} from '@lib/platform';
import { MovementService } from '@lib/ledger';
import { type ChemicalView, RegistryLookup } from '@lib/registry';
import { waybillNumber } from './rules/waybill-number.js';
import type { WaybillContentDto, WaybillQuery, WaybillView } from './waybill.dto.js';
import type { DiscrepancyLine, WaybillEntity, WaybillItemEntity, WaybillStatus } from './waybill.entity.js';
import { WaybillRepository } from './waybill.repository.js';
import { type ContentForRules, itemKg, tripAssets, WaybillValidator } from './waybill.validator.js';
import { contentOf, OVERDUE_AFTER_MS, toWaybillView } from './waybill.view.js';

export type Party = 'consignor' | 'carrier' | 'consignee';

/** The events of an e-waybill's states: they share one payload schema (the discrepancy has its own). */
type WaybillEvent = Exclude<Extract<EventType, `waybill.${string}`>, 'waybill.discrepancy'>;

/** How far ahead of the server clock a reported time may be (terminal and client clocks drift). */
const CLOCK_DRIFT_MS = 5 * 60_000;

/** Builds the rows of a waybill's content; refuses volumes whose mass cannot be known. */
export function buildItems(
  waybillId: string,
  dto: WaybillContentDto,
  chemicals: Map<string, ChemicalView>,
): WaybillItemEntity[] {
  const problems: ProblemItem[] = [];
  const items = dto.items.map((i, k): WaybillItemEntity => {
    const chem = chemicals.get(i.chemicalId);
    const kg = itemKg(i.quantity.value, i.quantity.unit, chem);
    if (!chem)
      problems.push({
        path: `items[${k}].chemicalId`,
        rule: 'REFERENCE_NOT_FOUND',
        message: `chemical ${i.chemicalId} is not in the catalogue`,
      });
    else if (kg === null)
      problems.push({
        path: `items[${k}].quantity.unit`,
        rule: 'DENSITY_UNKNOWN',
        message: `${chem.nameZh} has no density in the catalogue; give kg or t`,
      });
    return {
      waybillId,
      line: k + 1,
      chemicalId: i.chemicalId,
      unNumber: chem?.unNumber ?? null,
      properShippingName: i.properShippingName ?? [chem?.nameEn?.toUpperCase(), chem?.nameZh].filter(Boolean).join(' '),
      unClass: chem?.unClass ?? null,
      packingGroup: chem?.packingGroups[0] ?? null,
      quantityValue: i.quantity.value.toFixed(6),
      unit: i.quantity.unit,
      quantityKg: (kg ?? 0).toFixed(3),
      lotId: i.lotId ?? null,
      packaging: i.packaging,
      compartment: i.compartment ?? null,
      packages: i.packages ?? null,
      shipMovementId: null,
      receivedKg: null,
      receiveMovementId: null,
    };
  });
  if (problems.length) throw new RulesViolated(problems);
  return items;
}

export function rulesInput(w: WaybillEntity, items: WaybillItemEntity[]): ContentForRules {
  return {
    waybillId: w.id,
    consignorId: w.consignorId,
    carrierId: w.carrierId,
    consigneeId: w.consigneeId,
    loadingFacilityId: w.loadingFacilityId,
    unloadingFacilityId: w.unloadingFacilityId,
    vehicleId: w.vehicleId,
    trailerId: w.trailerId,
    driverId: w.driverId,
    escortId: w.escortId,
    routeId: w.routeId,
    plannedDeparture: w.plannedDeparture,
    plannedArrival: w.plannedArrival,
    items: items.map((i) => ({
      line: i.line,
      chemicalId: i.chemicalId,
      quantityKg: Number(i.quantityKg),
      lotId: i.lotId,
      packaging: i.packaging,
      compartment: i.compartment,
    })),
    toxicPass: w.toxicPass,
    manifestId: w.manifestId,
  };
}

/** What one active trip holds (the validator reads the same assets to report them busy). */
export const assetsOf = (w: WaybillEntity, idNumbers: Map<string, string>): Array<{ id: string; kind: string }> =>
  tripAssets(w, idNumbers);

/**
 * Filing an e-waybill: drafts, submission with every rule checked (all failures reported
 * together), amendments that create a new version, cancellation; and reading.
 */
@Injectable()
export class WaybillService {
  constructor(
    private readonly db: Database,
    private readonly waybills: WaybillRepository,
    private readonly validator: WaybillValidator,
    private readonly registry: RegistryLookup,
    private readonly outbox: Outbox,
    private readonly movements: MovementService,
    @Inject(READ_POLICY) private readonly reads: ReadPolicy,
  ) {}

  /** The parts this principal has in a waybill (admin: all; agencies: none, read only). */
  partsOf(w: WaybillEntity, principal: Principal): Party[] {
    if (principal.kind === 'admin') return ['consignor', 'carrier', 'consignee'];
    if (principal.kind !== 'enterprise') return [];
    const id = principal.enterpriseId;
    return [
      w.consignorId === id && 'consignor',
      w.carrierId === id && 'carrier',
      w.consigneeId === id && 'consignee',
    ].filter((x): x is Party => !!x);
  }

  /** Loads (and locks) a waybill the principal may see; `need` is the part a step belongs to. */
  async load(id: string, principal: Principal, need?: Party[], lock = false): Promise<WaybillEntity> {
    const w = lock ? await this.waybills.findForUpdate(id) : await this.waybills.findById(id);
    if (!w || (principal.kind === 'enterprise' && this.partsOf(w, principal).length === 0))
      throw new NotFound('waybill', id);
    if (need && !this.partsOf(w, principal).some((p) => need.includes(p))) {
      throw new Forbidden(`this step belongs to the ${need.join(' or ')}`, 'NOT_YOUR_STEP');
    }
    return w;
  }

  /**
   * When a step happened as reported: now by default; never ahead of the clock (beyond a few
   * minutes of drift) and never before the step it follows.
   */
  when(at: string | Date | undefined, notBefore: Date | null): Date {
    const t = at === undefined ? new Date() : new Date(at);
    if (t.getTime() > Date.now() + CLOCK_DRIFT_MS)
      throw new RulesViolated([{ path: 'at', rule: 'IN_FUTURE', message: 'at is ahead of the server clock' }]);
    if (notBefore && t < notBefore) {
      throw new RulesViolated([
        {
          path: 'at',
          rule: 'BEFORE_PREVIOUS_STEP',
          message: `at must not be before the previous step (${notBefore.toISOString()})`,
        },
      ]);
    }
    return t;
  }

  expect(w: WaybillEntity, from: WaybillStatus[]): void {
    if (!from.includes(w.status))
      throw new Conflict('INVALID_STATE', `the waybill is ${w.status}; this step needs ${from.join(' or ')}`, {
        state: w.status,
      });
  }

  async transition(
    w: WaybillEntity,
    to: WaybillStatus,
    source: 'api' | 'gps' | 'sweep',
    actorKeyId: string | null,
    at: Date,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.waybills.addTransition({
      id: uuid7(),
      waybillId: w.id,
      fromStatus: w.status,
      toStatus: to,
      at,
      source,
      actorKeyId,
      detail,
    });
  }

  async publish(
    type: WaybillEvent,
    w: WaybillEntity,
    items: WaybillItemEntity[],
    at: Date,
    source: 'api' | 'gps' = 'api',
  ): Promise<void> {
    const [vehicles, people] = await Promise.all([
      this.registry.vehicleMap([w.vehicleId]),
      // The crew as the agencies need them: the event carries them (in clear here; the sharing
      // policy masks them per agency), so the exchange never asks back.
      this.registry.personMap([w.driverId, w.escortId]),
    ]);
    const vehicle = vehicles.get(w.vehicleId);
    const crew = (id: string) => {
      const p = people.get(id);
      return p ? { id: p.id, name: p.name, idNumber: p.idNumber, phone: p.phone } : undefined;
    };
    await this.outbox.append(
      type,
      {
        waybillId: w.id,
        number: w.number,
        version: w.version,
        status: w.status,
        at: at.toISOString(),
        source,
        consignorId: w.consignorId,
        carrierId: w.carrierId,
        consigneeId: w.consigneeId,
        vehicleId: w.vehicleId,
        plate: vehicle?.plate,
        trailerId: w.trailerId,
        driverId: w.driverId,
        escortId: w.escortId,
        driver: crew(w.driverId),
        escort: crew(w.escortId),
        routeId: w.routeId,
        loadingFacilityId: w.loadingFacilityId,
        unloadingFacilityId: w.unloadingFacilityId,
        plannedDeparture: w.plannedDeparture.toISOString(),
        plannedArrival: w.plannedArrival.toISOString(),
        items: items.map((i) => ({
          chemicalId: i.chemicalId,
          unNumber: i.unNumber,
          properShippingName: i.properShippingName,
          unClass: i.unClass,
          quantityKg: Number(i.quantityKg),
        })),
      },
      { subjectId: w.id, occurredAt: at },
    );
  }

  async publishDiscrepancy(w: WaybillEntity, lines: DiscrepancyLine[], at: Date): Promise<void> {
    await this.outbox.append(
      'waybill.discrepancy',
      {
        waybillId: w.id,
        number: w.number,
        consignorId: w.consignorId,
        carrierId: w.carrierId,
        consigneeId: w.consigneeId,
        lines,
      },
      { subjectId: w.id, occurredAt: at },
    );
  }

  private applyContent(w: WaybillEntity, dto: WaybillContentDto): WaybillEntity {
    return {
      ...w,
      carrierId: dto.carrierId,
      consigneeId: dto.consigneeId,
      loadingFacilityId: dto.loadingFacilityId,
      unloadingFacilityId: dto.unloadingFacilityId,
      vehicleId: dto.vehicleId,
      trailerId: dto.trailerId ?? null,
      driverId: dto.driverId,
      escortId: dto.escortId,
      routeId: dto.routeId,
      plannedDeparture: new Date(dto.plannedDeparture),
      plannedArrival: new Date(dto.plannedArrival),
      toxicPass: dto.toxicPass ? { ...dto.toxicPass } : null,
      manifestId: dto.manifestId ?? null,
      notes: dto.notes ?? null,
    };
  }

  /** Files a draft. The consignor is the enterprise that files it (admin names one). */
  async create(dto: WaybillContentDto, principal: Principal): Promise<WaybillView> {
    const consignorId = principal.kind === 'enterprise' ? principal.enterpriseId : dto.consignorId;
    if (!consignorId)
      throw new RulesViolated([{ path: 'consignorId', rule: 'required', message: 'consignorId is required' }]);
    if (principal.kind === 'enterprise' && dto.consignorId && dto.consignorId !== consignorId) {
      throw new Forbidden('an enterprise files waybills as their consignor', 'NOT_YOUR_STEP');
    }
    const chemicals = await this.registry.chemicalMap(dto.items.map((i) => i.chemicalId));
    return this.db.transaction(async () => {
      const now = new Date();
      const id = uuid7();
      const base = {
        id,
        number: waybillNumber(shanghaiDate(now), await this.waybills.nextSequence()),
        status: 'draft',
        version: 1,
        consignorId,
      } as WaybillEntity;
      const w: WaybillEntity = {
        ...this.applyContent(base, dto),
        loadingCheck: null,
        loadedAt: null,
        departedAt: null,
        arrivedAt: null,
        receivedAt: null,
        closedAt: null,
        cancelledAt: null,
        cancelReason: null,
        discrepancy: null,
        discrepancyResolution: null,
        trackSummary: null,
        createdBy: principal.keyId,
        createdAt: now,
        updatedAt: now,
      };
      const items = buildItems(id, dto, chemicals);
      await this.assertReferences(w, items);
      await this.waybills.insert(w);
      await this.waybills.replaceItems(id, items);
      await this.transition(w, 'draft', 'api', principal.keyId, now);
      return toWaybillView(w, items, principal);
    });
  }

  private async assertReferences(w: WaybillEntity, items: WaybillItemEntity[]): Promise<void> {
    const input = rulesInput(w, items);
    const problems = this.validator.missing(input, await this.validator.resolve(input));
    if (problems.length) throw new RulesViolated(problems);
  }

  /** Checks every rule and refuses with all the failures, or returns the resolved references. */
  private async validate(w: WaybillEntity, items: WaybillItemEntity[], at: Date, filing = false): Promise<void> {
    const input = rulesInput(w, items);
    const problems = await this.validator.check(input, await this.validator.resolve(input), at);
    if (filing && w.plannedArrival <= at)
      problems.push({
        path: 'plannedArrival',
        rule: 'PLANNED_IN_PAST',
        message: 'the planned arrival has already passed',
      });
    if (problems.length)
      throw new RulesViolated(
        problems,
        `${problems.length} rule(s) failed: ${[...new Set(problems.map((p) => p.rule))].join(', ')}`,
      );
  }

  private async reserve(w: WaybillEntity): Promise<void> {
    const people = await this.registry.personMap([w.driverId, w.escortId]);
    const idNumbers = new Map([...people].map(([id, p]) => [id, p.idNumber]));
    const taken = await this.waybills.reserve(w.id, assetsOf(w, idNumbers));
    if (taken.length) {
      // Name the other trip only when it is this consignor's or carrier's own.
      const holders = new Map(
        (await Promise.all(taken.map((t) => this.waybills.findById(t.waybillId)))).flatMap((h) =>
          h ? [[h.id, h]] : [],
        ),
      );
      const own = (id: string): boolean => {
        const h = holders.get(id);
        return !!h && [h.consignorId, h.carrierId].some((e) => e === w.consignorId || e === w.carrierId);
      };
      throw new RulesViolated(
        taken.map((t) => ({
          path: `${t.kind}Id`,
          rule: `${t.kind.toUpperCase()}_BUSY`,
          message: `the ${t.kind} is on another active waybill${own(t.waybillId) ? ` (${t.waybillId})` : ''}`,
        })),
      );
    }
  }

  async submit(id: string, principal: Principal): Promise<WaybillView> {
    return this.db.transaction(async () => {
      const w = await this.load(id, principal, ['consignor'], true);
      this.expect(w, ['draft']);
      const items = await this.waybills.items(id);
      const now = new Date();
      await this.validate(w, items, now, true);
      await this.reserve(w);
      await this.transition(w, 'submitted', 'api', principal.keyId, now);
      const next = { ...w, status: 'submitted' as const, updatedAt: now };
      await this.waybills.update(id, { status: 'submitted', updatedAt: now });
      await this.waybills.addVersion({
        waybillId: id,
        version: w.version,
        content: contentOf(next, items),
        reason: 'submitted',
        createdBy: principal.keyId,
        createdAt: now,
      });
      await this.publish('waybill.submitted', next, items, now);
      return toWaybillView(next, items, principal);
    });
  }

  /** Changes the content: in place while a draft; after submission, a new validated version. */
  async amend(id: string, dto: WaybillContentDto, principal: Principal): Promise<WaybillView> {
    const chemicals = await this.registry.chemicalMap(dto.items.map((i) => i.chemicalId));
    return this.db.transaction(async () => {
      const w = await this.load(id, principal, ['consignor'], true);
      this.expect(w, ['draft', 'submitted']);
      if (dto.consignorId && dto.consignorId !== w.consignorId) {
        throw new RulesViolated([
          { path: 'consignorId', rule: 'CONSIGNOR_FIXED', message: 'the consignor of a waybill does not change' },
        ]);
      }
      const items = buildItems(id, dto, chemicals);
      const now = new Date();
      if (w.status === 'draft') {
        const next = this.applyContent(w, dto);
        await this.assertReferences(next, items);
        await this.waybills.update(id, { ...next, updatedAt: now });
        await this.waybills.replaceItems(id, items);
        return toWaybillView(next, items, principal);
      }
      const next = { ...this.applyContent(w, dto), version: w.version + 1 };
      await this.validate(next, items, now, true);
      await this.waybills.release(id);
      await this.reserve(next);
      await this.waybills.update(id, { ...next, updatedAt: now });
      await this.waybills.replaceItems(id, items);
      await this.waybills.addVersion({
        waybillId: id,
        version: next.version,
        content: contentOf(next, items),
        reason: dto.reason ?? 'amended',
        createdBy: principal.keyId,
        createdAt: now,
      });
      await this.transition(w, 'submitted', 'api', principal.keyId, now, { amendedTo: next.version });
      await this.publish('waybill.amended', next, items, now);
      return toWaybillView(next, items, principal);
    });
  }

  async cancel(id: string, reason: string, principal: Principal): Promise<WaybillView> {
    return this.db.transaction(async () => {
      const w = await this.load(id, principal, ['consignor'], true);
      this.expect(w, ['draft', 'submitted']);
      const now = new Date();
      await this.waybills.release(id);
      await this.transition(w, 'cancelled', 'api', principal.keyId, now, { reason });
      const next = { ...w, status: 'cancelled' as const, cancelledAt: now, cancelReason: reason };
      await this.waybills.update(id, { status: 'cancelled', cancelledAt: now, cancelReason: reason });
      const items = await this.waybills.items(id);
      if (w.status === 'submitted') await this.publish('waybill.cancelled', next, items, now);
      return toWaybillView(next, items, principal);
    });
  }

  /**
   * What an agency may read of waybills under its sharing policy (403 when none). One that
   * receives only waybill.discrepancy reads the waybills with a discrepancy; the others are
   * answered as not found, like another enterprise's.
   */
  private async readsOf(principal: Principal): Promise<Reads> {
    const reads = await this.reads.readsOf(principal);
    reads.require('waybills');
    return reads;
  }

  private readable(w: WaybillEntity, reads: Reads): void {
    if (reads.waybills === 'with-discrepancy' && !w.discrepancy) throw new NotFound('waybill', w.id);
  }

  async get(id: string, principal: Principal): Promise<WaybillView> {
    const reads = await this.readsOf(principal);
    const w = await this.load(id, principal);
    this.readable(w, reads);
    const items = await this.waybills.items(id);
    const [versions, transitions] = await Promise.all([this.waybills.versions(id), this.waybills.transitions(id)]);
    return reads.shape('waybills', {
      ...toWaybillView(w, items, principal),
      versions: versions.map((v) => ({
        version: v.version,
        reason: v.reason,
        createdAt: v.createdAt.toISOString(),
        content: v.content,
      })),
      transitions: transitions.map((t) => ({
        from: t.fromStatus,
        to: t.toStatus,
        at: t.at.toISOString(),
        source: t.source,
        detail: t.detail,
      })),
      movements: await this.movements.forWaybill(id),
    });
  }

  async list(q: WaybillQuery, principal: Principal): Promise<Page<WaybillView>> {
    const reads = await this.readsOf(principal);
    const page = await pageById(q, (window) =>
      this.waybills.list({
        partyId: principal.kind === 'enterprise' ? principal.enterpriseId : null,
        as: principal.kind === 'enterprise' ? q.as : undefined,
        status: q.status,
        vehicleId: q.vehicleId,
        chemicalId: q.chemicalId,
        district: q.district,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        overdueBefore: q.overdue === 'true' ? new Date(Date.now() - OVERDUE_AFTER_MS) : undefined,
        discrepancy: q.discrepancy || reads.waybills === 'with-discrepancy',
        number: q.number,
        ...window,
      }),
    );
    const items = await this.waybills.itemsOf(page.items.map((w) => w.id));
    return {
      items: page.items.map((w) => reads.shape('waybills', toWaybillView(w, items.get(w.id) ?? [], principal))),
      nextCursor: page.nextCursor,
    };
  }

  /** The waybill and its items for the printable view: the whole document, so only for a reader given all of it. */
  async forPrint(
    id: string,
    principal: Principal,
  ): Promise<{ waybill: WaybillEntity; items: WaybillItemEntity[]; reads: Reads }> {
    const reads = await this.readsOf(principal);
    const waybill = await this.load(id, principal);
    this.readable(waybill, reads);
    if (!reads.whole('waybills'))
      throw new Forbidden(
        'the printable copy is the whole waybill; the sharing policy gives this agency part of it',
        'READ_NOT_GRANTED',
      );
    if (waybill.status === 'draft')
      throw new DomainError('NOT_SUBMITTED', 409, 'a draft is not printed; submit it first', { state: waybill.status });
    return { waybill, items: await this.waybills.items(id), reads };
  }
}
