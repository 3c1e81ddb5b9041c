import { Inject, Injectable } from '@nestjs/common';
import { NotFound, type Principal, READ_POLICY, type ReadPolicy, type Reads } from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { ViolationsService } from '../violations/violations.service.js';
import { FIX_FLAG, NOT_A_POSITION } from './fix.js';
import { FixesRepository } from './fixes.repository.js';
import { type LatestPosition, PositionsStore } from './positions.store.js';
import type { PositionView } from './telemetry.dto.js';

const TRACK_LIMIT = 20_000;

/** Latest positions (who is near an accident), and a vehicle's track over a time window. */
@Injectable()
export class PositionsService {
  constructor(
    private readonly store: PositionsStore,
    private readonly fixes: FixesRepository,
    private readonly assignments: AssignmentsService,
    private readonly violations: ViolationsService,
    private readonly registry: RegistryLookup,
    @Inject(READ_POLICY) private readonly reads: ReadPolicy,
  ) {}

  private async carrierScope(principal: Principal, vehicleIds: string[]): Promise<Set<string> | null> {
    if (principal.kind !== 'enterprise') return null;
    const vehicles = await this.registry.vehicleMap(vehicleIds);
    return new Set([...vehicles.values()].filter((v) => v.carrierId === principal.enterpriseId).map((v) => v.id));
  }

  /**
   * Adds what the map colours vehicles by: loaded, open violations, and a state. An agency sees
   * only the open violations its sharing policy lets it read, and the fields it gives.
   */
  private async enrich<P extends LatestPosition>(
    positions: P[],
    principal: Principal,
    reads: Reads,
    now = Date.now(),
  ): Promise<Array<PositionView & Omit<P, keyof LatestPosition>>> {
    const ids = positions.map((p) => p.vehicleId);
    const scope = await this.carrierScope(principal, ids);
    const visible = scope ? positions.filter((p) => scope.has(p.vehicleId)) : positions;
    const [assignments, open] = await Promise.all([
      this.assignments.forVehicles(ids),
      this.violations.openRules(ids, reads.violations ?? undefined),
    ]);
    return visible.map(({ receivedAt: _r, ...p }) => {
      const a = assignments.get(p.vehicleId);
      const loaded = !!a && a.loaded && a.validFrom.getTime() <= now && now <= a.validTo.getTime();
      const openRules = open.get(p.vehicleId) ?? [];
      const state = openRules.includes('SIGNAL_LOST')
        ? 'signal_lost'
        : !loaded
          ? 'empty'
          : openRules.includes('ROUTE_DEVIATION')
            ? 'loaded_off_route'
            : 'loaded_on_route';
      const view = { ...p, ts: new Date(p.ts).toISOString(), loaded, openRules, state };
      return reads.shape('positions', view) as unknown as PositionView & Omit<P, keyof LatestPosition>;
    });
  }

  async near(lon: number, lat: number, radiusM: number, limit: number, principal: Principal): Promise<PositionView[]> {
    const reads = await this.reads.readsOf(principal);
    reads.require('positions');
    return this.enrich(await this.store.near(lon, lat, radiusM, limit), principal, reads);
  }

  async all(limit: number, principal: Principal): Promise<PositionView[]> {
    const reads = await this.reads.readsOf(principal);
    reads.require('positions');
    return this.enrich(await this.store.all(limit), principal, reads);
  }

  /** The track as a GeoJSON Feature (LineString of the usable fixes) with every point in its properties. */
  async track(vehicleId: string, from: Date, to: Date, principal: Principal): Promise<Record<string, unknown>> {
    const reads = await this.reads.readsOf(principal);
    reads.require('tracks');
    const vehicle = (await this.registry.vehicleMap([vehicleId])).get(vehicleId);
    if (!vehicle || (principal.kind === 'enterprise' && principal.enterpriseId !== vehicle.carrierId))
      throw new NotFound('vehicle', vehicleId);
    const points = await this.fixes.track(vehicleId, from, to, TRACK_LIMIT);
    const usable = points.filter((p) => !(p.flags & NOT_A_POSITION));
    return reads.shape('tracks', {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: usable.map((p) => [p.lon, p.lat]) },
      properties: {
        vehicleId,
        plate: vehicle.plate,
        from: from.toISOString(),
        to: to.toISOString(),
        truncated: points.length === TRACK_LIMIT,
        points: points.map((p) => ({
          ts: p.ts.toISOString(),
          lon: p.lon,
          lat: p.lat,
          speedKmh: p.speedKmh,
          heading: p.heading,
          accuracyM: p.accuracyM,
          alarmFlags: p.alarmFlags,
          late: !!(p.flags & FIX_FLAG.late),
          jump: !!(p.flags & FIX_FLAG.jump),
          inaccurate: !!(p.flags & FIX_FLAG.inaccurate),
          ahead: !!(p.flags & FIX_FLAG.ahead),
        })),
      },
    });
  }
}
