import { Injectable } from '@nestjs/common';
import { length as turfLength, lineString } from '@turf/turf';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import {
  bbox,
  Conflict,
  Database,
  flattenValidationErrors,
  gcj02ToWgs84,
  type Geometry,
  geometryFromGcj02,
  type LineStringGeometry,
  type MultiPolygonGeometry,
  normaliseGeometry,
  NotFound,
  type Page,
  pageById,
  type PolygonGeometry,
  type Principal,
  type ProblemItem,
  RulesViolated,
  shanghaiParts,
  uuid7,
  validateGeometry,
  ValidationFailed,
} from '@lib/platform';
import {
  CreateRouteDto,
  CreateZoneDto,
  type FeatureCollectionDto,
  type FenceQuery,
  type HoursDto,
  type RouteView,
  type ZoneView,
} from './fences.dto.js';
import type { RouteEntity, ZoneEntity } from './fence.entity.js';
import { FencesRepository } from './fences.repository.js';

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const toHhmm = (m: number): string =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const hours = (h: Array<[number, number]>): HoursDto[] => h.map(([f, t]) => ({ from: toHhmm(f), to: toHhmm(t) }));

/** Is a local-time window list in force at an instant (windows that end before they start wrap midnight)? */
export function inWindows(windows: Array<[number, number]>, weekdays: number[], at: Date): boolean {
  const { minuteOfDay, weekday } = shanghaiParts(at);
  if (weekdays.length && !weekdays.includes(weekday)) return false;
  if (windows.length === 0) return true;
  return windows.some(([from, to]) =>
    from <= to ? minuteOfDay >= from && minuteOfDay < to : minuteOfDay >= from || minuteOfDay < to,
  );
}

export function toRouteView(r: RouteEntity): RouteView {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    geometry: r.geometry as unknown as Record<string, unknown>,
    halfWidthM: r.halfWidthM,
    hazardClasses: r.hazardClasses,
    chemicalIds: r.chemicalIds,
    validFrom: r.validFrom,
    validTo: r.validTo,
    allowedHours: hours(r.allowedHours),
    speedLimitKmh: r.speedLimitKmh,
    roadClass: r.roadClass,
    tunnels: r.tunnels,
    lengthM: Math.round(r.lengthM),
    approvedAt: r.approvedAt?.toISOString() ?? null,
  };
}

export function toZoneView(z: ZoneEntity, now = new Date()): ZoneView {
  return {
    id: z.id,
    name: z.name,
    kind: z.kind,
    status: z.status,
    geometry: z.geometry as unknown as Record<string, unknown>,
    hazardClasses: z.hazardClasses,
    schedule: z.schedule ? { hours: hours(z.schedule.minutes), weekdays: z.schedule.weekdays } : null,
    exemptVehicleIds: z.exemptVehicleIds,
    speedLimitKmh: z.speedLimitKmh,
    activeNow: !z.schedule || inWindows(z.schedule.minutes, z.schedule.weekdays, now),
    approvedAt: z.approvedAt?.toISOString() ?? null,
  };
}

/**
 * Permitted routes and zones of the transport bureau: drafted (transport or admin), approved by
 * transport only, retired; only approved ones are enforced. GeoJSON in GCJ-02 is converted to
 * WGS-84 on the way in.
 */
@Injectable()
export class FencesService {
  constructor(
    private readonly fences: FencesRepository,
    private readonly db: Database,
  ) {}

  private geometry<G extends Geometry>(
    value: unknown,
    allowed: Geometry['type'][],
    crs: 'wgs84' | 'gcj02',
    path: string,
  ): G {
    const first = validateGeometry(value, allowed, path);
    if (first.length) throw new ValidationFailed(first);
    const wgs = crs === 'gcj02' ? geometryFromGcj02(value as G) : (value as G);
    return normaliseGeometry(wgs);
  }

  private buildRoute(dto: CreateRouteDto, crs: 'wgs84' | 'gcj02', by: Principal, path = 'geometry'): RouteEntity {
    const geometry = this.geometry<LineStringGeometry>(dto.geometry, ['LineString'], crs, path);
    const problems: ProblemItem[] = [];
    if (dto.validTo < dto.validFrom)
      problems.push({ path: 'validTo', rule: 'ROUTE_DATES', message: 'validTo must not be before validFrom' });
    if (problems.length) throw new RulesViolated(problems);
    const [minLon, minLat, maxLon, maxLat] = bbox(geometry);
    const now = new Date();
    return {
      id: uuid7(),
      name: dto.name.trim(),
      status: 'draft',
      geometry,
      halfWidthM: dto.halfWidthM ?? 50,
      hazardClasses: [...new Set(dto.hazardClasses)],
      chemicalIds: [...new Set(dto.chemicalIds ?? [])],
      validFrom: dto.validFrom,
      validTo: dto.validTo,
      allowedHours: (dto.allowedHours ?? []).map((h) => [toMinutes(h.from), toMinutes(h.to)] as [number, number]),
      speedLimitKmh: dto.speedLimitKmh ?? null,
      roadClass: dto.roadClass ?? 'other',
      tunnels: (dto.tunnels ?? []).map((t) => ({
        name: t.name,
        category: t.category,
        ...(t.at ? { at: crs === 'gcj02' ? gcj02ToWgs84(t.at) : t.at } : {}),
      })),
      lengthM: turfLength(lineString(geometry.coordinates), { units: 'kilometers' }) * 1000,
      minLon,
      minLat,
      maxLon,
      maxLat,
      createdBy: by.keyId,
      approvedBy: null,
      approvedAt: null,
      retiredAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  private buildZone(dto: CreateZoneDto, crs: 'wgs84' | 'gcj02', by: Principal, path = 'geometry'): ZoneEntity {
    const geometry = this.geometry<PolygonGeometry | MultiPolygonGeometry>(
      dto.geometry,
      ['Polygon', 'MultiPolygon'],
      crs,
      path,
    );
    const [minLon, minLat, maxLon, maxLat] = bbox(geometry);
    const now = new Date();
    return {
      id: uuid7(),
      name: dto.name.trim(),
      kind: dto.kind,
      status: 'draft',
      geometry,
      hazardClasses: [...new Set(dto.hazardClasses ?? [])],
      schedule: dto.schedule
        ? {
            minutes: dto.schedule.hours.map((h) => [toMinutes(h.from), toMinutes(h.to)] as [number, number]),
            weekdays: [...new Set(dto.schedule.weekdays ?? [])].sort(),
          }
        : null,
      exemptVehicleIds: [...new Set(dto.exemptVehicleIds ?? [])],
      speedLimitKmh: dto.speedLimitKmh ?? null,
      minLon,
      minLat,
      maxLon,
      maxLat,
      createdBy: by.keyId,
      approvedBy: null,
      approvedAt: null,
      retiredAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  async createRoute(dto: CreateRouteDto, crs: 'wgs84' | 'gcj02', by: Principal): Promise<RouteView> {
    const route = this.buildRoute(dto, crs, by);
    await this.fences.insertRoutes([route]);
    return toRouteView(route);
  }

  async createZone(dto: CreateZoneDto, crs: 'wgs84' | 'gcj02', by: Principal): Promise<ZoneView> {
    const zone = this.buildZone(dto, crs, by);
    await this.fences.insertZones([zone]);
    return toZoneView(zone);
  }

  /** Imports a FeatureCollection as drafts, all or nothing; every bad feature is listed. */
  async import(
    kind: 'routes' | 'zones',
    fc: FeatureCollectionDto,
    crs: 'wgs84' | 'gcj02',
    by: Principal,
  ): Promise<RouteView[] | ZoneView[]> {
    const problems: ProblemItem[] = [];
    const routes: RouteEntity[] = [];
    const zones: ZoneEntity[] = [];
    for (const [i, feature] of fc.features.entries()) {
      const body = { ...(feature.properties as Record<string, unknown> | null), geometry: feature.geometry };
      const dto: object =
        kind === 'routes' ? plainToInstance(CreateRouteDto, body) : plainToInstance(CreateZoneDto, body);
      const errors = flattenValidationErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
      if (errors.length) {
        problems.push(
          ...errors.map((e) => ({
            ...e,
            path: `features[${i}].${e.path === 'geometry' ? 'geometry' : `properties.${e.path}`}`,
          })),
        );
        continue;
      }
      try {
        if (kind === 'routes') routes.push(this.buildRoute(dto as CreateRouteDto, crs, by, `features[${i}].geometry`));
        else zones.push(this.buildZone(dto as CreateZoneDto, crs, by, `features[${i}].geometry`));
      } catch (err) {
        if (err instanceof ValidationFailed || err instanceof RulesViolated) {
          problems.push(
            ...((err.extensions.errors as ProblemItem[]) ?? []).map((e) => ({
              ...e,
              path: e.path.startsWith('features') ? e.path : `features[${i}].${e.path}`,
            })),
          );
        } else throw err;
      }
    }
    if (problems.length) throw new ValidationFailed(problems);
    await this.db.transaction(async () => {
      await this.fences.insertRoutes(routes);
      await this.fences.insertZones(zones);
    });
    return kind === 'routes' ? routes.map(toRouteView) : zones.map((z) => toZoneView(z));
  }

  async export(
    kind: 'routes' | 'zones',
    status: FenceQuery['status'],
  ): Promise<{ type: 'FeatureCollection'; features: unknown[] }> {
    const features: unknown[] = [];
    let after: string | null = null;
    for (;;) {
      const rows: Array<RouteEntity | ZoneEntity> =
        kind === 'routes'
          ? await this.fences.listRoutes({ status, after, limit: 500 })
          : await this.fences.listZones({ status, after, limit: 500 });
      for (const r of rows) {
        const view = kind === 'routes' ? toRouteView(r as RouteEntity) : toZoneView(r as ZoneEntity);
        const { geometry, ...properties } = view;
        features.push({ type: 'Feature', id: r.id, geometry, properties });
      }
      if (rows.length < 500) break;
      after = rows[rows.length - 1]!.id;
    }
    return { type: 'FeatureCollection', features };
  }

  async getRoute(id: string): Promise<RouteView> {
    const r = await this.fences.route(id);
    if (!r) throw new NotFound('route', id);
    return toRouteView(r);
  }

  async getZone(id: string): Promise<ZoneView> {
    const z = await this.fences.zone(id);
    if (!z) throw new NotFound('zone', id);
    return toZoneView(z);
  }

  async listRoutes(q: FenceQuery, principal: Principal): Promise<Page<RouteView>> {
    // Enterprises see the routes in force; the bureau and admin see drafts too.
    const status = principal.kind === 'enterprise' ? 'approved' : q.status;
    const page = await pageById(q, (window) =>
      this.fences.listRoutes({
        status,
        ...window,
      }),
    );
    return { items: page.items.map(toRouteView), nextCursor: page.nextCursor };
  }

  async listZones(q: FenceQuery, principal: Principal): Promise<Page<ZoneView>> {
    const status = principal.kind === 'enterprise' ? 'approved' : q.status;
    const page = await pageById(q, (window) =>
      this.fences.listZones({
        status,
        kind: q.kind,
        ...window,
      }),
    );
    const now = new Date();
    return { items: page.items.map((z) => toZoneView(z, now)), nextCursor: page.nextCursor };
  }

  /** draft → approved (transport only, enforced by the route), approved or draft → retired. */
  async transition(
    kind: 'route' | 'zone',
    id: string,
    to: 'approved' | 'retired',
    by: Principal,
  ): Promise<RouteView | ZoneView> {
    return this.db.transaction(async () => {
      const current = kind === 'route' ? await this.fences.route(id) : await this.fences.zone(id);
      if (!current) throw new NotFound(kind, id);
      const allowed = to === 'approved' ? ['draft'] : ['draft', 'approved'];
      if (!allowed.includes(current.status))
        throw new Conflict('INVALID_STATE', `the ${kind} is ${current.status}; it cannot become ${to}`, {
          state: current.status,
        });
      const now = new Date();
      const patch =
        to === 'approved' ? { status: to, approvedBy: by.keyId, approvedAt: now } : { status: to, retiredAt: now };
      if (kind === 'route') await this.fences.updateRoute(id, patch);
      else await this.fences.updateZone(id, patch);
      await this.fences.bumpVersion();
      return kind === 'route' ? this.getRoute(id) : this.getZone(id);
    });
  }
}
