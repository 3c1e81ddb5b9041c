import { Injectable } from '@nestjs/common';
import { classCovers } from '@lib/geofence';
import { NotFound, RulesViolated, shanghaiDate } from '@lib/platform';
import type { ChemicalEntity } from '../chemicals/chemical.entity.js';
import { type PermitFacts, permitProblems } from '../controlled/permit-rules.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { isBlacklisted } from '../enterprises/enterprise.service.js';
import { LICENCE_ISSUERS, licenceIssuer } from '../issuers.js';
import type { LicenceEntity } from '../licences/licence.entity.js';
import { LicenceRepository } from '../licences/licence.repository.js';
import { type Activity, type District, isPermitKind, type LicenceKind } from '../vocabulary.js';
import type { AuthorizationAnswer, AuthorizationReason, RequirementView } from './authorization.dto.js';
import { requirements } from './requirements.js';

export interface AuthorizationRequest {
  enterpriseId: string;
  activity: Activity;
  chemicalId: string;
  at: Date;
  /** For dispose: the waste category (HW06). */
  wasteCode?: string;
  /** Where it happens (a facility's district); defaults to the enterprise's district. */
  district?: District;
  /** A purchase or sale: its quantity (kg), judged against a permit's remaining quantity. */
  quantityKg?: number;
  /** A purchase: the seller, judged against the counterparty a permit names. */
  counterpartyId?: string | null;
  /** The movement or waybill being judged: its own earlier use of a permit is not counted against it. */
  subjectId?: string;
}

/** A permit or filing as the pure rules judge it, with what others consumed of it. */
export function toPermitFacts(l: LicenceEntity, usedKg: number): PermitFacts {
  return {
    id: l.id,
    kind: l.kind,
    name: KIND_NAMES[l.kind],
    number: l.number,
    status: l.status,
    statusReason: l.statusReason,
    validFrom: l.validFrom,
    validTo: l.validTo,
    chemicalIds: l.scopeChemicalIds,
    classes: l.scopeClasses,
    vehicleIds: l.scopeVehicleIds,
    routeIds: l.scopeRouteIds,
    counterpartyId: l.counterpartyId,
    permittedQuantityKg: l.permittedQuantityKg === null ? null : Number(l.permittedQuantityKg),
    usedKg,
  };
}

const KIND_NAMES = Object.fromEntries(
  Object.entries(LICENCE_ISSUERS).map(([kind, i]) => [kind, `${i.name} (${i.nameZh})`]),
) as Record<LicenceKind, string>;

function covers(l: LicenceEntity, chemical: ChemicalEntity, wasteCode?: string): boolean {
  if (l.kind === 'hazardous_waste' && wasteCode) return l.scopeWasteCodes.includes(wasteCode);
  return l.scopeChemicalIds.includes(chemical.id) || l.scopeClasses.some((c) => classCovers(c, chemical.unClass));
}

/** Why one licence does not allow it at `date`, or null when it does. */
function licenceProblem(
  l: LicenceEntity,
  chemical: ChemicalEntity,
  date: string,
  activity: Activity,
  wasteCode?: string,
): AuthorizationReason | null {
  const name = `${KIND_NAMES[l.kind]} ${l.number}`;
  // What an enterprise filed about itself counts for nothing until its issuer verified it.
  if (l.status === 'pending')
    return {
      code: 'LICENCE_PENDING',
      text: `${name} awaits verification by ${licenceIssuer(l.kind)} (its issuer)`,
      licenceId: l.id,
    };
  if (l.status === 'refused')
    return {
      code: 'LICENCE_REFUSED',
      text: `${name} was refused by its issuer${l.statusReason ? `: ${l.statusReason}` : ''}`,
      licenceId: l.id,
    };
  if (l.status === 'revoked')
    return {
      code: 'LICENCE_REVOKED',
      text: `${name} is revoked${l.statusReason ? `: ${l.statusReason}` : ''}`,
      licenceId: l.id,
    };
  if (l.status === 'suspended')
    return {
      code: 'LICENCE_SUSPENDED',
      text: `${name} is suspended${l.statusReason ? `: ${l.statusReason}` : ''}`,
      licenceId: l.id,
    };
  if (date > l.validTo) return { code: 'LICENCE_EXPIRED', text: `${name} expired on ${l.validTo}`, licenceId: l.id };
  if (date < l.validFrom)
    return { code: 'LICENCE_NOT_YET_VALID', text: `${name} is valid only from ${l.validFrom}`, licenceId: l.id };
  // 不带储存: a business licence without storage may sell, not store (《危险化学品经营许可证管理办法》).
  if (activity === 'store' && l.kind === 'business' && l.withStorage === false)
    return {
      code: 'BUSINESS_WITHOUT_STORAGE',
      text: `${name} is without storage (不带储存): it covers selling, not storing`,
      licenceId: l.id,
    };
  if (!covers(l, chemical, wasteCode)) {
    const what =
      l.kind === 'hazardous_waste' && wasteCode
        ? `waste code ${wasteCode}`
        : `${chemical.nameZh}${chemical.unClass ? ` (class ${chemical.unClass})` : ''}`;
    return { code: 'LICENCE_OUT_OF_SCOPE', text: `${name} does not cover ${what}`, licenceId: l.id };
  }
  return null;
}

@Injectable()
export class AuthorizationService {
  constructor(
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
    private readonly licences: LicenceRepository,
  ) {}

  /** May enterprise E perform activity A on chemical C at time T, and if not, every reason why. */
  async authorize(r: AuthorizationRequest): Promise<AuthorizationAnswer> {
    const [enterprise, chemical] = await Promise.all([
      this.enterprises.findById(r.enterpriseId),
      this.chemicals.findById(r.chemicalId),
    ]);
    if (!enterprise) throw new NotFound('enterprise', r.enterpriseId);
    if (!chemical) throw new NotFound('chemical', r.chemicalId);
    const date = shanghaiDate(r.at);
    const reasons: AuthorizationReason[] = [];
    const granted: string[] = [];

    if (isBlacklisted(enterprise, r.at)) {
      reasons.push({
        code: 'ENTERPRISE_BLACKLISTED',
        text: `${enterprise.name} is blacklisted (失信): ${enterprise.creditReason ?? ''}`.trim(),
      });
    }
    if (chemical.controlStatus === 'prohibited') {
      reasons.push({
        code: 'CHEMICAL_PROHIBITED',
        text: `${chemical.nameZh} is prohibited (禁止)${chemical.controlNote ? `: ${chemical.controlNote}` : ''}`,
      });
    }
    const district = r.district ?? enterprise.district;
    if (chemical.controlStatus === 'restricted' && !chemical.controlAllowedDistricts.includes(district)) {
      reasons.push({
        code: 'CHEMICAL_RESTRICTED',
        text: `${chemical.nameZh} is restricted (限制) to ${chemical.controlAllowedDistricts.join('、') || 'no district'}; not allowed in ${district}`,
      });
    }

    const needs = requirements(r.activity, chemical, enterprise);
    const held = await this.licences.ofKinds(r.enterpriseId, [...new Set(needs.flatMap((n) => n.kinds))]);
    const used = await this.licences.usedKg(
      held.filter((l) => isPermitKind(l.kind)).map((l) => l.id),
      r.subjectId ?? null,
    );
    const consumes: AuthorizationAnswer['consumes'] = [];
    const applied: RequirementView[] = [];
    for (const need of needs) {
      if (!need.required) {
        applied.push({
          need: need.need,
          basis: need.basis,
          required: false,
          met: true,
          licenceIds: [],
          note: need.note,
        });
        continue;
      }
      const candidates = held.filter((l) => need.kinds.includes(l.kind));
      const problems = candidates.map((l) => ({ l, problems: this.judge(l, chemical, date, r, used.get(l.id) ?? 0) }));
      const ok = problems.filter((p) => p.problems.length === 0).map((p) => p.l);
      applied.push({
        need: need.need,
        basis: need.basis,
        required: true,
        met: ok.length > 0,
        licenceIds: ok.map((l) => l.id),
      });
      const withBasis = (x: AuthorizationReason): AuthorizationReason => ({ ...x, basis: need.basis });
      if (ok.length > 0) {
        granted.push(...ok.map((l) => l.id));
        // A purchase under a permit consumes it, unless a standing licence covers it (Art. 38).
        const permit = ok.find((l) => isPermitKind(l.kind));
        if (permit && r.quantityKg !== undefined && !ok.some((l) => !isPermitKind(l.kind)))
          consumes.push({ licenceId: permit.id, kind: permit.kind, chemicalId: chemical.id, quantityKg: r.quantityKg });
      } else if (candidates.length === 0)
        reasons.push(withBasis({ code: need.missingCode, text: `no ${need.need} on record` }));
      else {
        if (need.missingCode !== 'LICENCE_MISSING')
          reasons.push(withBasis({ code: need.missingCode, text: `${chemical.nameZh}: needs a ${need.need}` }));
        reasons.push(...problems.flatMap((p) => p.problems).map(withBasis));
      }
    }
    return {
      allowed: reasons.length === 0,
      reasons,
      licenceIds: [...new Set(granted)],
      localDate: date,
      requirements: applied,
      consumes,
    };
  }

  /** Why one licence or permit does not allow the request (empty: it does). */
  private judge(
    l: LicenceEntity,
    chemical: ChemicalEntity,
    date: string,
    r: AuthorizationRequest,
    usedKg: number,
  ): AuthorizationReason[] {
    if (!isPermitKind(l.kind)) {
      const problem = licenceProblem(l, chemical, date, r.activity, r.wasteCode);
      return problem ? [problem] : [];
    }
    return permitProblems(toPermitFacts(l, usedKg), {
      chemical,
      from: date,
      to: date,
      quantityKg: r.quantityKg,
      counterpartyId: r.counterpartyId,
    });
  }

  /** As authorize(), but refuses with a 422 listing every reason (for writers: ledger, waybill). */
  async assertAuthorized(r: AuthorizationRequest, path = 'chemicalId'): Promise<AuthorizationAnswer> {
    const answer = await this.authorize(r);
    if (!answer.allowed) {
      throw new RulesViolated(answer.reasons.map((x) => ({ path, rule: x.code, message: x.text })));
    }
    return answer;
  }
}
