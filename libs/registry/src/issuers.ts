import type { Agency } from '@lib/platform';
import type { LicenceKind } from './vocabulary.js';

/**
 * Who issues what (../shared/reference/issuers.md, after the regulations named per row). A fact
 * that decides what someone may do counts only once the agency that issues it has asserted it
 * (verified a licence, confirmed a certificate) or admin has; what an enterprise files about
 * itself is a claim until then. README's "Who may assert what" table is this table.
 */
export interface Issuer {
  /** The agency that issues, verifies, suspends and revokes it. */
  agency: Agency;
  /** The document's name as the regulations and the people who hold it call it. */
  nameZh: string;
  name: string;
  /** Who holds it. */
  holder: 'enterprise' | 'vehicle' | 'person' | 'facility';
  /** The legal basis (the regulation and article). */
  basis: string;
  /** What it gates in this service. */
  gates: string;
}

/** Licences, permits and police filings an enterprise holds (the licences table). */
export const LICENCE_ISSUERS: Record<LicenceKind, Issuer> = {
  safety_production: {
    agency: 'emergency',
    nameZh: '安全生产许可证',
    name: 'safety production licence',
    holder: 'enterprise',
    basis: '《安全生产许可证条例》; 《危险化学品生产企业安全生产许可证实施办法》',
    gates: 'produce; store, use and sell own products',
  },
  safe_use: {
    agency: 'emergency',
    nameZh: '危险化学品安全使用许可证',
    name: 'safe use licence',
    holder: 'enterprise',
    basis: '《危险化学品安全管理条例》(Decree 591) Art. 29; 《危险化学品安全使用许可证实施办法》',
    gates: 'use, store',
  },
  business: {
    agency: 'emergency',
    nameZh: '危险化学品经营许可证',
    name: 'hazardous chemicals business licence',
    holder: 'enterprise',
    basis: 'Decree 591 Art. 33–35; 《危险化学品经营许可证管理办法》',
    gates: 'sell, buy for resale, store for trade',
  },
  road_transport: {
    agency: 'transport',
    nameZh: '道路运输经营许可证（道路危险货物运输）',
    name: 'road transport operation permit (dangerous goods)',
    holder: 'enterprise',
    basis: '《道路危险货物运输管理规定》',
    gates: 'carry dangerous goods (a waybill’s carrier)',
  },
  hazardous_waste: {
    agency: 'ecology',
    nameZh: '危险废物经营许可证',
    name: 'hazardous waste business licence',
    holder: 'enterprise',
    basis: '《危险废物经营许可证管理办法》; 《固体废物污染环境防治法》 Art. 80',
    gates: 'accept, store and dispose of waste of the codes it names',
  },
  highly_toxic_purchase: {
    agency: 'police',
    nameZh: '剧毒化学品购买许可证',
    name: 'highly toxic chemicals purchase permit',
    holder: 'enterprise',
    basis: 'Decree 591 Art. 39–40',
    gates: 'one purchase of a highly toxic chemical without a licence covering it: chemical, quantity, seller',
  },
  highly_toxic_road_pass: {
    agency: 'police',
    nameZh: '剧毒化学品道路运输通行证',
    name: 'highly toxic chemicals road transport pass',
    holder: 'enterprise',
    basis: 'Decree 591 Art. 50; 《剧毒化学品购买和公路运输许可证件管理办法》',
    gates: 'one e-waybill with a highly toxic load: its route, vehicle, chemicals, quantity and dates',
  },
  explosive_precursor_filing: {
    agency: 'police',
    nameZh: '易制爆危险化学品购买备案',
    name: 'explosive precursor purchase filing',
    holder: 'enterprise',
    basis: 'Decree 591 Art. 38, 41; 《易制爆危险化学品治安管理办法》',
    gates: 'buy an explosive precursor without a licence covering it',
  },
  // The seller's filing of each sale with county police (县级公安机关) within 5 days: the kind,
  // quantity and buyer (流向) of a highly toxic chemical or explosive precursor sold.
  controlled_sale_filing: {
    agency: 'police',
    nameZh: '剧毒化学品、易制爆危险化学品销售备案',
    name: 'highly toxic or explosive precursor sale filing',
    holder: 'enterprise',
    basis: 'Decree 591 Art. 41; 《易制爆危险化学品治安管理办法》 Art. 13',
    gates: 'discharges the seller’s duty to file a sale within 5 days (else CONTROLLED_SALE_UNFILED)',
  },
  // Non-pharmaceutical category 1: provincial police (省级公安机关); pharmaceutical category 1 is the
  // medical products administration's (药品监督管理部门), which this service does not model.
  drug_precursor_purchase_permit: {
    agency: 'police',
    nameZh: '第一类易制毒化学品购买许可证',
    name: 'drug precursor purchase permit (category 1)',
    holder: 'enterprise',
    basis: '《易制毒化学品管理条例》 Art. 14–16',
    gates: 'buy a category 1 drug precursor: chemical, quantity, seller',
  },
  drug_precursor_purchase_filing: {
    agency: 'police',
    nameZh: '第二、三类易制毒化学品购买备案证明',
    name: 'drug precursor purchase filing (categories 2, 3)',
    holder: 'enterprise',
    basis: '《易制毒化学品管理条例》 Art. 17',
    gates: 'buy a category 2 or 3 drug precursor: chemical, quantity, seller',
  },
  // Art. 20: categories 1 and 2 by the 设区的市级 police where the goods leave; category 3 is filed
  // with the county police (县级) there. (../shared/reference/issuers.md groups category 2 with the
  // filings; the article itself puts it with the permits.)
  drug_precursor_transport_permit: {
    agency: 'police',
    nameZh: '第一、二类易制毒化学品运输许可证',
    name: 'drug precursor transport permit (categories 1, 2)',
    holder: 'enterprise',
    basis: '《易制毒化学品管理条例》 Art. 20–22',
    gates: 'an e-waybill carrying a category 1 or 2 drug precursor: chemical, quantity, consignee, vehicle, dates',
  },
  drug_precursor_transport_filing: {
    agency: 'police',
    nameZh: '第三类易制毒化学品运输备案证明',
    name: 'drug precursor transport filing (category 3)',
    holder: 'enterprise',
    basis: '《易制毒化学品管理条例》 Art. 20',
    gates: 'an e-waybill carrying a category 3 drug precursor: chemical, quantity, consignee, dates',
  },
};

/** The certificates and confirmed facts of vehicles, personnel, facilities and enterprises. */
export const CERTIFICATE_KINDS = [
  'vehicle_transport_certificate',
  'tank_inspection',
  'terminal_binding',
  'qualification',
  'facility_siting',
  'enterprise_registration',
] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/** The facts on vehicles, personnel, facilities and enterprises that gate, grouped by who confirms them. */
export const CERTIFICATE_ISSUERS = {
  vehicle_transport_certificate: {
    agency: 'transport',
    nameZh: '道路运输证',
    name: 'vehicle road transport certificate',
    holder: 'vehicle',
    basis: '《道路危险货物运输管理规定》',
    gates: 'the classes a vehicle may carry, its approved load (核定载质量), the certificate’s validity',
  },
  tank_inspection: {
    agency: 'market',
    nameZh: '罐体定期检验 / 移动式压力容器使用登记证',
    name: 'tank inspection and pressure tank registration',
    holder: 'vehicle',
    basis: '《特种设备安全法》; TSG R0005; GB 18564',
    gates: 'loading a tank: its approved media (适装介质), volume, inspection validity',
  },
  terminal_binding: {
    agency: 'transport',
    nameZh: '卫星定位装置入网',
    name: 'terminal fitted to a vehicle',
    holder: 'vehicle',
    basis: '《道路运输车辆动态监督管理办法》',
    gates: 'whose position reports are the vehicle’s',
  },
  qualification: {
    agency: 'transport',
    nameZh: '从业资格证（驾驶人员、押运人员）',
    name: 'driver or escort qualification',
    holder: 'person',
    basis: '《道路运输从业人员管理规定》',
    gates: 'the crew of an e-waybill',
  },
  facility_siting: {
    agency: 'emergency',
    nameZh: '设施选址与设计储量',
    name: 'facility district, location, fence and design quantities',
    holder: 'facility',
    basis: '《危险化学品安全管理条例》 Art. 19; 《危险化学品重大危险源监督管理暂行规定》; GB 18218-2018',
    gates: 'district restrictions (禁限控), arrivals and departures, capacity, major hazard grading',
  },
  enterprise_registration: {
    agency: 'emergency',
    nameZh: '企业登记（辖区、经营类别）',
    name: 'enterprise district and roles',
    holder: 'enterprise',
    basis: '《危险化学品安全管理条例》',
    gates: 'district restrictions; who may act as a carrier',
  },
} as const satisfies Record<CertificateKind, Issuer>;

export const licenceIssuer = (kind: LicenceKind): Agency => LICENCE_ISSUERS[kind].agency;
