import { Injectable } from '@nestjs/common';
import {
  bbox,
  Database,
  type Filing,
  type FilingDecision,
  type FilingHandler,
  FilingKind,
  HandlesFiling,
  normaliseGeometry,
  NotFound,
  type Page,
  pageById,
  type PointGeometry,
  type PolygonGeometry,
  type Principal,
  type ProblemItem,
  RulesViolated,
  uuid7,
  validateGeometry,
  ValidationFailed,
} from '@lib/platform';
import { assertReadable, assertWritable, ownerFilter } from '../access.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { ClaimFiler, type GatedGroup, splitChange } from '../gating.js';
import { CERTIFICATE_ISSUERS } from '../issuers.js';
import type {
  CreateFacilityDto,
  FacilityQuery,
  FacilityView,
  ProcessConditionsDto,
  UpdateFacilityDto,
} from './facility.dto.js';
import type { Capacity, FacilityEntity, ProcessConditions } from './facility.entity.js';
import { FacilityRepository } from './facility.repository.js';

export function toFacilityView(f: FacilityEntity): FacilityView {
  return {
    id: f.id,
    enterpriseId: f.enterpriseId,
    name: f.name,
    kind: f.kind,
    hazardUnitKind: f.hazardUnitKind,
    geometry: f.geometry as unknown as Record<string, unknown>,
    fenceRadiusM: f.fenceRadiusM,
    bbox: [f.minLon, f.minLat, f.maxLon, f.maxLat],
    district: f.district,
    address: f.address,
    province: f.province ?? null,
    capacities: f.capacities,
    peopleWithin500m: f.peopleWithin500m,
    processConditions: f.processConditions ?? {},
    status: f.status,
  };
}

/**
 * A facility's siting and design decide district restrictions (禁限控), arrivals and departures,
 * capacity and its GB 18218 grade: emergency management confirms them. Name and address are the
 * enterprise's; so is closing a facility, not reopening one.
 */
const SITING: GatedGroup<FacilityEntity> = {
  kind: FilingKind.FacilitySiting,
  agency: CERTIFICATE_ISSUERS.facility_siting.agency,
  fields: [
    'kind',
    'hazardUnitKind',
    'geometry',
    'minLon',
    'minLat',
    'maxLon',
    'maxLat',
    'fenceRadiusM',
    'district',
    'province',
    'capacities',
    'peopleWithin500m',
    'processConditions',
    'status',
  ],
  label: CERTIFICATE_ISSUERS.facility_siting.nameZh,
};

@Injectable()
export class FacilityService {
  constructor(
    private readonly db: Database,
    private readonly facilities: FacilityRepository,
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
    private readonly claims: ClaimFiler,
  ) {}

  private geometry(value: unknown): PointGeometry | PolygonGeometry {
    const problems = validateGeometry(value, ['Point', 'Polygon']);
    if (problems.length) throw new ValidationFailed(problems);
    return normaliseGeometry(value as PointGeometry | PolygonGeometry);
  }

  private async capacityProblems(capacities: Capacity[]): Promise<ProblemItem[]> {
    const ids = capacities.flatMap((c) => (c.chemicalId ? [c.chemicalId] : []));
    const known = new Set((await this.chemicals.findByIds(ids)).map((c) => c.id));
    const problems: ProblemItem[] = [];
    const seen = new Set<string>();
    capacities.forEach((c, i) => {
      if (c.chemicalId && c.unClass)
        problems.push({
          path: `capacities[${i}]`,
          rule: 'CAPACITY_TARGET',
          message: 'give chemicalId or unClass, not both',
        });
      if (c.chemicalId && !known.has(c.chemicalId))
        problems.push({
          path: `capacities[${i}].chemicalId`,
          rule: 'REFERENCE_NOT_FOUND',
          message: `chemical ${c.chemicalId} is not in the catalogue`,
        });
      const key = c.chemicalId ?? `class:${c.unClass}`;
      if (seen.has(key))
        problems.push({
          path: `capacities[${i}]`,
          rule: 'CAPACITY_DUPLICATE',
          message: `capacity for ${key} is given twice`,
        });
      seen.add(key);
    });
    return problems;
  }

  async create(dto: CreateFacilityDto, principal: Principal): Promise<FacilityView> {
    const enterpriseId =
      principal.kind === 'enterprise' ? (dto.enterpriseId ?? principal.enterpriseId) : dto.enterpriseId;
    if (!enterpriseId)
      throw new RulesViolated([{ path: 'enterpriseId', rule: 'required', message: 'enterpriseId is required' }]);
    assertWritable(principal, enterpriseId, 'enterprise', enterpriseId);
    const geometry = this.geometry(dto.geometry);
    if (!(await this.enterprises.findById(enterpriseId))) {
      throw new RulesViolated([
        { path: 'enterpriseId', rule: 'REFERENCE_NOT_FOUND', message: `enterprise ${enterpriseId} does not exist` },
      ]);
    }
    const capacities = (dto.capacities ?? []).map((c) => ({
      ...(c.chemicalId ? { chemicalId: c.chemicalId } : { unClass: c.unClass }),
      maxKg: c.maxKg,
    }));
    const problems = await this.capacityProblems(capacities);
    if (problems.length) throw new RulesViolated(problems);
    const [minLon, minLat, maxLon, maxLat] = bbox(geometry);
    const now = new Date();
    const entity: FacilityEntity = {
      id: uuid7(),
      enterpriseId,
      name: dto.name.trim(),
      kind: dto.kind,
      hazardUnitKind: dto.hazardUnitKind ?? (dto.kind === 'storage' ? 'storage_unit' : 'production_unit'),
      geometry,
      fenceRadiusM: dto.fenceRadiusM ?? (geometry.type === 'Point' ? 200 : 50),
      minLon,
      minLat,
      maxLon,
      maxLat,
      district: dto.district,
      address: dto.address.trim(),
      province: dto.province ?? null,
      capacities,
      peopleWithin500m: dto.peopleWithin500m ?? 0,
      processConditions: processConditions(dto.processConditions),
      // Registered by its enterprise, it counts for nothing until emergency management confirms its siting.
      status: principal.kind === 'enterprise' ? 'pending' : 'active',
      createdAt: now,
      updatedAt: now,
    };
    await this.db.transaction(async () => {
      await this.facilities.insert(entity);
      if (entity.status === 'pending') {
        const proposed = { ...pick(entity, SITING.fields), status: 'active' as const };
        await this.claims.file(
          [{ group: SITING, proposed, current: { status: 'pending' } }],
          entity,
          this.subject(entity),
          principal,
        );
      }
    });
    return this.get(entity.id, principal);
  }

  private subject(f: FacilityEntity) {
    return { type: 'facility', id: f.id, enterpriseId: f.enterpriseId, name: f.name };
  }

  async list(q: FacilityQuery, principal: Principal): Promise<Page<FacilityView>> {
    const own = ownerFilter(principal);
    if (own && q.enterpriseId && q.enterpriseId !== own) return { items: [], nextCursor: null };
    const page = await pageById(q, (window) =>
      this.facilities.list({
        enterpriseId: own ?? q.enterpriseId,
        kind: q.kind,
        district: q.district,
        bbox: q.bbox?.split(',').map(Number),
        ...window,
      }),
    );
    const pending = await this.claims.pendingBySubject(page.items.map((f) => f.id));
    return {
      items: page.items.map((f) => ({ ...toFacilityView(f), pendingChanges: pending.get(f.id) ?? [] })),
      nextCursor: page.nextCursor,
    };
  }

  async get(id: string, principal: Principal): Promise<FacilityView> {
    const f = await this.facilities.findById(id);
    if (!f) throw new NotFound('facility', id);
    assertReadable(principal, f.enterpriseId, 'facility', id);
    const pending = await this.claims.pendingBySubject([id]);
    return { ...toFacilityView(f), pendingChanges: pending.get(id) ?? [] };
  }

  /**
   * Changes a facility. The enterprise's change of its siting or design is filed for emergency
   * management (202) and the confirmed values rule meanwhile; emergency management or admin write
   * them directly.
   */
  async update(
    id: string,
    dto: UpdateFacilityDto,
    principal: Principal,
  ): Promise<{ view: FacilityView; filed: boolean }> {
    const patch: Partial<FacilityEntity> = {};
    if (dto.geometry) {
      const geometry = this.geometry(dto.geometry);
      const [minLon, minLat, maxLon, maxLat] = bbox(geometry);
      Object.assign(patch, { geometry, minLon, minLat, maxLon, maxLat });
    }
    if (dto.capacities) {
      const capacities = dto.capacities.map((c) => ({
        ...(c.chemicalId ? { chemicalId: c.chemicalId } : { unClass: c.unClass }),
        maxKg: c.maxKg,
      }));
      const problems = await this.capacityProblems(capacities);
      if (problems.length) throw new RulesViolated(problems);
      patch.capacities = capacities;
    }
    if (dto.processConditions) patch.processConditions = processConditions(dto.processConditions);
    for (const k of [
      'name',
      'kind',
      'hazardUnitKind',
      'fenceRadiusM',
      'district',
      'province',
      'address',
      'peopleWithin500m',
      'status',
    ] as const) {
      if (dto[k] !== undefined) Object.assign(patch, { [k]: k === 'name' || k === 'address' ? dto[k].trim() : dto[k] });
    }
    const filed = await this.db.transaction(async () => {
      const f = await this.facilities.findForUpdate(id);
      if (!f) throw new NotFound('facility', id);
      if (principal.kind === 'agency') {
        if (principal.agency !== SITING.agency) throw new NotFound('facility', id);
      } else assertWritable(principal, f.enterpriseId, 'facility', id);
      const merged: FacilityEntity = { ...f, ...patch };
      const closes = merged.status === 'closed' && principal.kind === 'enterprise';
      const split = splitChange(
        principal,
        f,
        merged,
        [{ ...SITING, fields: SITING.fields.filter((x) => !(x === 'status' && closes)) }],
        ['name', 'address', ...(closes ? (['status'] as const) : [])],
      );
      return this.claims.apply(split, f, this.subject(f), principal, dto.reason ?? null, (change) =>
        this.facilities.update(id, change),
      );
    });
    return { view: await this.get(id, principal), filed };
  }

  /** Applies a confirmed siting (the filing's handler). */
  async applyConfirmed(id: string, proposed: Partial<FacilityEntity>): Promise<Record<string, unknown>> {
    const f = await this.facilities.findForUpdate(id);
    if (!f) throw new NotFound('facility', id);
    await this.facilities.update(id, proposed);
    return { facilityId: id, applied: Object.keys(proposed) };
  }
}

/** Only the fields given, so that an unchanged set compares equal (a claim is filed only for a change). */
function processConditions(dto: ProcessConditionsDto | undefined): ProcessConditions {
  if (!dto) return {};
  const out: ProcessConditions = {};
  if (dto.aboveBoilingPoint) out.aboveBoilingPoint = true;
  if (dto.hazardousProcess?.trim()) out.hazardousProcess = dto.hazardousProcess.trim();
  if (dto.nearExplosionLimits) out.nearExplosionLimits = true;
  if (dto.operatingPressureMPa !== undefined && dto.operatingPressureMPa !== null)
    out.operatingPressureMPa = dto.operatingPressureMPa;
  if (dto.chemicalIds?.length) out.chemicalIds = [...new Set(dto.chemicalIds)].sort();
  return out;
}

function pick<E extends object>(e: E, fields: ReadonlyArray<keyof E>): Partial<E> {
  return Object.fromEntries(fields.map((f) => [f, e[f]])) as Partial<E>;
}

@Injectable()
@HandlesFiling(FilingKind.FacilitySiting)
export class FacilitySitingFilingHandler implements FilingHandler {
  constructor(private readonly facilities: FacilityService) {}

  confirm(f: Filing, _d: FilingDecision): Promise<Record<string, unknown>> {
    return this.facilities.applyConfirmed(f.subjectId, f.proposed as Partial<FacilityEntity>);
  }
}
