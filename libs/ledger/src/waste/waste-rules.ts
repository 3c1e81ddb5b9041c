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
 *   Wuxi lies in Jiangsu (GB/T 2260 code 32); a facility outside the city ('市外') states its
 *   province (two-digit GB/T 2260 code) on the manifest, since the registry does not hold one.
 * - Storage, 固废法 Art. 81: hazardous waste is stored for no more than one year (贮存危险废物不得
 *   超过一年); longer needs the licensing ecology department's approval.
 */

/** 8-digit waste code of the 2021 list: 3-3-2 digits. */
export const WASTE_LIST_CODE = /^\d{3}-\d{3}-\d{2}$/;

/** GB/T 2260 province-level codes (省级行政区划代码), the first two digits of a division code. */
export const PROVINCE_CODES = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
] as const; // prettier-ignore

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

/**
 * The province of a facility: Jiangsu for a district of Wuxi (a stated other one is refused, as
 * PROVINCE_MISMATCH); the stated one for a facility outside the city (none stated: PROVINCE_REQUIRED).
 */
export function provinceOf(
  district: string,
  stated: string | undefined,
  path: string,
): { province: string | null; problems: ProblemItem[] } {
  if (district !== OUTSIDE_CITY) {
    if (stated && stated !== JIANGSU)
      return {
        province: null,
        problems: [
          { path, rule: 'PROVINCE_MISMATCH', message: `the facility lies in ${district}, Wuxi: Jiangsu (32)` },
        ],
      };
    return { province: JIANGSU, problems: [] };
  }
  if (!stated)
    return {
      province: null,
      problems: [
        {
          path,
          rule: 'PROVINCE_REQUIRED',
          message: 'the facility lies outside Wuxi: state its province (GB/T 2260 code, e.g. 31 for Shanghai)',
        },
      ],
    };
  return { province: stated, problems: [] };
}

/** A transfer across a provincial border (跨省转移): the generator's and the receiver's provinces differ. */
export const crossesProvince = (generator: string, receiver: string): boolean => generator !== receiver;

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
