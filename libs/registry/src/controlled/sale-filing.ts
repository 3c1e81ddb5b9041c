/**
 * The seller's filing of a sale of a highly toxic chemical or an explosive precursor (pure: no
 * clock, no I/O). Decree 591 Art. 41: 销售后5日内 the seller files the kind, quantity and buyer
 * (流向) with the county police; 《易制爆危险化学品治安管理办法》 Art. 13 repeats it for explosive
 * precursors. "Within 5 days" counts local calendar days (Asia/Shanghai): the duty falls due at the
 * end of the fifth day after the day of the sale.
 */
import { addDays, shanghaiDate, startOfShanghaiDate } from '@lib/platform';
import { grams } from './permit-rules.js';

export const SALE_FILING_DAYS = 5;

/** Whether selling this chemical leaves the seller a filing duty (Art. 41: 剧毒 and 易制爆). */
export const saleMustBeFiled = (c: { highlyToxic: boolean; explosivePrecursor: boolean }): boolean =>
  c.highlyToxic || c.explosivePrecursor;

/** The instant the filing duty of a sale falls due: the local midnight ending its fifth day after. */
export function saleFilingDue(soldAt: Date): Date {
  return startOfShanghaiDate(addDays(shanghaiDate(soldAt), SALE_FILING_DAYS + 1));
}

export interface SaleToFile {
  sellerId: string;
  buyerId: string;
  chemicalId: string;
  quantityKg: number;
  soldAt: Date;
  dueAt: Date;
}

export interface SaleFilingFacts {
  id: string;
  enterpriseId: string;
  status: string;
  /** The date police recorded it (the filing's first valid day). */
  validFrom: string;
  validTo: string;
  chemicalIds: string[];
  counterpartyId: string | null;
  permittedQuantityKg: number | null;
  usedKg: number;
}

/**
 * Does this verified filing record the sale? Same seller, the chemical named, the buyer named (or
 * none), enough quantity left, and filed within Art. 41's 5 days: from the local day of the sale
 * (a filing made before the sale reports no sale that happened, and would otherwise cover every
 * later one) to the fifth day after it. A filing made later does not record the sale: it stays
 * overdue, as police were warned.
 */
export function filingCovers(f: SaleFilingFacts, s: SaleToFile): boolean {
  const soldOn = shanghaiDate(s.soldAt);
  return (
    f.status === 'verified' &&
    f.validFrom >= soldOn &&
    f.validFrom <= addDays(soldOn, SALE_FILING_DAYS) &&
    f.enterpriseId === s.sellerId &&
    f.chemicalIds.includes(s.chemicalId) &&
    (f.counterpartyId === null || f.counterpartyId === s.buyerId) &&
    f.permittedQuantityKg !== null &&
    grams(s.quantityKg) <= grams(f.permittedQuantityKg) - grams(f.usedKg) &&
    f.validTo >= soldOn
  );
}

/** Overdue: past its due instant with no filing recorded. */
export const saleOverdue = (s: { dueAt: Date; filingId: string | null }, now: Date): boolean =>
  s.filingId === null && now.getTime() >= s.dueAt.getTime();
