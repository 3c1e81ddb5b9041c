import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, Conflict, haversineM, type Job, JobHandler, JobName } from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { FacilityPassages, TrackReader, ViolationsService } from '@lib/telematics';
import type { TrackSummary, WaybillEntity } from '../waybill.entity.js';
import { WaybillRepository } from '../waybill.repository.js';
import { WaybillTransitions } from '../states/waybill-transitions.service.js';

/**
 * Matching the trip to the facility passages the geofence engine reported (fix → engine →
 * passages, stored with the fix's violations → waybill.progress): leaving the loading facility's
 * fence departs the waybill, entering the unloading facility's fence makes it arrive (with the
 * trip's track summary). NOT_DEPARTED, driven by the planned departure rather than by fixes, is
 * raised here once; WRONG_DESTINATION is the engine's.
 */
@Injectable()
export class WaybillTracking {
  private readonly log = new Logger('WaybillTracking');

  constructor(
    private readonly waybills: WaybillRepository,
    private readonly transitions: WaybillTransitions,
    private readonly track: TrackReader,
    private readonly passages: FacilityPassages,
    private readonly registry: RegistryLookup,
    private readonly violations: ViolationsService,
    private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.WaybillProgress)
  async progress(job: Job<JobName.WaybillProgress>): Promise<void> {
    try {
      await this.follow(job.data.waybillId);
    } catch (err) {
      // Another job or the carrier moved the waybill first: the next look starts from there.
      if (err instanceof Conflict && err.code === 'INVALID_STATE') return;
      throw err;
    }
  }

  @JobHandler(JobName.WaybillSweep)
  async sweep(_job: Job<JobName.WaybillSweep>): Promise<void> {
    const now = Date.now();
    for (const w of await this.waybills.notDeparted(new Date(now - this.config.waybill.notDepartedAfterMs))) {
      if (w.status === 'loaded' || w.status === 'submitted') {
        const items = await this.waybills.items(w.id);
        await this.violations.raise({
          kind: 'opened',
          vehicleId: w.vehicleId,
          rule: 'NOT_DEPARTED',
          targetId: w.id,
          severity: 'medium',
          openedAt: w.plannedDeparture.getTime(),
          at: now,
          point: await this.lastPoint(w, now),
          waybillId: w.id,
          chemicalIds: [...new Set(items.map((i) => i.chemicalId))],
          detail: { number: w.number, plannedDeparture: w.plannedDeparture.toISOString(), status: w.status },
        });
      }
    }
    // Catch up on whatever a lost progress job missed (the passages are durable rows); one
    // waybill's trouble does not stop the rest.
    for (const status of ['loaded', 'in_transit']) {
      for (const w of await this.waybills.list({ status, after: null, limit: 10_000 })) {
        await this.follow(w.id).catch((err: Error) =>
          this.log.warn({ waybill: w.number, err: err.message }, 'matching the track failed'),
        );
      }
    }
  }

  private async lastPoint(
    w: WaybillEntity,
    now: number,
  ): Promise<{ ts: number; lon: number; lat: number; speedKmh: number }> {
    const loading = (await this.registry.facilityMap([w.loadingFacilityId])).get(w.loadingFacilityId);
    const g = loading?.geometry as { type: string; coordinates: unknown } | undefined;
    const [lon, lat] =
      g?.type === 'Point'
        ? (g.coordinates as [number, number])
        : loading
          ? [(loading.bbox[0] + loading.bbox[2]) / 2, (loading.bbox[1] + loading.bbox[3]) / 2]
          : [0, 0];
    return { ts: now, lon, lat, speedKmh: 0 };
  }

  /**
   * Moves the waybill on the facility passages the geofence engine reported under it since its
   * loading (the evaluator stores them with the fix's violations). The trip's passages are walked
   * in order from the start, keeping whether the vehicle is inside the unloading facility's fence:
   * leaving the loading facility departs the trip, and arrives it at that same instant when the
   * vehicle is then inside the unloading fence (neighbouring plants whose fences overlap);
   * otherwise entering the unloading facility after departing arrives it. A round trip (one
   * facility at both ends) departs on leaving it and arrives on entering it again. Nothing
   * arrives before it departs, so an unloading fence covering the loading bay does not end the
   * trip there. The walk starts from the trip's beginning each time, and the waybill's own status
   * decides which steps are still due: a replay, a re-run or the carrier's own report moves
   * nothing twice.
   */
  async follow(waybillId: string): Promise<void> {
    let w = await this.waybills.findById(waybillId);
    if (!w || !['loaded', 'in_transit'].includes(w.status)) return;
    const passages = await this.passages.ofTrip(w.vehicleId, w.id, w.loadedAt ?? w.createdAt);
    let departAt: Date | null = null;
    let arriveAt: Date | null = null;
    let inUnloading = false;
    for (const p of passages) {
      if (p.facilityId === w.unloadingFacilityId) inUnloading = p.kind === 'entered';
      if (departAt === null) {
        if (p.kind !== 'left' || p.facilityId !== w.loadingFacilityId) continue;
        departAt = p.ts;
        if (!inUnloading) continue;
      } else if (p.kind !== 'entered' || p.facilityId !== w.unloadingFacilityId) continue;
      arriveAt = p.ts;
      break;
    }
    if (departAt !== null && w.status === 'loaded') {
      await this.transitions.depart(w.id, departAt, null);
      w = { ...w, status: 'in_transit', departedAt: departAt };
    }
    if (arriveAt !== null && w.status === 'in_transit') {
      await this.transitions.arrive(w.id, arriveAt, null, await this.summary(w, arriveAt));
    }
  }

  /**
   * Distance, duration, time off the route and the violations of the trip. It reads the trip's
   * track once, at arrival: that is the trip's report, not the alert path (departure and arrival
   * themselves come from the engine's passages).
   */
  private async summary(w: WaybillEntity, arrivedAt: Date): Promise<TrackSummary> {
    const from = w.departedAt ?? w.loadedAt!;
    const fixes = await this.track.usable(w.vehicleId, from, new Date(arrivedAt.getTime() + 1));
    let distanceM = 0;
    for (let i = 1; i < fixes.length; i++) {
      const a = fixes[i - 1]!;
      const b = fixes[i]!;
      distanceM += haversineM(a.lon, a.lat, b.lon, b.lat);
    }
    const violations = await this.violations.forWindow(
      w.vehicleId,
      new Date(from.getTime() - 3600_000),
      new Date(arrivedAt.getTime() + 1),
    );
    const inTrip = violations.filter((v) => (v.closedAt ?? arrivedAt) >= from);
    const minutes = (arrivedAt.getTime() - from.getTime()) / 60_000;
    const offRouteMinutes = inTrip
      .filter((v) => v.rule === 'ROUTE_DEVIATION')
      .reduce(
        (sum, v) =>
          sum +
          (Math.min((v.closedAt ?? arrivedAt).getTime(), arrivedAt.getTime()) -
            Math.max(v.openedAt.getTime(), from.getTime())) /
            60_000,
        0,
      );
    const byRule: Record<string, number> = {};
    for (const v of inTrip) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
    this.log.debug({ waybill: w.number, fixes: fixes.length }, 'trip summarised');
    return {
      distanceM: Math.round(distanceM),
      fixes: fixes.length,
      minutes: Math.round(minutes * 10) / 10,
      offRouteMinutes: Math.round(offRouteMinutes * 10) / 10,
      onRouteMinutes: Math.round((minutes - offRouteMinutes) * 10) / 10,
      violations: byRule,
    };
  }
}
