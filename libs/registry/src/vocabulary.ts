/** Wuxi's districts (无锡市辖区、县级市 and the economic development zone), plus 市外 for out-of-town parties. */
export const DISTRICTS = ['梁溪', '锡山', '惠山', '滨湖', '新吴', '江阴', '宜兴', '经开区', '市外'] as const;
export type District = (typeof DISTRICTS)[number];

/** GB/T 2260 province-level codes (省级行政区划代码), the first two digits of a division code. */
export const PROVINCE_CODES = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
] as const; // prettier-ignore

/** What an enterprise does with hazardous chemicals (生产、储存、使用、经营、运输、处置). */
export const ENTERPRISE_ROLES = ['producer', 'storer', 'user', 'trader', 'carrier', 'disposer'] as const;
export type EnterpriseRole = (typeof ENTERPRISE_ROLES)[number];

/**
 * What kind of enterprise it is, for 《危险化学品安全管理条例》 (Decree 591) Art. 29 and
 * 《危险化学品安全使用许可证实施办法》 Art. 2: only a chemical enterprise (化工企业) that uses listed
 * chemicals as production raw material above 《危险化学品使用量的数量标准》 (2013) needs a safe use
 * licence; hospitals (医院), laboratories (实验室), schools (学校) and other users (其他使用单位) do
 * not. A gated fact: the enterprise claims it, emergency management confirms it.
 */
export const ENTERPRISE_SECTORS = ['chemical', 'hospital', 'laboratory', 'school', 'other'] as const;
export type EnterpriseSector = (typeof ENTERPRISE_SECTORS)[number];

export const CREDIT_STATUSES = ['normal', 'warned', 'blacklisted'] as const;
export type CreditStatus = (typeof CREDIT_STATUSES)[number];

/**
 * Licence kinds (who issues each: issuers.ts):
 * safety_production 安全生产许可证; business 危险化学品经营许可证; safe_use 危险化学品安全使用许可证;
 * road_transport 道路危险货物运输许可; hazardous_waste 危险废物经营许可证;
 * highly_toxic_purchase 剧毒化学品购买许可证; highly_toxic_road_pass 剧毒化学品道路运输通行证;
 * explosive_precursor_filing 易制爆危险化学品购买备案 (the buyer's);
 * controlled_sale_filing 剧毒、易制爆危险化学品销售备案 (the seller's, within 5 days: Decree 591 Art. 41);
 * drug_precursor_purchase_permit 第一类易制毒化学品购买许可证 (《易制毒化学品管理条例》 Art. 15);
 * drug_precursor_purchase_filing 第二、三类易制毒化学品购买备案证明 (Art. 17);
 * drug_precursor_transport_permit 第一、二类易制毒化学品运输许可证 (Art. 20);
 * drug_precursor_transport_filing 第三类易制毒化学品运输备案证明 (Art. 20).
 */
export const LICENCE_KINDS = [
  'safety_production',
  'business',
  'safe_use',
  'road_transport',
  'hazardous_waste',
  'highly_toxic_purchase',
  'highly_toxic_road_pass',
  'explosive_precursor_filing',
  'controlled_sale_filing',
  'drug_precursor_purchase_permit',
  'drug_precursor_purchase_filing',
  'drug_precursor_transport_permit',
  'drug_precursor_transport_filing',
] as const;
export type LicenceKind = (typeof LICENCE_KINDS)[number];

/**
 * Permits and filings that cover one purchase, sale or trip: they name the chemical, a permitted
 * quantity and the counterparty, and each use consumes their quantity (permit_uses).
 */
export const PERMIT_KINDS = [
  'highly_toxic_purchase',
  'highly_toxic_road_pass',
  'explosive_precursor_filing',
  'controlled_sale_filing',
  'drug_precursor_purchase_permit',
  'drug_precursor_purchase_filing',
  'drug_precursor_transport_permit',
  'drug_precursor_transport_filing',
] as const satisfies readonly LicenceKind[];
export type PermitKind = (typeof PERMIT_KINDS)[number];
export const isPermitKind = (k: LicenceKind): k is PermitKind => (PERMIT_KINDS as readonly string[]).includes(k);

/**
 * pending: filed by the enterprise, not yet verified by its issuer (it counts for nothing);
 * verified: asserted by the issuing agency (or admin, or that agency's import); refused: the
 * issuer did not verify it; suspended and revoked: the issuer's later acts. Only verified, in
 * force, counts.
 */
export const LICENCE_STATUSES = ['pending', 'verified', 'refused', 'suspended', 'revoked'] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

/** Activities the authorization query answers for. */
export const ACTIVITIES = ['produce', 'store', 'use', 'sell', 'buy', 'transport', 'dispose'] as const;
export type Activity = (typeof ACTIVITIES)[number];

/** 禁限控: prohibited everywhere, restricted to listed districts, controlled (allowed, watched). */
export const CONTROL_STATUSES = ['none', 'controlled', 'restricted', 'prohibited'] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

export const VEHICLE_KINDS = ['tanker', 'van', 'tractor', 'trailer'] as const;
export type VehicleKind = (typeof VEHICLE_KINDS)[number];
export const VEHICLE_STATUSES = ['active', 'suspended', 'retired'] as const;

export const PERSON_ROLES = ['driver', 'escort'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];
/**
 * 从业资格 kinds (JT/T 617 and 道路危险货物运输管理规定): driver or escort, and the categories for
 * highly toxic chemicals and explosives (剧毒化学品、爆炸品), which need their own qualification.
 */
export const QUALIFICATION_KINDS = [
  'dg_driver',
  'dg_escort',
  'dg_driver_toxic_explosive',
  'dg_escort_toxic_explosive',
] as const;
export type QualificationKind = (typeof QUALIFICATION_KINDS)[number];

export const FACILITY_KINDS = ['storage', 'production', 'use', 'disposal'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];
/** GB 18218-2018 §3.5/3.6: a unit is a production unit or a storage unit. */
export const HAZARD_UNIT_KINDS = ['production_unit', 'storage_unit'] as const;
export type HazardUnitKind = (typeof HAZARD_UNIT_KINDS)[number];

/** UN/ADR classes and divisions a licence or vehicle can name ("2" covers 2.1, 2.2 and 2.3). */
export const HAZARD_CLASSES = [
  '1',
  '1.1',
  '1.2',
  '1.3',
  '1.4',
  '1.5',
  '1.6',
  '2',
  '2.1',
  '2.2',
  '2.3',
  '3',
  '4',
  '4.1',
  '4.2',
  '4.3',
  '5',
  '5.1',
  '5.2',
  '6',
  '6.1',
  '6.2',
  '7',
  '8',
  '9',
] as const;

/** National Hazardous Waste List (国家危险废物名录) category codes, HW01 to HW50. */
export const WASTE_CODE = /^HW(0[1-9]|[1-4]\d|50)$/;
