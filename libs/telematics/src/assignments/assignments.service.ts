import { Inject, Injectable } from '@nestjs/common';
import {
  Database,
  Forbidden,
  NotFound,
  type Principal,
  type ProblemItem,
  READ_POLICY,
  type ReadPolicy,
  RulesViolated,
} from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { normaliseQualification } from '../crew/qualification.js';
import { FencesRepository } from '../fences/fences.repository.js';
import type { AlertFacts, WaybillAlertFacts } from './alert-facts.js';
import type { AssignmentEntity } from './assignment.entity.js';
import { AssignmentsRepository } from './assignments.repository.js';
import type { AssignmentView, SetAssignmentDto } from './assignment.dto.js';

export function toAssignmentView(a: AssignmentEntity): AssignmentView {
  return {
    vehicleId: a.vehicleId,
    routeId: a.routeId,
    loaded: a.loaded,
    chemicalIds: a.chemicalIds,
    hazardClasses: a.hazardClasses,
    waybillId: a.waybillId,
    validFrom: a.validFrom.toISOString(),
    validTo: a.validTo.toISOString(),
    source: a.source,
    reason: a.reason,
  };
}

export interface AssignmentInput {
  routeId: string | null;
  loaded: boolean;
  chemicalIds: string[];
  validFrom: Date;
  validTo: Date;
  waybillId?: string | null;
  reason?: string | null;
  /** The waybill's driver's and escort's qualification certificate numbers (从业资格证号). */
  crewQualifications?: string[];
  /** The e-waybill's part of what alerts under this assignment name (its number, parties, load, crew) as it stands at loading. */
  waybillFacts?: WaybillAlertFacts | null;
  /** The waybill's two ends (registered facility ids): departure, arrival and WRONG_DESTINATION. */
  loadingFacilityId?: string | null;
  unloadingFacilityId?: string | null;
}

/**
 * The vehicle's assignment: set by the transport bureau or the carrier by hand, or by the
 * vehicle's active e-waybill. One row per vehicle; the engine reads it for every fix.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly db: Database,
    private readonly registry: RegistryLookup,
    private readonly fences: FencesRepository,
    private readonly assignments: AssignmentsRepository,
    @Inject(READ_POLICY) private readonly reads: ReadPolicy,
  ) {}

  /**
   * A hand-set assignment. While an e-waybill holds the vehicle (loaded or in transit: its
   * assignment names the waybill) only the waybill's own transitions or the transport bureau, with
   * a reason, change it: what a carrier says about its own loaded tanker is not trusted, since it
   * decides which alerts the tanker raises. A carrier sets it only for a vehicle with no active trip.
   */
  async setByRequest(vehicleId: string, dto: SetAssignmentDto, principal: Principal): Promise<AssignmentView> {
    const vehicle = (await this.registry.vehicleMap([vehicleId])).get(vehicleId);
    if (!vehicle || (principal.kind === 'enterprise' && principal.enterpriseId !== vehicle.carrierId))
      throw new NotFound('vehicle', vehicleId);
    return this.db.transaction(async () => {
      const current = await this.assignments.lockOne(vehicleId);
      const trip = current?.waybillId && current.validTo.getTime() > Date.now() ? current.waybillId : null;
      if (trip && principal.kind === 'enterprise')
        throw new Forbidden(
          `vehicle ${vehicle.plate} is on an active e-waybill: its assignment changes only with the waybill or by the transport bureau`,
          'ASSIGNMENT_HELD_BY_WAYBILL',
        );
      if (trip && !dto.reason)
        throw new RulesViolated([
          {
            path: 'reason',
            rule: 'required',
            message: 'give the reason for changing the assignment of a vehicle on a trip',
          },
        ]);
      return this.assign(
        vehicleId,
        {
          routeId: dto.routeId ?? null,
          loaded: dto.loaded,
          chemicalIds: dto.chemicalIds,
          validFrom: new Date(dto.validFrom),
          validTo: new Date(dto.validTo),
          // An override stays the trip's: the carrier cannot change it either, and receipt releases it.
          waybillId: trip,
          reason: dto.reason ?? null,
          // The trip's crew stays the trip's, and so do the facts its alerts name.
          crewQualifications: trip ? current!.crewQualifications : [],
          waybillFacts: trip ? (current!.alertFacts?.waybill ?? null) : null,
          // So are its two ends.
          loadingFacilityId: trip ? current!.loadingFacilityId : null,
          unloadingFacilityId: trip ? current!.unloadingFacilityId : null,
        },
        trip ? 'override' : 'manual',
        principal.keyId,
      );
    });
  }

  /** Sets (replaces) the assignment; used by the route above and by the waybill context. */
  async assign(
    vehicleId: string,
    input: AssignmentInput,
    source: AssignmentEntity['source'],
    setBy: string | null,
  ): Promise<AssignmentView> {
    const problems: ProblemItem[] = [];
    if (input.validTo <= input.validFrom)
      problems.push({ path: 'validTo', rule: 'ASSIGNMENT_WINDOW', message: 'validTo must be after validFrom' });
    let routeName: string | null = null;
    if (input.routeId) {
      const route = await this.fences.route(input.routeId);
      routeName = route?.name ?? null;
      if (!route)
        problems.push({
          path: 'routeId',
          rule: 'REFERENCE_NOT_FOUND',
          message: `route ${input.routeId} does not exist`,
        });
      else if (route.status !== 'approved')
        problems.push({
          path: 'routeId',
          rule: 'ROUTE_NOT_APPROVED',
          message: `route ${route.name} is ${route.status}, not approved`,
        });
    }
    const chemicals = await this.registry.chemicalMap(input.chemicalIds);
    input.chemicalIds.forEach((id, i) => {
      if (!chemicals.has(id))
        problems.push({
          path: `chemicalIds[${i}]`,
          rule: 'REFERENCE_NOT_FOUND',
          message: `chemical ${id} is not in the catalogue`,
        });
    });
    if (problems.length) throw new RulesViolated(problems);
    const [vehicle, colours] = await Promise.all([
      this.registry.vehicleMap([vehicleId]),
      this.registry.plateColours([vehicleId]),
    ]);
    const alertFacts: AlertFacts = {
      plate: vehicle.get(vehicleId)?.plate ?? null,
      plateColour: colours.get(vehicleId) ?? null,
      routeName,
      // A hand-set assignment knows no trip: an override keeps the trip's facts, since it stays the trip's.
      waybill: input.waybillFacts ?? null,
    };
    const row: AssignmentEntity = {
      vehicleId,
      routeId: input.routeId,
      loaded: input.loaded,
      chemicalIds: [...new Set(input.chemicalIds)],
      hazardClasses: [...new Set([...chemicals.values()].flatMap((c) => (c.unClass ? [c.unClass] : [])))],
      waybillId: input.waybillId ?? null,
      crewQualifications: [
        ...new Set((input.crewQualifications ?? []).flatMap((q) => normaliseQualification(q) ?? [])),
      ],
      loadingFacilityId: input.loadingFacilityId ?? null,
      unloadingFacilityId: input.unloadingFacilityId ?? null,
      validFrom: input.validFrom,
      validTo: input.validTo,
      source,
      setBy,
      reason: input.reason ?? null,
      updatedAt: new Date(),
      alertFacts,
    };
    await this.db.transaction(async () => {
      await this.assignments.upsert(row);
      await this.bumpVersion();
    });
    return toAssignmentView(row);
  }

  /** Clears the assignment a waybill set (not one set since by someone else). */
  async releaseWaybill(vehicleId: string, waybillId: string): Promise<void> {
    await this.db.transaction(async () => {
      // Every evaluator's cache must learn the vehicle is no longer on the trip.
      if (await this.assignments.deleteOfWaybill(vehicleId, waybillId)) await this.bumpVersion();
    });
  }

  /** The vehicle's load on the road and the waybill behind it: an agency reads it with positions and waybills. */
  async get(vehicleId: string, principal: Principal): Promise<AssignmentView> {
    const reads = await this.reads.readsOf(principal);
    reads.require('positions');
    reads.require('waybills');
    const vehicle = (await this.registry.vehicleMap([vehicleId])).get(vehicleId);
    if (!vehicle || (principal.kind === 'enterprise' && principal.enterpriseId !== vehicle.carrierId))
      throw new NotFound('vehicle', vehicleId);
    const row = await this.assignments.findOne(vehicleId);
    if (!row) throw new NotFound('assignment of vehicle', vehicleId);
    return toAssignmentView(row);
  }

  /** Assignments of many vehicles at once (the evaluator's read per batch). */
  async forVehicles(vehicleIds: string[]): Promise<Map<string, AssignmentEntity>> {
    if (vehicleIds.length === 0) return new Map();
    const rows = await this.assignments.forVehicles(vehicleIds);
    return new Map(rows.map((r) => [r.vehicleId, r]));
  }

  /**
   * The same through a cache, for the evaluator's hot path: the cache is dropped whenever the
   * assignments' version changes (checked at most once a second), so a change reaches the engine
   * within a second in every process.
   */
  async forVehiclesCached(vehicleIds: string[]): Promise<Map<string, AssignmentEntity>> {
    const now = Date.now();
    if (now - this.cacheCheckedAt > 1000) {
      this.cacheCheckedAt = now;
      const version = await this.assignments.version();
      if (version !== this.cacheVersion) {
        this.cache.clear();
        this.cacheVersion = version;
      }
    }
    const missing = vehicleIds.filter((id) => !this.cache.has(id));
    if (missing.length) {
      const found = await this.forVehicles(missing);
      if (this.cache.size > 200_000) this.cache.clear();
      for (const id of missing) this.cache.set(id, found.get(id) ?? null);
    }
    const out = new Map<string, AssignmentEntity>();
    for (const id of vehicleIds) {
      const a = this.cache.get(id);
      if (a) out.set(id, a);
    }
    return out;
  }

  private readonly cache = new Map<string, AssignmentEntity | null>();
  private cacheVersion = -1;
  private cacheCheckedAt = 0;

  private async bumpVersion(): Promise<void> {
    await this.assignments.bumpVersion();
    this.cacheCheckedAt = 0;
  }
}
