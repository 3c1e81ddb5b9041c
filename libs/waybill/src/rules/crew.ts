import type { ProblemItem } from '@lib/platform';
import type { ChemicalView } from '@lib/registry';
import { p, type Resolved } from './context.js';

/**
 * Driver and escort (驾驶员、押运员; 2019 rules Art. 23 and 44; 《道路运输从业人员管理规定》):
 * two different people employed by the carrier, each with a qualification transport confirmed,
 * of the kind the load needs (highly toxic and explosive loads need the special category) and
 * valid to the end of the trip (`tripEnd`, a local date).
 */
export function crew(r: Resolved, chems: ChemicalView[], tripEnd: string): ProblemItem[] {
  const out: ProblemItem[] = [];
  // Highly toxic chemicals and explosives need the special category (剧毒化学品、爆炸品).
  const special = chems.some((x) => x.highlyToxic || (x.unClass?.startsWith('1') ?? false));
  for (const [path, person, role] of [
    ['driverId', r.driver, 'driver'],
    ['escortId', r.escort, 'escort'],
  ] as const) {
    const tag = role.toUpperCase();
    if (!person) {
      out.push(p(path, 'REFERENCE_NOT_FOUND', `the ${role} does not exist`));
      continue;
    }
    if (person.employerId !== r.carrier?.id)
      out.push(p(path, `${tag}_NOT_EMPLOYED`, `${person.name} is not employed by the carrier`));
    if (person.status !== 'active') out.push(p(path, `${tag}_INACTIVE`, `${person.name} is inactive`));
    const kinds =
      role === 'driver'
        ? special
          ? ['dg_driver_toxic_explosive']
          : ['dg_driver', 'dg_driver_toxic_explosive']
        : special
          ? ['dg_escort_toxic_explosive']
          : ['dg_escort', 'dg_escort_toxic_explosive'];
    // Only a qualification transport confirmed counts (null: none confirmed yet).
    if (person.qualificationKind === null || person.qualificationExpiry === null) {
      out.push(
        p(
          path,
          `${tag}_QUALIFICATION_UNCONFIRMED`,
          `${person.name} has no qualification (从业资格) confirmed by transport`,
        ),
      );
      continue;
    }
    if (!kinds.includes(person.qualificationKind)) {
      out.push(
        p(
          path,
          `${tag}_QUALIFICATION_KIND`,
          `${person.name} holds ${person.qualificationKind}; this load needs ${kinds.join(' or ')}`,
        ),
      );
    }
    if (person.qualificationExpiry < tripEnd)
      out.push(
        p(
          path,
          `${tag}_QUALIFICATION_EXPIRED`,
          `the qualification of ${person.name} expires on ${person.qualificationExpiry}`,
        ),
      );
  }
  if (r.driver && r.escort && r.driver.id === r.escort.id)
    out.push(p('escortId', 'SAME_PERSON', 'driver and escort must be two different people'));
  return out;
}
