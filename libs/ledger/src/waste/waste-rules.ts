import type { ProblemItem } from '@lib/platform';

/**
 * The rules of a hazardous-waste transfer that need no database: pure, data in, decisions out.
 *
 * - Waste codes (废物代码), 《国家危险废物名录（2021年版）》 (National Hazardous Waste List, 2021):
 *   an 8-digit code NNN-NNN-NN. The first three digits are the source industry (900: non-specific
 *   sources), the middle three the entry's number, the last two the category, HW01–HW50: 900-041-49
 *   is an entry of HW49 (其他废物). A manifest names both, and the code must lie under the category.
 * - Provinces, 《固体废物污染环境防治法》 Art. 82: a transfer to another province needs the approval of
 *   the ecology/environment department of the province it leaves (跨省转移审批). Every district of
 *   Wuxi lies in Jiangsu (GB/T 2260 code 32); the province of a facility outside the city ('市外')
 *   is part of its siting in the registry, which emergency management confirms. Until it has,
 *   the facility's province is unknown and a transfer to or from it counts as crossing a border:
 *   what the generator states on the manifest is a claim, recorded, never the deciding fact.
 * - Storage, 固废法 Art. 81: hazardous waste is stored for no more than one year (贮存危险废物不得
 *   超过一年); longer needs the licensing ecology department's approval.
 */

/** 8-digit waste code of the 2021 list: 3-3-2 digits. */
export const WASTE_LIST_CODE = /^\d{3}-\d{3}-\d{2}$/;

/** Jiangsu (江苏省), where every district of Wuxi lies. */
export const JIANGSU = '32';
/** The district of a facility outside the city (the registry's word). */
const OUTSIDE_CITY = '市外';

/**
 * WASTE_CODE_FORMAT / WASTE_CODE_CATEGORY: the 8-digit code is well formed and its last two
 * digits are the category's number (900-041-49 under HW49; under HW08 it is refused).
 */
export function wasteListCodeProblems(code: string, category: string, path = 'wasteListCode'): ProblemItem[] {
  if (!WASTE_LIST_CODE.test(code))
    return [
      {
        path,
        rule: 'WASTE_CODE_FORMAT',
        message: `${code} is not a waste code of the 2021 National Hazardous Waste List (NNN-NNN-NN, e.g. 900-041-49)`,
      },
    ];
  const under = `HW${code.slice(-2)}`;
  return under === category
    ? []
    : [{ path, rule: 'WASTE_CODE_CATEGORY', message: `${code} is an entry of ${under}, not of ${category}` }];
}

/** What the registry holds of a facility's siting that decides its province. */
export interface FacilitySiting {
  district: string;
  /** Confirmed province of a '市外' facility (null: none confirmed). */
  province: string | null;
  /** pending: its siting, province included, not yet confirmed by emergency management. */
  status: string;
}

/**
 * The province of a facility: Jiangsu for a district of Wuxi; for a facility outside the city the
 * one emergency management confirmed on its siting, else null (unknown: counts as another
 * province). What the generator stated is returned as the claim it is; PROVINCE_MISMATCH when it
 * contradicts a known province.
 */
export function provinceOf(
  facility: FacilitySiting,
  stated: string | undefined,
  path: string,
): { province: string | null; stated: string | null; problems: ProblemItem[] } {
  const known =
    facility.district !== OUTSIDE_CITY
      ? JIANGSU
      : facility.status !== 'pending' && facility.province
        ? facility.province
        : null;
  const claim = stated ?? null;
  if (known && claim && claim !== known)
    return {
      province: known,
      stated: claim,
      problems: [
        {
          path,
          rule: 'PROVINCE_MISMATCH',
          message:
            // The confirmed province of another party's facility is not told, only that this is not it.
            facility.district === OUTSIDE_CITY
              ? `${claim} is not the facility's province as emergency management confirmed it`
              : `the facility lies in ${facility.district}, Wuxi: Jiangsu (32)`,
        },
      ],
    };
  return { province: known, stated: claim, problems: [] };
}

/**
 * A transfer across a provincial border (跨省转移): the generator's and the receiver's provinces
 * differ, or either is unconfirmed (a province no agency confirmed cannot spare the approval).
 */
export const crossesProvince = (generator: string | null, receiver: string | null): boolean =>
  generator === null || receiver === null || generator !== receiver;

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/**
 * The last instant waste put into storage at `since` may stay: one calendar year later, on the
 * local (Asia/Shanghai, UTC+8 all year) calendar. Stored 2025-03-01 10:00 local may stay until
 * 2026-03-01 10:00 local; stored 29 Feb 2024 counts to 1 March 2025 (there is no 29 Feb 2025).
 */
export function storageDeadline(since: Date): Date {
  const local = new Date(since.getTime() + SHANGHAI_OFFSET_MS);
  local.setUTCFullYear(local.getUTCFullYear() + 1);
  return new Date(local.getTime() - SHANGHAI_OFFSET_MS);
}

/** WASTE_STORED_OVER_ONE_YEAR (固废法 Art. 81): still in storage after its deadline. */
export const storedTooLong = (since: Date, asOf: Date): boolean => asOf.getTime() > storageDeadline(since).getTime();
