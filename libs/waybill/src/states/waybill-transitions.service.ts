import { Injectable, Logger } from '@nestjs/common';
import { type Carriage, MovementService } from '@lib/ledger';
import {
  Conflict,
  Database,
  NotFound,
  type Principal,
  type ProblemItem,
  RulesViolated,
  shanghaiDate,
} from '@lib/platform';
import { ControlledChemicalsService, RegistryLookup } from '@lib/registry';
import { AssignmentsService, type WaybillAlertFacts } from '@lib/telematics';
import { settle } from './closing.js';
import { controlledTrip, tripShortfall } from '../rules/controlled.js';
import type { LoadDto, ReceiveDto, ResolveDiscrepancyDto, WaybillView } from '../waybill.dto.js';
import type {
  DiscrepancyLine,
  DiscrepancyResolution,
  TrackSummary,
  WaybillEntity,
  WaybillItemEntity,
} from '../waybill.entity.js';
import { WaybillRepository } from '../waybill.repository.js';
import { rulesInput, WaybillService } from '../waybill.service.js';
import { WaybillValidator } from '../waybill.validator.js';
import { toWaybillView } from '../waybill.view.js';
import { toKg } from '@lib/ledger';
/** The two steps on the road: from which state, to which, the time they stamp and follow, the event. */
const ROAD_STEPS = {
  depart: { from: 'loaded', to: 'in_transit', stamp: 'departedAt', after: 'loadedAt', event: 'waybill.departed' },
  arrive: { from: 'in_transit', to: 'arrived', stamp: 'arrivedAt', after: 'departedAt', event: 'waybill.arrived' },
} as const;

/** The assignment a loaded waybill sets runs to its planned arrival plus this (a late trip stays watched); receipt clears it. */
const ASSIGNMENT_SLACK_MS = 24 * 3600_000;

/**
 * The trip: loading (re-checked, the consignor's stock shipped through the ledger, the vehicle
 * assigned to its route), departure and arrival (reported, or seen by GPS), receipt (the
 * consignee's stock booked, quantities compared), closing. Every step checks who may take it and
 * from which state, in one transaction with what it writes.
 */
@Injectable()
export class WaybillTransitions {
  private readonly log = new Logger('Waybill');

  constructor(
    private readonly db: Database,
    private readonly waybills: WaybillRepository,
    private readonly filing: WaybillService,
    private readonly validator: WaybillValidator,
    private readonly movements: MovementService,
    private readonly assignments: AssignmentsService,
    private readonly registry: RegistryLookup,
    private readonly controlled: ControlledChemicalsService,
  ) {}

  /** The loader (装货人, the loading facility's owner: the consignor) checks, signs, and loads. */
  async load(id: string, dto: LoadDto, principal: Principal): Promise<WaybillView> {
    return this.db.transaction(async () => {
      const w = await this.filing.load(id, principal, ['consignor'], true);
      this.filing.expect(w, ['submitted']);
      const at = this.filing.when(dto.at, w.updatedAt);
      const items = await this.waybills.items(id);
      const problems: ProblemItem[] = [];
      for (const k of ['vehicleOk', 'tankOk', 'documentsOk', 'goodsMatch'] as const) {
        if (!dto[k])
          problems.push({
            path: k,
            rule: 'LOADING_CHECK_FAILED',
            message: `the loader's check found ${k} false: the vehicle is not loaded`,
          });
      }
      items.forEach((i) => {
        if (!i.lotId)
          problems.push({
            path: `items[${i.line - 1}].lotId`,
            rule: 'LOT_REQUIRED',
            message: 'name the lot of every line before loading',
          });
      });
      // Everything is judged again at loading: a licence or qualification that lapsed since
      // submission stops the trip here.
      const input = rulesInput(w, items);
      const resolved = await this.validator.resolve(input);
      problems.push(...(await this.validator.check(input, resolved, at, 'loading')));
      const crew = [resolved.driver, resolved.escort];
      if (problems.length)
        throw new RulesViolated(problems, `loading refused: ${[...new Set(problems.map((p) => p.rule))].join(', ')}`);
      // The trip starts: it takes its road pass (one trip) and consumes its drug-precursor permits.
      const start = shanghaiDate(input.plannedDeparture < at ? at : input.plannedDeparture);
      const trip = await controlledTrip(
        input,
        [...resolved.chemicals.values()],
        start,
        shanghaiDate(input.plannedArrival),
        this.registry,
      );
      // Judged again under the permits' locks: another trip may have been loaded under them meanwhile.
      await this.controlled.recordUses(trip.uses, { type: 'waybill', id: w.id }, at, tripShortfall);

      const carriage = await this.carriage(w);
      for (const i of items) {
        // The manifest's pickup booked this waste out of the consignor's stock (waste_transfer): a
        // ship leg too would book it out twice (issue 17 review, 1).
        if (underManifest(w, i.lotId, resolved.wasteLots)) continue;
        const [ship] = await this.movements.record(
          {
            operation: 'ship',
            facilityId: w.loadingFacilityId,
            chemicalId: i.chemicalId,
            lotId: i.lotId!,
            quantity: { value: Number(i.quantityValue), unit: i.unit },
            occurredAt: at.toISOString(),
            counterpartyFacilityId: w.unloadingFacilityId,
            waybillId: w.id,
          },
          principal,
          carriage,
        );
        await this.waybills.updateItem(id, i.line, { shipMovementId: ship!.id });
        i.shipMovementId = ship!.id;
      }
      await this.assignments.assign(
        w.vehicleId,
        {
          routeId: w.routeId,
          loaded: true,
          chemicalIds: [...new Set(items.map((i) => i.chemicalId))],
          validFrom: at,
          validTo: new Date(Math.max(w.plannedArrival.getTime(), at.getTime()) + ASSIGNMENT_SLACK_MS),
          waybillId: w.id,
          // Whose driver cards may drive it (CREW_MISMATCH): the qualifications just checked.
          crewQualifications: crew.flatMap((p) => (p?.qualificationNumber ? [p.qualificationNumber] : [])),
          // What its alerts name, as loaded: the exchange publishes them without asking the waybill again.
          waybillFacts: alertFacts(w, items, resolved),
          // The trip's ends: the engine reports leaving the one and entering the other (departure, arrival).
          loadingFacilityId: w.loadingFacilityId,
          unloadingFacilityId: w.unloadingFacilityId,
        },
        'waybill',
        principal.keyId,
      );
      const loadingCheck = {
        vehicleOk: true,
        tankOk: true,
        documentsOk: true,
        goodsMatch: true,
        loaderName: dto.loaderName,
        signedAt: at.toISOString(),
      };
      await this.filing.transition(w, 'loaded', 'api', principal.keyId, at, { loaderName: dto.loaderName });
      const next = { ...w, status: 'loaded' as const, loadedAt: at, loadingCheck };
      await this.waybills.update(id, { status: 'loaded', loadedAt: at, loadingCheck });
      await this.filing.publish('waybill.loaded', next, items, at);
      return toWaybillView(next, items, principal);
    });
  }

  /** loaded → in_transit: the carrier reports departure, or the GPS track leaves the loading fence. */
  depart(id: string, at: Date, principal: Principal | null): Promise<WaybillView> {
    return this.move(id, at, principal, ROAD_STEPS.depart, {});
  }

  /** in_transit → arrived: reported by the carrier, or the GPS track enters the unloading fence. */
  arrive(
    id: string,
    at: Date,
    principal: Principal | null,
    trackSummary: TrackSummary | null = null,
  ): Promise<WaybillView> {
    return this.move(id, at, principal, ROAD_STEPS.arrive, trackSummary ? { trackSummary } : {});
  }

  /** A step on the road: the carrier's report (principal) or the track's (null), never before the previous step. */
  private async move(
    id: string,
    at: Date,
    principal: Principal | null,
    step: (typeof ROAD_STEPS)[keyof typeof ROAD_STEPS],
    extra: Partial<WaybillEntity>,
  ): Promise<WaybillView> {
    return this.db.transaction(async () => {
      const w = principal
        ? await this.filing.load(id, principal, ['carrier'], true)
        : (await this.waybills.findForUpdate(id))!;
      this.filing.expect(w, [step.from]);
      if (principal) this.filing.when(at, w[step.after]);
      const source = principal ? 'api' : 'gps';
      await this.filing.transition(w, step.to, source, principal?.keyId ?? null, at);
      const change = { status: step.to, [step.stamp]: at, ...extra } as Partial<WaybillEntity>;
      const next = { ...w, ...change };
      await this.waybills.update(id, change);
      const items = await this.waybills.items(id);
      await this.filing.publish(step.event, next, items, at, source);
      return toWaybillView(next, items, principal);
    });
  }

  /**
   * The consignee records what it received: its receive movements are booked against the
   * shipment (same lot), quantities compared; beyond the tolerance the difference is a
   * discrepancy published to the agencies. The vehicle's assignment is released.
   */
  async receive(id: string, dto: ReceiveDto, principal: Principal): Promise<WaybillView> {
    return this.db.transaction(async () => {
      const w = await this.filing.load(id, principal, ['consignee'], true);
      this.filing.expect(w, ['arrived']);
      const at = this.filing.when(dto.at, w.arrivedAt);
      const items = await this.waybills.items(id);
      const given = new Map(dto.lines.map((l) => [l.line, l]));
      const problems: ProblemItem[] = [];
      for (const i of items)
        if (!given.has(i.line))
          problems.push({ path: 'lines', rule: 'LINE_MISSING', message: `line ${i.line} has no received quantity` });
      for (const l of dto.lines)
        if (!items.some((i) => i.line === l.line))
          problems.push({ path: 'lines', rule: 'LINE_UNKNOWN', message: `there is no line ${l.line}` });
      if (problems.length) throw new RulesViolated(problems);
      const chemicals = await this.registry.chemicalMap(items.map((i) => i.chemicalId));
      const carriage = await this.carriage(w);
      const discrepancy: DiscrepancyLine[] = [];
      for (const i of items) {
        const l = given.get(i.line)!;
        const receivedKg = toKg(l.quantity.value, l.quantity.unit, chemicals.get(i.chemicalId)?.densityKgPerL ?? null);
        if (receivedKg === null)
          throw new RulesViolated([
            { path: `lines`, rule: 'DENSITY_UNKNOWN', message: `give line ${i.line} in kg or t` },
          ]);
        if (carriedByManifest(w, i)) {
          // The manifest's receipt books the waste in and weighs it against what was shipped
          // (waste.discrepancy); the waybill only records what its line received.
          await this.waybills.updateItem(id, i.line, { receivedKg: receivedKg.toFixed(3) });
          i.receivedKg = receivedKg.toFixed(3);
          continue;
        }
        const [movement] = await this.movements.record(
          {
            operation: 'receive',
            facilityId: w.unloadingFacilityId,
            chemicalId: i.chemicalId,
            sourceMovementId: i.shipMovementId!,
            quantity: l.quantity,
            occurredAt: at.toISOString(),
            waybillId: w.id,
          },
          principal,
          carriage,
        );
        await this.waybills.updateItem(id, i.line, {
          receivedKg: receivedKg.toFixed(3),
          receiveMovementId: movement!.id,
        });
        i.receivedKg = receivedKg.toFixed(3);
        i.receiveMovementId = movement!.id;
        const shipped = Number(i.quantityKg);
        const s = settle({ line: i.line, packaging: i.packaging, shippedKg: shipped, receivedKg });
        if (s.verdict === 'beyond')
          discrepancy.push({
            line: i.line,
            chemicalId: i.chemicalId,
            shippedKg: shipped,
            receivedKg,
            differenceKg: s.differenceKg,
            toleranceKg: s.toleranceKg,
          });
      }
      await this.assignments.releaseWaybill(w.vehicleId, w.id);
      await this.waybills.release(id);
      await this.filing.transition(
        w,
        'received',
        'api',
        principal.keyId,
        at,
        discrepancy.length ? { discrepancy } : {},
      );
      const next = {
        ...w,
        status: 'received' as const,
        receivedAt: at,
        discrepancy: discrepancy.length ? discrepancy : null,
      };
      await this.waybills.update(id, { status: 'received', receivedAt: at, discrepancy: next.discrepancy });
      await this.filing.publish('waybill.received', next, items, at);
      if (discrepancy.length) {
        await this.filing.publishDiscrepancy(next, discrepancy, at);
        this.log.warn({ waybill: w.number, lines: discrepancy.length }, 'received quantity differs from shipped');
      }
      return toWaybillView(next, items, principal);
    });
  }

  /**
   * received → closed (consignee or consignor). A shortfall within the receipt tolerance is written
   * off as a transport loss (途耗) citing the waybill, so nothing of the trip stays in transit; one
   * beyond it is the discrepancy found at receipt, open (and in transit) until emergency
   * management resolves it.
   */
  async close(id: string, principal: Principal): Promise<WaybillView> {
    return this.db.transaction(async () => {
      const w = await this.filing.load(id, principal, ['consignee', 'consignor'], true);
      this.filing.expect(w, ['received']);
      const at = new Date();
      const carriage = await this.carriage(w);
      for (const i of await this.waybills.items(id)) {
        const s = this.settlement(i);
        if (s?.verdict !== 'within') continue;
        await this.movements.bookTransitLoss({
          shipMovementId: i.shipMovementId!,
          kg: s.differenceKg,
          reason: `途耗 transport loss within the receipt tolerance (${s.toleranceKg} kg), waybill ${w.number} line ${i.line}`,
          occurredAt: at,
          waybillId: w.id,
          carriage,
          actorKeyId: principal.keyId || null,
        });
      }
      await this.filing.transition(
        w,
        'closed',
        'api',
        principal.keyId,
        at,
        w.discrepancy ? { withDiscrepancy: true } : {},
      );
      const next = { ...w, status: 'closed' as const, closedAt: at };
      await this.waybills.update(id, { status: 'closed', closedAt: at });
      const items = await this.waybills.items(id);
      await this.filing.publish('waybill.closed', next, items, at);
      return toWaybillView(next, items, principal);
    });
  }

  /**
   * Emergency management (or admin) resolves a discrepancy found at receipt: its finding and reason
   * are kept on the waybill and what is still in transit of each line is written off as a loss
   * citing both. Once only: a second resolution is a 409.
   */
  async resolveDiscrepancy(id: string, dto: ResolveDiscrepancyDto, principal: Principal): Promise<WaybillView> {
    return this.db.transaction(async () => {
      const w = await this.waybills.findForUpdate(id);
      if (!w) throw new NotFound('waybill', id);
      this.filing.expect(w, ['received', 'closed']);
      if (!w.discrepancy)
        throw new RulesViolated([
          { path: 'id', rule: 'NO_DISCREPANCY', message: `waybill ${w.number} was received within its tolerance` },
        ]);
      if (w.discrepancyResolution)
        throw new Conflict('DISCREPANCY_RESOLVED', `the discrepancy of waybill ${w.number} is resolved already`, {
          resolvedAt: w.discrepancyResolution.at,
        });
      const at = new Date();
      const carriage = await this.carriage(w);
      const items = await this.waybills.items(id);
      const movementIds: string[] = [];
      for (const d of w.discrepancy) {
        const i = items.find((x) => x.line === d.line)!;
        const booked = await this.movements.bookTransitLoss({
          shipMovementId: i.shipMovementId!,
          kg: d.differenceKg,
          reason: `${dto.finding}: ${dto.reason} (discrepancy of waybill ${w.number} line ${d.line}, resolved by ${principal.kind === 'agency' ? `agency ${principal.agency}` : principal.kind})`,
          occurredAt: at,
          waybillId: w.id,
          carriage,
          actorKeyId: principal.keyId || null,
        });
        movementIds.push(...booked.map((m) => m.id));
      }
      const resolution: DiscrepancyResolution = {
        finding: dto.finding,
        reason: dto.reason,
        by: principal.kind === 'agency' ? `agency ${principal.agency}` : principal.kind,
        byKeyId: principal.keyId || null,
        at: at.toISOString(),
        movementIds,
      };
      await this.waybills.update(id, { discrepancyResolution: resolution });
      return toWaybillView({ ...w, discrepancyResolution: resolution }, items, principal);
    });
  }

  /** A line's verdict once received (null before receipt, and for waste the manifest settles). */
  private settlement(i: WaybillItemEntity): ReturnType<typeof settle> | null {
    if (i.receivedKg === null || !i.shipMovementId) return null;
    return settle({
      line: i.line,
      packaging: i.packaging,
      shippedKg: Number(i.quantityKg),
      receivedKg: Number(i.receivedKg),
    });
  }

  /** The trip's facts its ledger legs keep, so the lot trace names them (issue 17). */
  private async carriage(w: WaybillEntity): Promise<Carriage> {
    const vehicle = (await this.registry.vehicleMap([w.vehicleId])).get(w.vehicleId);
    return { waybillNumber: w.number, carrierEnterpriseId: w.carrierId, vehiclePlate: vehicle?.plate ?? '' };
  }
}

/**
 * A line of hazardous waste travelling under the waybill's transfer manifest (危险废物转移联单).
 * Its ledger legs are the manifest's: the transporter's pickup books it out of the generator's
 * stock (so loading requires the manifest picked up: WASTE_NOT_PICKED_UP, rules/waste.ts) and the
 * receiver's receipt books it in, with its own tolerance and waste.discrepancy. The waybill books
 * no ship or receive leg for it, and closing writes off no transport loss (《危险废物转移管理办法》
 * 2021 Art. 13–15: the manifest is the waste's record of its transfer).
 */
function underManifest(w: WaybillEntity, lotId: string | null, wasteLots: Map<string, string>): boolean {
  return w.manifestId !== null && lotId !== null && wasteLots.has(lotId);
}

/**
 * After loading, the same fact as the waybill kept it: a loaded line without a ship leg is one
 * the manifest carries (loading books a ship leg for every other line).
 */
function carriedByManifest(w: WaybillEntity, i: WaybillItemEntity): boolean {
  return w.manifestId !== null && i.shipMovementId === null;
}

/** The trip as an alert about its vehicle names it: number, parties, facilities, route, load and crew, at loading. */
function alertFacts(
  w: WaybillEntity,
  items: WaybillItemEntity[],
  r: Awaited<ReturnType<WaybillValidator['resolve']>>,
): WaybillAlertFacts {
  const crew = (p: typeof r.driver) => (p ? { id: p.id, name: p.name, idNumber: p.idNumber, phone: p.phone } : null);
  return {
    id: w.id,
    number: w.number,
    status: 'loaded',
    consignor: { id: w.consignorId, name: r.consignor?.name ?? null },
    carrier: { id: w.carrierId, name: r.carrier?.name ?? null },
    consignee: { id: w.consigneeId, name: r.consignee?.name ?? null },
    loadingFacility: { id: w.loadingFacilityId, name: r.loading?.name ?? null },
    unloadingFacility: { id: w.unloadingFacilityId, name: r.unloading?.name ?? null },
    route: w.routeId ? { id: w.routeId, name: r.route?.name ?? null } : null,
    items: items.map((i) => ({
      chemicalId: i.chemicalId,
      name: r.chemicals.get(i.chemicalId)?.nameZh ?? null,
      unNumber: i.unNumber,
      properShippingName: i.properShippingName,
      unClass: i.unClass,
      packingGroup: i.packingGroup,
      quantityKg: Number(i.quantityKg),
    })),
    driver: crew(r.driver),
    escort: crew(r.escort),
  };
}
