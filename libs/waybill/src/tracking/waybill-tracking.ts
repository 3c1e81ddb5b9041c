import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, Conflict, haversineM, type Job, JobHandler, JobName } from '@lib/platform';
import { type FacilityView, RegistryLookup } from '@lib/registry';
import { type StoredFix, TrackReader, ViolationsService } from '@lib/telematics';
import type { TrackSummary, WaybillEntity } from '../waybill.entity.js';
import { WaybillRepository } from '../waybill.repository.js';
import { WaybillTransitions } from '../states/waybill-transitions.service.js';
import { insideFence } from './fence.js';

const STOP_KMH = 5;
const FACILITIES_TTL_MS = 60_000;

/**
 * Matching the track to the trip (through the evaluated fixes the geofence pipeline stored):
 * leaving the loading facility's fence departs the waybill, entering the unloading facility's
 * fence makes it arrive (with the trip's track summary). NOT_DEPARTED and WRONG_DESTINATION are
 * raised as violations once each.
 */
@Injectable()
export class WaybillTracking {
  private readonly log = new Logger('WaybillTracking');
  private facilities: { at: number; list: FacilityView[] } | null = null;

  constructor(
    private readonly waybills: WaybillRepository,
    private readonly transitions: WaybillTransitions,
    private readonly track: TrackReader,
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
    // Catch up on whatever a lost progress job missed; one waybill's trouble does not stop the rest.
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

  private async registered(): Promise<FacilityView[]> {
    if (!this.facilities || Date.now() - this.facilities.at > FACILITIES_TTL_MS)
      this.facilities = { at: Date.now(), list: await this.registry.activeFacilities() };
    return this.facilities.list;
  }

  /** Reads the fixes since the last look and moves the waybill on what they show. */
  async follow(waybillId: string): Promise<void> {
    let w = await this.waybills.findById(waybillId);
    if (!w || !['loaded', 'in_transit'].includes(w.status)) return;
    const facilities = await this.registry.facilityMap([w.loadingFacilityId, w.unloadingFacilityId]);
    const loading = facilities.get(w.loadingFacilityId)!;
    const unloading = facilities.get(w.unloadingFacilityId)!;
    const since = w.progressTs ?? w.loadedAt ?? w.createdAt;
    const fixes = await this.track.usable(
      w.vehicleId,
      new Date(since.getTime() + 1),
      new Date(Date.now() + 5 * 60_000),
    );
    if (fixes.length === 0) return;
    for (const f of fixes) {
      if (w.status === 'loaded' && !insideFence(f.lon, f.lat, loading)) {
        await this.transitions.depart(w.id, f.ts, null);
        w = { ...w, status: 'in_transit', departedAt: f.ts };
      } else if (w.status === 'in_transit' && insideFence(f.lon, f.lat, unloading)) {
        await this.transitions.arrive(w.id, f.ts, null, await this.summary(w, f.ts));
        w = { ...w, status: 'arrived', arrivedAt: f.ts };
        break;
      }
    }
    if (w.status === 'in_transit') await this.wrongDestination(w, fixes, loading, unloading);
    await this.waybills.update(w.id, { progressTs: fixes[fixes.length - 1]!.ts });
  }

  /** A loaded vehicle stopped over 20 minutes inside a registered facility that is neither end of the trip. */
  private async wrongDestination(
    w: WaybillEntity,
    fixes: StoredFix[],
    loading: FacilityView,
    unloading: FacilityView,
  ): Promise<void> {
    const since = w.progressTs ?? w.departedAt ?? w.loadedAt!;
    const window = await this.track.usable(
      w.vehicleId,
      new Date(since.getTime() - this.config.waybill.wrongStopMs - 60_000),
      fixes[fixes.length - 1]!.ts,
    );
    const others = (await this.registered()).filter((f) => f.id !== loading.id && f.id !== unloading.id);
    let stopStart: StoredFix | null = null;
    let stopAt: FacilityView | null = null;
    for (const f of window) {
      const here =
        f.speedKmh < STOP_KMH
          ? (others.find(
              (o) => f.lon >= o.bbox[0] - 0.05 && f.lon <= o.bbox[2] + 0.05 && insideFence(f.lon, f.lat, o),
            ) ?? null)
          : null;
      if (!here || (stopAt && here.id !== stopAt.id)) {
        stopStart = here ? f : null;
        stopAt = here;
        continue;
      }
      if (!stopStart) {
        stopStart = f;
        stopAt = here;
      }
      if (f.ts.getTime() - stopStart.ts.getTime() >= this.config.waybill.wrongStopMs) {
        const items = await this.waybills.items(w.id);
        await this.violations.raise({
          kind: 'opened',
          vehicleId: w.vehicleId,
          rule: 'WRONG_DESTINATION',
          targetId: here.id,
          severity: 'high',
          openedAt: stopStart.ts.getTime(),
          at: f.ts.getTime(),
          point: { ts: f.ts.getTime(), lon: f.lon, lat: f.lat, speedKmh: f.speedKmh },
          waybillId: w.id,
          chemicalIds: [...new Set(items.map((i) => i.chemicalId))],
          detail: {
            number: w.number,
            facility: here.name,
            stoppedMinutes: Math.round((f.ts.getTime() - stopStart.ts.getTime()) / 60_000),
          },
        });
        return;
      }
    }
  }

  /** Distance, duration, time off the route and the violations of the trip. */
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
