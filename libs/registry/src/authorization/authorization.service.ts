import { Injectable } from '@nestjs/common';
import { NotFound, RulesViolated, shanghaiDate } from '@lib/platform';
import type { ChemicalEntity } from '../chemicals/chemical.entity.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { isBlacklisted } from '../enterprises/enterprise.service.js';
import { LICENCE_ISSUERS, licenceIssuer } from '../issuers.js';
import type { LicenceEntity } from '../licences/licence.entity.js';
import { LicenceRepository } from '../licences/licence.repository.js';
import { type Activity, classCovers, type District, type LicenceKind } from '../vocabulary.js';
import type { AuthorizationAnswer, AuthorizationReason } from './authorization.dto.js';

export interface AuthorizationRequest {
  enterpriseId: string;
  activity: Activity;
  chemicalId: string;
  at: Date;
  /** For dispose: the waste category (HW06). */
  wasteCode?: string;
  /** Where it happens (a facility's district); defaults to the enterprise's district. */
  district?: District;
}

const KIND_NAMES = Object.fromEntries(
  Object.entries(LICENCE_ISSUERS).map(([kind, i]) => [kind, `${i.name} (${i.nameZh})`]),
) as Record<LicenceKind, string>;

interface Requirement {
  kinds: LicenceKind[];
  /** Reason when no licence of these kinds exists at all. */
  missing: { code: string; text: string };
}

/**
 * Which licences allow an activity on a chemical, per 《危险化学品安全管理条例》 (State Council
 * Decree 591, 2013 revision): production needs a safety production licence (Art. 14); storage is
 * covered by the licence of the business that stores (production, business with storage, safe
 * use); use by a safe use licence or, for producers, their production licence (Art. 29); selling
 * by a business licence, or by producers for their own products (Art. 33); road transport by a
 * dangerous goods transport licence (Art. 43); disposal of hazardous waste by a waste operation
 * licence (固体废物污染环境防治法 Art. 80). Buying needs nothing for ordinary chemicals, but a
 * highly toxic chemical needs a purchase permit and an explosive precursor a police filing, unless
 * the buyer holds a production, use or business licence that covers it (Art. 38).
 */
function requirements(activity: Activity, chemical: ChemicalEntity): Requirement[] {
  const missing = (kinds: LicenceKind[]) => ({
    code: 'LICENCE_MISSING',
    text: `no ${kinds.map((k) => KIND_NAMES[k]).join(' or ')} on record`,
  });
  const one = (kinds: LicenceKind[]): Requirement[] => [{ kinds, missing: missing(kinds) }];
  switch (activity) {
    case 'produce':
      return one(['safety_production']);
    case 'store':
      return one(['safety_production', 'business', 'safe_use']);
    case 'use':
      return one(['safe_use', 'safety_production']);
    case 'sell':
      return one(['business', 'safety_production']);
    case 'transport':
      return one(['road_transport']);
    case 'dispose':
      return one(['hazardous_waste']);
    case 'buy': {
      const held: LicenceKind[] = ['safety_production', 'safe_use', 'business'];
      const out: Requirement[] = [];
      if (chemical.highlyToxic) {
        out.push({
          kinds: ['highly_toxic_purchase', ...held],
          missing: {
            code: 'PURCHASE_PERMIT_REQUIRED',
            text: `${chemical.nameZh} is highly toxic (剧毒): buying it needs a ${KIND_NAMES.highly_toxic_purchase} or a production, use or business licence covering it`,
          },
        });
      }
      if (chemical.explosivePrecursor) {
        out.push({
          kinds: ['explosive_precursor_filing', ...held],
          missing: {
            code: 'PRECURSOR_FILING_REQUIRED',
            text: `${chemical.nameZh} is an explosive precursor (易制爆): buying it needs an ${KIND_NAMES.explosive_precursor_filing} or a production, use or business licence covering it`,
          },
        });
      }
      return out;
    }
  }
}

function covers(l: LicenceEntity, chemical: ChemicalEntity, wasteCode?: string): boolean {
  if (l.kind === 'hazardous_waste' && wasteCode) return l.scopeWasteCodes.includes(wasteCode);
  return l.scopeChemicalIds.includes(chemical.id) || l.scopeClasses.some((c) => classCovers(c, chemical.unClass));
}

/** Why one licence does not allow it at `date`, or null when it does. */
function licenceProblem(
  l: LicenceEntity,
  chemical: ChemicalEntity,
  date: string,
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

    const needs = requirements(r.activity, chemical);
    const held = await this.licences.ofKinds(r.enterpriseId, [...new Set(needs.flatMap((n) => n.kinds))]);
    for (const need of needs) {
      const candidates = held.filter((l) => need.kinds.includes(l.kind));
      const problems = candidates.map((l) => ({ l, problem: licenceProblem(l, chemical, date, r.wasteCode) }));
      const ok = problems.filter((p) => p.problem === null).map((p) => p.l.id);
      if (ok.length > 0) granted.push(...ok);
      else if (candidates.length === 0) reasons.push(need.missing);
      else {
        if (need.missing.code !== 'LICENCE_MISSING') reasons.push(need.missing);
        reasons.push(...problems.map((p) => p.problem!));
      }
    }
    return { allowed: reasons.length === 0, reasons, licenceIds: [...new Set(granted)], localDate: date };
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
