import { Injectable, Logger } from '@nestjs/common';
import { GeofenceEngine, type World } from '@lib/geofence';
import { AppConfig } from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import type { RouteEntity, ZoneEntity } from '../fences/fence.entity.js';
import { FencesRepository } from '../fences/fences.repository.js';

/** How often the evaluator asks whether the fences changed, and how long it keeps facilities. */
const VERSION_CHECK_MS = 1000;
const FACILITIES_TTL_MS = 5 * 60_000;

export function toWorld(
  routes: RouteEntity[],
  zones: ZoneEntity[],
  facilities: Awaited<ReturnType<RegistryLookup['activeFacilities']>>,
): World {
  return {
    routes: routes.map((r) => ({
      id: r.id,
      coordinates: r.geometry.coordinates,
      halfWidthM: r.halfWidthM,
      speedLimitKmh: r.speedLimitKmh,
      expressway: r.roadClass === 'expressway',
    })),
    zones: zones.map((z) => ({
      id: z.id,
      kind: z.kind,
      polygons: z.geometry.type === 'Polygon' ? [z.geometry.coordinates] : z.geometry.coordinates,
      hazardClasses: z.hazardClasses,
      schedule: z.schedule
        ? {
            minutes: z.schedule.minutes,
            weekdays: z.schedule.weekdays.length ? z.schedule.weekdays : [1, 2, 3, 4, 5, 6, 7],
          }
        : null,
      exemptVehicleIds: z.exemptVehicleIds,
      speedLimitKmh: z.speedLimitKmh,
    })),
    facilities: facilities.map((f) => {
      const g = f.geometry as { type: string; coordinates: unknown };
      return g.type === 'Point'
        ? { id: f.id, polygon: null, point: g.coordinates as [number, number], radiusM: f.fenceRadiusM }
        : { id: f.id, polygon: g.coordinates as Array<Array<[number, number]>>, point: null, radiusM: f.fenceRadiusM };
    }),
  };
}

/**
 * The engine over what is enforced now: approved routes and zones, and registered facilities.
 * Rebuilt when the fences' version changes (approval, retirement) and every few minutes for
 * facilities; building takes milliseconds.
 */
@Injectable()
export class WorldService {
  private readonly log = new Logger('World');
  private engine: GeofenceEngine | null = null;
  private version = -1;
  private checkedAt = 0;
  private builtAt = 0;
  private building: Promise<GeofenceEngine> | null = null;
  /** Route, zone and facility names by id, from the same read the engine was built from (alerts name their target). */
  private names = new Map<string, string>();

  constructor(
    private readonly fences: FencesRepository,
    private readonly registry: RegistryLookup,
    private readonly config: AppConfig,
  ) {}

  async current(): Promise<GeofenceEngine> {
    const now = Date.now();
    if (this.engine && now - this.checkedAt < VERSION_CHECK_MS && now - this.builtAt < FACILITIES_TTL_MS)
      return this.engine;
    this.building ??= this.refresh(now).finally(() => (this.building = null));
    return this.building;
  }

  /** The names of these routes, zones or facilities as the current engine knows them; unknown ids are absent. */
  async namesOf(ids: Array<string | null>): Promise<Map<string, string>> {
    await this.current();
    const out = new Map<string, string>();
    for (const id of ids) {
      const name = id ? this.names.get(id) : undefined;
      if (id && name !== undefined) out.set(id, name);
    }
    return out;
  }

  /** Forget the engine (tests change fences and want the next batch to see them at once). */
  invalidate(): void {
    this.checkedAt = 0;
    this.version = -1;
  }

  private async refresh(now: number): Promise<GeofenceEngine> {
    const version = await this.fences.version();
    this.checkedAt = now;
    if (this.engine && version === this.version && now - this.builtAt < FACILITIES_TTL_MS) return this.engine;
    const [{ routes, zones }, facilities] = await Promise.all([
      this.fences.approved(),
      this.registry.activeFacilities(),
    ]);
    const started = performance.now();
    // Duplicates are recognised by the evaluator (fresh flag, look-ahead set); the engine's own
    // memory of recent fixes only needs to cover a replay after a takeover, so keep it short: it
    // is checkpointed with every vehicle's state.
    this.engine = new GeofenceEngine(toWorld(routes, zones, facilities), {
      recentWindowMs: 120_000,
      clockToleranceMs: this.config.telematics.clockToleranceMs,
      wrongStopSeconds: this.config.waybill.wrongStopMs / 1000,
    });
    this.names = new Map([...routes, ...zones, ...facilities].map((x) => [x.id, x.name]));
    this.version = version;
    this.builtAt = now;
    this.log.log(
      {
        routes: routes.length,
        zones: zones.length,
        facilities: facilities.length,
        ms: Math.round(performance.now() - started),
        version,
      },
      'geofence engine built',
    );
    return this.engine;
  }
}
