import { Injectable } from '@nestjs/common';
import {
  bbox,
  decodeCursor,
  isUuidString,
  normaliseGeometry,
  NotFound,
  type Page,
  type PointGeometry,
  type PolygonGeometry,
  type Principal,
  type ProblemItem,
  RulesViolated,
  toPage,
  uuid7,
  validateGeometry,
  ValidationFailed,
} from '@lib/platform';
import { assertReadable, assertWritable, ownerFilter } from '../access.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import type { CreateFacilityDto, FacilityQuery, FacilityView, UpdateFacilityDto } from './facility.dto.js';
import type { Capacity, FacilityEntity } from './facility.entity.js';
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
    capacities: f.capacities,
    peopleWithin500m: f.peopleWithin500m,
    status: f.status,
  };
}

@Injectable()
export class FacilityService {
  constructor(
    private readonly facilities: FacilityRepository,
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
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
      capacities,
      peopleWithin500m: dto.peopleWithin500m ?? 0,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    await this.facilities.insert(entity);
    return toFacilityView(entity);
  }

  async list(q: FacilityQuery, principal: Principal): Promise<Page<FacilityView>> {
    const limit = q.limit ?? 50;
    const own = ownerFilter(principal);
    if (own && q.enterpriseId && q.enterpriseId !== own) return { items: [], nextCursor: null };
    const rows = await this.facilities.list({
      enterpriseId: own ?? q.enterpriseId,
      kind: q.kind,
      district: q.district,
      bbox: q.bbox?.split(',').map(Number),
      after: decodeCursor(q.cursor, isUuidString),
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (f) => f.id);
    return { items: page.items.map(toFacilityView), nextCursor: page.nextCursor };
  }

  async get(id: string, principal: Principal): Promise<FacilityView> {
    const f = await this.facilities.findById(id);
    if (!f) throw new NotFound('facility', id);
    assertReadable(principal, f.enterpriseId, 'facility', id);
    return toFacilityView(f);
  }

  async update(id: string, dto: UpdateFacilityDto, principal: Principal): Promise<FacilityView> {
    const f = await this.facilities.findById(id);
    if (!f) throw new NotFound('facility', id);
    assertWritable(principal, f.enterpriseId, 'facility', id);
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
    for (const k of [
      'name',
      'kind',
      'hazardUnitKind',
      'fenceRadiusM',
      'district',
      'address',
      'peopleWithin500m',
      'status',
    ] as const) {
      if (dto[k] !== undefined) Object.assign(patch, { [k]: dto[k] });
    }
    await this.facilities.update(id, patch);
    return this.get(id, principal);
  }
}
