/**
 * Which licences, permits or filings an activity on a chemical needs, and for whom, as
 * 《危险化学品安全管理条例》 (State Council Decree 591, 2013 revision) and the rules under it state
 * them (pure: data in, data out). Each requirement names the article it applies, and a requirement
 * the law waives for this enterprise is listed too, with the article that waives it.
 */
import type { Activity, EnterpriseRole, EnterpriseSector, LicenceKind } from '../vocabulary.js';

export interface RequirementChemical {
  nameZh: string;
  highlyToxic: boolean;
  explosivePrecursor: boolean;
  drugPrecursorCategory: number | null;
}

/** The enterprise's confirmed kind (Decree 591 Art. 29) and roles: gated, confirmed by emergency management. */
export interface RequirementEnterprise {
  sector: EnterpriseSector;
  usesAboveThreshold: boolean;
  roles: readonly EnterpriseRole[];
}

/** Roles that store for others or for trade (储存、经营): their storage needs a licence whatever Art. 29 says. */
const STORES_FOR_TRADE: readonly EnterpriseRole[] = ['storer', 'trader', 'producer'];

export interface Requirement {
  /** What is needed, in words (安全使用许可证). */
  need: string;
  /** The article it applies (Decree 591 Art. 29). */
  basis: string;
  /** Any one of these, verified and in force, covering the chemical, satisfies it; empty: waived. */
  kinds: LicenceKind[];
  /** The reason when none is held at all (LICENCE_MISSING, PURCHASE_PERMIT_REQUIRED…). */
  missingCode: string;
  /** false: the law does not ask it of this enterprise (note says why). */
  required: boolean;
  note?: string;
}

/** Licences whose holders may buy highly toxic chemicals and explosive precursors (Art. 38). */
const HELD: LicenceKind[] = ['safety_production', 'safe_use', 'business'];

const SAFE_USE_BASIS = 'Decree 591 Art. 29; 《危险化学品安全使用许可证实施办法》 Art. 2';

/** Does Art. 29 ask this enterprise for a safe use licence? */
export function needsSafeUseLicence(e: RequirementEnterprise): { required: boolean; note?: string } {
  if (e.sector !== 'chemical')
    return {
      required: false,
      note: `a ${e.sector} is not a chemical enterprise (化工企业): Art. 29 asks it for no safe use licence`,
    };
  if (!e.usesAboveThreshold)
    return {
      required: false,
      note: 'uses less than 《危险化学品使用量的数量标准》 (2013): Art. 29 asks it for no safe use licence',
    };
  return { required: true };
}

export function requirements(
  activity: Activity,
  chemical: RequirementChemical,
  enterprise: RequirementEnterprise,
): Requirement[] {
  const one = (need: string, basis: string, kinds: LicenceKind[]): Requirement[] => [
    { need, basis, kinds, missingCode: 'LICENCE_MISSING', required: true },
  ];
  switch (activity) {
    case 'produce':
      return one('safety production licence', 'Decree 591 Art. 14; 《安全生产许可证条例》 Art. 2', [
        'safety_production',
      ]);
    case 'store': {
      // A user Art. 29 excuses from a safe use licence (a hospital, a laboratory, a plant below the
      // thresholds) keeps what it uses under no licence: the safe use licence is the only one that
      // covers a user's storage, and Art. 29 does not ask it. Storing for trade or for others
      // (storer, trader, producer) still needs its production or business licence (Art. 14, 33).
      const art29 = needsSafeUseLicence(enterprise);
      if (!art29.required && !enterprise.roles.some((r) => STORES_FOR_TRADE.includes(r)))
        return [
          {
            need: 'a licence to keep chemicals for its own use',
            basis: SAFE_USE_BASIS,
            kinds: [],
            missingCode: 'LICENCE_MISSING',
            required: false,
            note: `${art29.note}; it keeps them for its own use, not for trade`,
          },
        ];
      // Storage is covered by the licence of the business that stores: production, business with
      // storage (带储存; one without may sell but not store), safe use.
      return one('a production, business (with storage) or safe use licence', 'Decree 591 Art. 14, 29, 33–35', [
        'safety_production',
        'business',
        'safe_use',
      ]);
    }
    case 'use': {
      const art29 = needsSafeUseLicence(enterprise);
      if (!art29.required)
        return [
          {
            need: 'safe use licence',
            basis: SAFE_USE_BASIS,
            kinds: [],
            missingCode: 'LICENCE_MISSING',
            required: false,
            note: art29.note,
          },
        ];
      // A producer uses under its production licence (Art. 29 excludes 危险化学品生产企业).
      return one('safe use licence', SAFE_USE_BASIS, ['safe_use', 'safety_production']);
    }
    case 'sell':
      // A producer sells its own products under its production licence, without a business licence (Art. 33).
      return one('business licence', 'Decree 591 Art. 33', ['business', 'safety_production']);
    case 'transport':
      return one('road transport operation permit', 'Decree 591 Art. 43; 《道路危险货物运输管理规定》', [
        'road_transport',
      ]);
    case 'dispose':
      return one('hazardous waste business licence', '《固体废物污染环境防治法》 Art. 80', ['hazardous_waste']);
    case 'buy': {
      const out: Requirement[] = [];
      if (chemical.highlyToxic)
        out.push({
          need: 'highly toxic purchase permit, or a production, use or business licence covering it',
          basis: 'Decree 591 Art. 38–40',
          kinds: ['highly_toxic_purchase', ...HELD],
          missingCode: 'PURCHASE_PERMIT_REQUIRED',
          required: true,
        });
      if (chemical.explosivePrecursor)
        out.push({
          need: 'explosive precursor purchase filing, or a production, use or business licence covering it',
          basis: 'Decree 591 Art. 38; 《易制爆危险化学品治安管理办法》 Art. 11–12',
          kinds: ['explosive_precursor_filing', ...HELD],
          missingCode: 'PRECURSOR_FILING_REQUIRED',
          required: true,
        });
      if (chemical.drugPrecursorCategory === 1)
        out.push({
          need: 'category 1 drug precursor purchase permit (购买许可证)',
          basis: '《易制毒化学品管理条例》 Art. 14–15',
          kinds: ['drug_precursor_purchase_permit'],
          missingCode: 'DRUG_PRECURSOR_PERMIT_REQUIRED',
          required: true,
        });
      else if (chemical.drugPrecursorCategory === 2 || chemical.drugPrecursorCategory === 3)
        out.push({
          need: `category ${chemical.drugPrecursorCategory} drug precursor purchase filing (购买备案证明)`,
          basis: '《易制毒化学品管理条例》 Art. 17',
          kinds: ['drug_precursor_purchase_filing'],
          missingCode: 'DRUG_PRECURSOR_FILING_REQUIRED',
          required: true,
        });
      return out;
    }
  }
}
