import { Injectable } from '@nestjs/common';
import {
  addDays,
  Conflict,
  Database,
  describePrincipal,
  type Filing,
  type FilingDecision,
  type FilingHandler,
  FilingKind,
  FilingsService,
  Forbidden,
  HandlesFiling,
  NotFound,
  type Page,
  pageById,
  type Principal,
  type ProblemItem,
  RulesViolated,
  shanghaiDate,
  uuid7,
} from '@lib/platform';
import { assertReadable, assertWritable, ownerFilter } from '../access.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { LICENCE_ISSUERS, licenceIssuer } from '../issuers.js';
import { isPermitKind, type LicenceKind, type LicenceStatus } from '../vocabulary.js';
import type {
  CreateLicenceDto,
  LicenceDecision,
  LicenceQuery,
  LicenceVersionView,
  LicenceView,
  SetLicenceStatusDto,
} from './licence.dto.js';
import type { LicenceEntity } from './licence.entity.js';
import { LicenceRepository } from './licence.repository.js';

/** Kinds that cover a trip and may name its vehicles. */
const TRIP_KINDS = new Set<LicenceKind>([
  'highly_toxic_road_pass',
  'drug_precursor_transport_permit',
  'drug_precursor_transport_filing',
]);

/**
 * What a permit or filing must state: the chemicals it covers by name and the quantity (Decree
 * 591 Art. 40 and 50; 《易制毒化学品管理条例》 Art. 15, 17, 20 name 品种、数量). Only a business
 * licence states storage (带储存 / 不带储存; not stated: with storage, as before issue 17).
 */
export function permitShape(l: LicenceEntity): ProblemItem[] {
  const out: ProblemItem[] = [];
  if (isPermitKind(l.kind)) {
    if (l.permittedQuantityKg === null)
      out.push({
        path: 'permittedQuantityKg',
        rule: 'PERMIT_QUANTITY_REQUIRED',
        message: `a ${LICENCE_ISSUERS[l.kind].nameZh} states the quantity it allows`,
      });
    if (l.scopeChemicalIds.length === 0)
      out.push({
        path: 'scope.chemicalIds',
        rule: 'PERMIT_CHEMICAL_REQUIRED',
        message: `a ${LICENCE_ISSUERS[l.kind].nameZh} names the chemicals it covers`,
      });
  } else if (l.permittedQuantityKg !== null || l.counterpartyId !== null) {
    out.push({
      path: 'permittedQuantityKg',
      rule: 'LICENCE_NOT_A_PERMIT',
      message: 'only a permit or filing states a quantity and a counterparty',
    });
  }
  if (l.kind !== 'business' && l.withStorage !== null)
    out.push({ path: 'withStorage', rule: 'LICENCE_NOT_BUSINESS', message: 'only a business licence states storage' });
  return out;
}

const dayDiff = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

export function toLicenceView(l: LicenceEntity, today: string = shanghaiDate(new Date())): LicenceView {
  return {
    id: l.id,
    enterpriseId: l.enterpriseId,
    kind: l.kind,
    number: l.number,
    issuer: l.issuer,
    issuingAgency: licenceIssuer(l.kind),
    validFrom: l.validFrom,
    validTo: l.validTo,
    status: l.status,
    statusReason: l.statusReason,
    inForce: l.status === 'verified' && l.validFrom <= today && today <= l.validTo,
    scope: {
      chemicalIds: l.scopeChemicalIds,
      classes: l.scopeClasses,
      wasteCodes: l.scopeWasteCodes,
      routeIds: l.scopeRouteIds,
      vehicleIds: l.scopeVehicleIds,
    },
    permittedQuantityKg: l.permittedQuantityKg === null ? null : Number(l.permittedQuantityKg),
    counterpartyId: l.counterpartyId,
    withStorage: l.withStorage,
    documents: l.documents,
    version: l.version,
    daysToExpiry: dayDiff(today, l.validTo),
  };
}

/** The issuer's acts: which status each leaves from, and the name of the change in the history. */
const TRANSITIONS: Record<LicenceDecision, Partial<Record<LicenceStatus, string>>> = {
  verified: { pending: 'verified', suspended: 'reinstated' },
  refused: { pending: 'refused' },
  suspended: { verified: 'suspended' },
  revoked: { verified: 'revoked', suspended: 'revoked' },
};

/**
 * Licences, permits and police filings. What an enterprise files about itself is pending until
 * the issuing agency (issuers.ts) verifies it; an issuer's or admin's record stands at once. Only
 * the issuer (or admin) verifies, refuses, suspends, reinstates or revokes, with a reason; every
 * change is a new version (GET …/history).
 */
@Injectable()
export class LicenceService {
  constructor(
    private readonly db: Database,
    private readonly licences: LicenceRepository,
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
    private readonly filings: FilingsService,
  ) {}

  /** Whether this principal asserts licences of this kind: admin, or the agency that issues it. */
  static asserts(principal: Principal, kind: LicenceEntity['kind']): boolean {
    return principal.kind === 'admin' || (principal.kind === 'agency' && principal.agency === licenceIssuer(kind));
  }

  /** Shape and references of a new licence (the import checks its rows with the same rules). */
  async check(l: LicenceEntity): Promise<ProblemItem[]> {
    const problems: ProblemItem[] = [];
    if (l.validTo < l.validFrom)
      problems.push({ path: 'validTo', rule: 'LICENCE_DATES', message: 'validTo must not be before validFrom' });
    if (l.scopeChemicalIds.length + l.scopeClasses.length + l.scopeWasteCodes.length === 0) {
      problems.push({
        path: 'scope',
        rule: 'LICENCE_SCOPE_EMPTY',
        message: 'scope must name at least one chemical, class or waste code',
      });
    }
    if (l.scopeWasteCodes.length > 0 && l.kind !== 'hazardous_waste') {
      problems.push({
        path: 'scope.wasteCodes',
        rule: 'LICENCE_SCOPE_WASTE',
        message: 'only a hazardous waste licence covers waste codes',
      });
    }
    if (l.scopeRouteIds.length > 0 && l.kind !== 'highly_toxic_road_pass') {
      problems.push({
        path: 'scope.routeIds',
        rule: 'LICENCE_SCOPE_ROUTE',
        message: 'only a road pass (剧毒化学品道路运输通行证) names routes',
      });
    }
    if (l.scopeVehicleIds.length > 0 && !TRIP_KINDS.has(l.kind)) {
      problems.push({
        path: 'scope.vehicleIds',
        rule: 'LICENCE_SCOPE_ROUTE',
        message: 'only a road pass or a drug precursor transport permit or filing names vehicles',
      });
    }
    problems.push(...permitShape(l));
    const known = new Set((await this.chemicals.findByIds(l.scopeChemicalIds)).map((c) => c.id));
    l.scopeChemicalIds.forEach((id, i) => {
      if (!known.has(id))
        problems.push({
          path: `scope.chemicalIds[${i}]`,
          rule: 'REFERENCE_NOT_FOUND',
          message: `chemical ${id} is not in the catalogue`,
        });
    });
    return problems;
  }

  /** A licence as filed (status pending) or as asserted (status verified), not yet stored. */
  static build(enterpriseId: string, dto: CreateLicenceDto, status: 'pending' | 'verified'): LicenceEntity {
    const now = new Date();
    return {
      id: uuid7(),
      enterpriseId,
      kind: dto.kind,
      number: dto.number.trim(),
      issuer: dto.issuer.trim(),
      validFrom: dto.validFrom,
      validTo: dto.validTo,
      status,
      statusReason: null,
      statusChangedAt: status === 'verified' ? now : null,
      scopeChemicalIds: [...new Set(dto.scope.chemicalIds ?? [])],
      scopeClasses: [...new Set(dto.scope.classes ?? [])],
      scopeWasteCodes: [...new Set(dto.scope.wasteCodes ?? [])],
      scopeRouteIds: [...new Set(dto.scope.routeIds ?? [])],
      scopeVehicleIds: [...new Set(dto.scope.vehicleIds ?? [])],
      permittedQuantityKg: dto.permittedQuantityKg === undefined ? null : String(dto.permittedQuantityKg),
      counterpartyId: dto.counterpartyId ?? null,
      withStorage: dto.withStorage ?? null,
      documents: dto.documents ?? [],
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  }

  async create(enterpriseId: string, dto: CreateLicenceDto, principal: Principal): Promise<LicenceView> {
    const enterprise = await this.enterprises.findById(enterpriseId);
    if (!enterprise) throw new NotFound('enterprise', enterpriseId);
    if (principal.kind === 'agency' && !LicenceService.asserts(principal, dto.kind)) {
      throw new Forbidden(
        `a ${LICENCE_ISSUERS[dto.kind].nameZh} is issued by ${licenceIssuer(dto.kind)}, not ${principal.agency}`,
        'NOT_THE_ISSUER',
      );
    }
    if (principal.kind === 'enterprise') assertWritable(principal, enterpriseId, 'enterprise', enterpriseId);
    const entity = LicenceService.build(enterpriseId, dto, principal.kind === 'enterprise' ? 'pending' : 'verified');
    const problems = await this.check(entity);
    if (problems.length) throw new RulesViolated(problems);
    await this.db.transaction(async () => {
      await this.assertNumberFree(entity);
      await this.store([entity], principal);
    });
    return toLicenceView(entity);
  }

  /**
   * Stores new licences with their first version; a pending one goes to its issuer's work queue.
   * Runs inside the caller's transaction (an import stores its rows together).
   */
  async store(rows: LicenceEntity[], principal: Principal): Promise<void> {
    for (const l of rows) {
      await this.licences.insert(l);
      await this.addVersion(l, l.status === 'pending' ? 'filed' : 'recorded', null, principal);
      if (l.status === 'pending') {
        await this.filings.file(
          {
            kind: FilingKind.Licence,
            agency: licenceIssuer(l.kind),
            subjectType: 'licence',
            subjectId: l.id,
            enterpriseId: l.enterpriseId,
            proposed: { kind: l.kind, number: l.number, validFrom: l.validFrom, validTo: l.validTo },
            current: {},
            summary: `${LICENCE_ISSUERS[l.kind].nameZh} ${l.number} (${l.validFrom} – ${l.validTo})`,
            documents: l.documents,
          },
          principal,
        );
      }
    }
  }

  /**
   * Licence numbers are unique per kind among what issuers asserted; a filing may repeat a number
   * (it proves nothing until verified), but not one the same enterprise already filed.
   */
  private async assertNumberFree(l: LicenceEntity): Promise<void> {
    if (l.status !== 'pending') {
      if (await this.licences.assertedNumberTaken(l.kind, l.number, null))
        throw new Conflict('LICENCE_NUMBER_TAKEN', `a ${l.kind} numbered ${l.number} is on record already`);
      return;
    }
    const own = await this.licences.byNumber(l.kind, l.number, [l.enterpriseId]);
    if (own.some((x) => x.status === 'pending' || x.status === 'verified'))
      throw new Conflict('LICENCE_ALREADY_FILED', `you hold or filed a ${l.kind} numbered ${l.number} already`);
  }

  /** An enterprise's licences, or (enterpriseId null) everyone's the principal may read. */
  async list(enterpriseId: string | null, query: LicenceQuery, principal: Principal): Promise<Page<LicenceView>> {
    if (enterpriseId) {
      if (!(await this.enterprises.findById(enterpriseId))) throw new NotFound('enterprise', enterpriseId);
      assertReadable(principal, enterpriseId, 'enterprise', enterpriseId);
    }
    const today = shanghaiDate(new Date());
    const page = await pageById(query, (window) =>
      this.licences.list({
        enterpriseId: enterpriseId ?? ownerFilter(principal),
        kind: query.kind,
        status: query.status,
        today,
        expiringBy: query.expiringWithinDays === undefined ? undefined : addDays(today, query.expiringWithinDays),
        ...window,
      }),
    );
    return { items: page.items.map((l) => toLicenceView(l, today)), nextCursor: page.nextCursor };
  }

  async get(licenceId: string, principal: Principal): Promise<LicenceView> {
    const l = await this.licences.findById(licenceId);
    if (!l) throw new NotFound('licence', licenceId);
    assertReadable(principal, l.enterpriseId, 'licence', licenceId);
    return toLicenceView(l);
  }

  async history(licenceId: string, principal: Principal): Promise<LicenceVersionView[]> {
    await this.get(licenceId, principal);
    return (await this.licences.versions(licenceId)).map((v) => ({
      version: v.version,
      change: v.change,
      status: v.status,
      reason: v.reason,
      changedBy: v.changedBy,
      changedAt: v.changedAt.toISOString(),
      licence: v.snapshot,
    }));
  }

  /**
   * The issuer's act on a licence (PUT …/status). Verifying or refusing a pending licence decides
   * its filing in the issuer's work queue, the same as POST /v1/filings/:id/confirm.
   */
  async setStatus(
    enterpriseId: string,
    licenceId: string,
    dto: SetLicenceStatusDto,
    principal: Principal,
  ): Promise<LicenceView> {
    const l = await this.licences.findById(licenceId);
    if (!l || l.enterpriseId !== enterpriseId) throw new NotFound('licence', licenceId);
    if (!LicenceService.asserts(principal, l.kind))
      throw new Forbidden(`only ${licenceIssuer(l.kind)} (its issuer) or admin decides this licence`, 'NOT_THE_ISSUER');
    if (dto.status !== 'verified' && !dto.reason)
      throw new RulesViolated([{ path: 'reason', rule: 'required', message: `give the reason it is ${dto.status}` }]);
    if (l.status === 'pending' && (dto.status === 'verified' || dto.status === 'refused')) {
      const [filing] = await this.filings.pendingAbout([licenceId]);
      if (filing) {
        if (dto.status === 'verified') await this.filings.confirm(filing.id, dto.reason ?? null, principal);
        else await this.filings.refuse(filing.id, dto.reason!, principal);
        return toLicenceView((await this.licences.findById(licenceId))!);
      }
    }
    return this.db.transaction(() =>
      this.decide(licenceId, dto.status, { principal, reason: dto.reason ?? null, at: new Date() }),
    );
  }

  /** Applies one of the issuer's acts (in the caller's transaction) and keeps the version. */
  async decide(licenceId: string, to: LicenceDecision, d: FilingDecision): Promise<LicenceView> {
    const l = await this.licences.findForUpdate(licenceId);
    if (!l) throw new NotFound('licence', licenceId);
    const change = TRANSITIONS[to][l.status];
    if (!change)
      throw new Conflict('LICENCE_TRANSITION', `a ${l.status} licence cannot become ${to}`, {
        licenceStatus: l.status,
      });
    if (to === 'verified' && (await this.licences.assertedNumberTaken(l.kind, l.number, l.id)))
      throw new Conflict(
        'LICENCE_NUMBER_TAKEN',
        `a ${l.kind} numbered ${l.number} is on record already; reinstate or revoke that one`,
      );
    const next: LicenceEntity = {
      ...l,
      status: to,
      statusReason: d.reason,
      statusChangedAt: d.at,
      updatedAt: d.at,
      version: l.version + 1,
    };
    await this.licences.update(l.id, {
      status: next.status,
      statusReason: next.statusReason,
      statusChangedAt: next.statusChangedAt,
      updatedAt: next.updatedAt,
      version: next.version,
    });
    await this.addVersion(next, change, d.reason, d.principal, d.at);
    return toLicenceView(next);
  }

  private async addVersion(
    l: LicenceEntity,
    change: string,
    reason: string | null,
    by: Principal,
    at: Date = new Date(),
  ): Promise<void> {
    const { daysToExpiry: _d, inForce: _i, ...snapshot } = toLicenceView(l);
    await this.licences.addVersion({
      licenceId: l.id,
      version: l.version,
      change,
      status: l.status,
      reason,
      changedByKeyId: by.keyId || null,
      changedBy: describePrincipal(by),
      changedAt: at,
      snapshot,
    });
  }
}

/** A licence's filing: confirming it verifies the licence, refusing it refuses the licence. */
@Injectable()
@HandlesFiling(FilingKind.Licence)
export class LicenceFilingHandler implements FilingHandler {
  constructor(private readonly licences: LicenceService) {}

  async confirm(f: Filing, d: FilingDecision): Promise<Record<string, unknown>> {
    const l = await this.licences.decide(f.subjectId, 'verified', d);
    return { licenceId: l.id, status: l.status, version: l.version };
  }

  async refuse(f: Filing, d: FilingDecision): Promise<void> {
    await this.licences.decide(f.subjectId, 'refused', d);
  }
}
