import type { ProblemItem } from '@lib/platform';
import { type ContentForRules, p, type Resolved } from './context.js';

/**
 * The parties (《危险货物道路运输安全管理办法》 2019, Art. 7–9 and 19): each exists, none is
 * blacklisted (失信, credit status as of the check), and the carrier is registered as one.
 */
export function parties(r: Resolved, at: Date): ProblemItem[] {
  const out: ProblemItem[] = [];
  for (const [path, e, role] of [
    ['consignorId', r.consignor, null],
    ['carrierId', r.carrier, 'carrier'],
    ['consigneeId', r.consignee, null],
  ] as const) {
    if (!e) {
      out.push(p(path, 'PARTY_NOT_FOUND', `${path.replace('Id', '')} does not exist`));
      continue;
    }
    if (e.creditStatus === 'blacklisted' && (!e.creditSince || Date.parse(e.creditSince) <= at.getTime())) {
      out.push(p(path, 'ENTERPRISE_BLACKLISTED', `${e.name} is blacklisted (失信): ${e.creditReason ?? ''}`.trim()));
    }
    if (role && !e.roles.includes(role)) out.push(p(path, 'NOT_A_CARRIER', `${e.name} is not registered as a carrier`));
  }
  return out;
}

/**
 * Loading at the consignor's facility, unloading at the consignee's (2019 rules Art. 22: the
 * waybill names where it loads and unloads), each one whose siting emergency management confirmed.
 */
export function facilities(c: ContentForRules, r: Resolved): ProblemItem[] {
  const out: ProblemItem[] = [];
  if (!r.loading) out.push(p('loadingFacilityId', 'REFERENCE_NOT_FOUND', 'the loading facility does not exist'));
  else if (r.loading.enterpriseId !== c.consignorId)
    // Named by the path, not by its name: a facility id that is not the party's tells nothing of it.
    out.push(p('loadingFacilityId', 'LOADING_FACILITY_OWNER', "the loading facility is not the consignor's"));
  if (!r.unloading) out.push(p('unloadingFacilityId', 'REFERENCE_NOT_FOUND', 'the unloading facility does not exist'));
  else if (r.unloading.enterpriseId !== c.consigneeId)
    out.push(p('unloadingFacilityId', 'UNLOADING_FACILITY_OWNER', "the unloading facility is not the consignee's"));
  for (const [path, f] of [
    ['loadingFacilityId', r.loading],
    ['unloadingFacilityId', r.unloading],
  ] as const) {
    // A facility whose siting emergency management has not confirmed (or that closed) is no trip's end.
    if (f && f.status !== 'active')
      out.push(
        p(
          path,
          'FACILITY_NOT_ACTIVE',
          `the ${path === 'loadingFacilityId' ? 'loading' : 'unloading'} facility is ${f.status === 'pending' ? 'not yet confirmed' : f.status}`,
        ),
      );
  }
  return out;
}
