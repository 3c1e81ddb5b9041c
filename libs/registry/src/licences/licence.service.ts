import { Injectable } from '@nestjs/common';
import {
  addDays,
  decodeCursor,
  isUuidString,
  NotFound,
  type Page,
  type Principal,
  RulesViolated,
  shanghaiDate,
  toPage,
  uuid7,
} from '@lib/platform';
import { assertReadable, assertWritable, ownerFilter } from '../access.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import type { CreateLicenceDto, LicenceQuery, LicenceView, SetLicenceStatusDto } from './licence.dto.js';
import type { LicenceEntity } from './licence.entity.js';
import { LicenceRepository } from './licence.repository.js';

const dayDiff = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

export function toLicenceView(l: LicenceEntity, today: string = shanghaiDate(new Date())): LicenceView {
  return {
    id: l.id,
    enterpriseId: l.enterpriseId,
    kind: l.kind,
    number: l.number,
    issuer: l.issuer,
    validFrom: l.validFrom,
    validTo: l.validTo,
    status: l.status,
    statusReason: l.statusReason,
    scope: { chemicalIds: l.scopeChemicalIds, classes: l.scopeClasses, wasteCodes: l.scopeWasteCodes },
    daysToExpiry: dayDiff(today, l.validTo),
  };
}

@Injectable()
export class LicenceService {
  constructor(
    private readonly licences: LicenceRepository,
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
  ) {}

  async create(enterpriseId: string, dto: CreateLicenceDto, principal: Principal): Promise<LicenceView> {
    const enterprise = await this.enterprises.findById(enterpriseId);
    if (!enterprise) throw new NotFound('enterprise', enterpriseId);
    assertWritable(principal, enterpriseId, 'enterprise', enterpriseId);
    const scope = {
      chemicalIds: [...new Set(dto.scope.chemicalIds ?? [])],
      classes: [...new Set(dto.scope.classes ?? [])],
      wasteCodes: [...new Set(dto.scope.wasteCodes ?? [])],
    };
    const problems = [];
    if (dto.validTo < dto.validFrom)
      problems.push({ path: 'validTo', rule: 'LICENCE_DATES', message: 'validTo must not be before validFrom' });
    if (scope.chemicalIds.length + scope.classes.length + scope.wasteCodes.length === 0) {
      problems.push({
        path: 'scope',
        rule: 'LICENCE_SCOPE_EMPTY',
        message: 'scope must name at least one chemical, class or waste code',
      });
    }
    if (scope.wasteCodes.length > 0 && dto.kind !== 'hazardous_waste') {
      problems.push({
        path: 'scope.wasteCodes',
        rule: 'LICENCE_SCOPE_WASTE',
        message: 'only a hazardous waste licence covers waste codes',
      });
    }
    const known = new Set((await this.chemicals.findByIds(scope.chemicalIds)).map((c) => c.id));
    scope.chemicalIds.forEach((id, i) => {
      if (!known.has(id))
        problems.push({
          path: `scope.chemicalIds[${i}]`,
          rule: 'REFERENCE_NOT_FOUND',
          message: `chemical ${id} is not in the catalogue`,
        });
    });
    if (problems.length) throw new RulesViolated(problems);
    const now = new Date();
    const entity: LicenceEntity = {
      id: uuid7(),
      enterpriseId,
      kind: dto.kind,
      number: dto.number.trim(),
      issuer: dto.issuer.trim(),
      validFrom: dto.validFrom,
      validTo: dto.validTo,
      status: 'valid',
      statusReason: null,
      statusChangedAt: null,
      scopeChemicalIds: scope.chemicalIds,
      scopeClasses: scope.classes,
      scopeWasteCodes: scope.wasteCodes,
      createdAt: now,
      updatedAt: now,
    };
    await this.licences.insert(entity);
    return toLicenceView(entity);
  }

  /** An enterprise's licences, or (enterpriseId null) everyone's the principal may read. */
  async list(enterpriseId: string | null, query: LicenceQuery, principal: Principal): Promise<Page<LicenceView>> {
    if (enterpriseId) {
      if (!(await this.enterprises.findById(enterpriseId))) throw new NotFound('enterprise', enterpriseId);
      assertReadable(principal, enterpriseId, 'enterprise', enterpriseId);
    }
    const limit = query.limit ?? 50;
    const today = shanghaiDate(new Date());
    const rows = await this.licences.list({
      enterpriseId: enterpriseId ?? ownerFilter(principal),
      kind: query.kind,
      today,
      expiringBy: query.expiringWithinDays === undefined ? undefined : addDays(today, query.expiringWithinDays),
      after: decodeCursor(query.cursor, isUuidString),
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (l) => l.id);
    return { items: page.items.map((l) => toLicenceView(l, today)), nextCursor: page.nextCursor };
  }

  async setStatus(enterpriseId: string, licenceId: string, dto: SetLicenceStatusDto): Promise<LicenceView> {
    const l = await this.licences.findById(licenceId);
    if (!l || l.enterpriseId !== enterpriseId) throw new NotFound('licence', licenceId);
    await this.licences.setStatus(licenceId, dto.status, dto.reason ?? null, new Date());
    return toLicenceView((await this.licences.findById(licenceId))!);
  }
}
