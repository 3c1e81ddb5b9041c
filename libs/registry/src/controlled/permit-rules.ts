/**
 * Permits and filings that cover one purchase, sale or trip (pure: data in, problems out; no
 * clock, no I/O). A permit counts only as its issuer (police) verified it, within its dates, for
 * the chemicals it names, with its counterparty and vehicles, and within the quantity it states
 * less what earlier purchases, sales or trips under it consumed:
 * - 剧毒化学品购买许可证 (Decree 591 Art. 39–40) and 道路运输通行证 (Art. 50): per purchase, per trip;
 * - 易制爆 purchase and sale filings (Art. 38, 41; 《易制爆危险化学品治安管理办法》);
 * - 易制毒 purchase permits and filings (《易制毒化学品管理条例》 Art. 15, 17) and transport permits
 *   and filings (Art. 20–22: 品种、数量、运输工具、收货人 on the document).
 */
import { classCovers } from '@lib/geofence';
import type { LicenceKind, LicenceStatus } from '../vocabulary.js';

export interface PermitFacts {
  id: string;
  kind: LicenceKind;
  /** The document's name (剧毒化学品购买许可证) and number, for the reasons. */
  name: string;
  number: string;
  status: LicenceStatus;
  statusReason: string | null;
  /** Local dates (Asia/Shanghai), inclusive. */
  validFrom: string;
  validTo: string;
  chemicalIds: string[];
  classes: string[];
  vehicleIds: string[];
  routeIds: string[];
  counterpartyId: string | null;
  permittedQuantityKg: number | null;
  /** kg consumed by other purchases, sales or trips under it (not the one being judged). */
  usedKg: number;
}

export interface PermitNeed {
  chemical: { id: string; nameZh: string; unClass: string | null };
  /** The local dates it must be valid on: one day for a purchase, departure to arrival for a trip. */
  from: string;
  to: string;
  /** The quantity this purchase, sale or trip takes (kg); absent: the quantity is not judged. */
  quantityKg?: number;
  /** The other party: seller of a purchase, buyer of a sale, consignee of a trip. */
  counterpartyId?: string | null;
  /** A trip: every vehicle of the transport unit must be named. */
  vehicleIds?: string[];
  routeId?: string;
}

export interface PermitProblem {
  code: string;
  text: string;
  licenceId: string;
}

/** kg to whole grams: quantities are compared exactly, never as floating sums (0.1 + 0.2 kg). */
export const grams = (kg: number): number => Math.round(kg * 1000);

/** kg still allowed under a permit (never negative). */
export const remainingKg = (p: Pick<PermitFacts, 'permittedQuantityKg' | 'usedKg'>): number =>
  p.permittedQuantityKg === null ? 0 : Math.max(0, grams(p.permittedQuantityKg) - grams(p.usedKg)) / 1000;

/** Every reason one permit does not cover the need (empty: it does). */
export function permitProblems(p: PermitFacts, need: PermitNeed): PermitProblem[] {
  const name = `${p.name} ${p.number}`;
  const out: PermitProblem[] = [];
  const add = (code: string, text: string) => out.push({ code, text, licenceId: p.id });
  const why = p.statusReason ? `: ${p.statusReason}` : '';
  // What the holder filed counts for nothing until police verified it.
  if (p.status === 'pending') add('LICENCE_PENDING', `${name} awaits verification by its issuer`);
  else if (p.status === 'refused') add('LICENCE_REFUSED', `${name} was refused by its issuer${why}`);
  else if (p.status === 'suspended') add('LICENCE_SUSPENDED', `${name} is suspended${why}`);
  else if (p.status === 'revoked') add('LICENCE_REVOKED', `${name} is revoked${why}`);
  if (out.length) return out;
  if (need.to > p.validTo) add('LICENCE_EXPIRED', `${name} expired on ${p.validTo}`);
  if (need.from < p.validFrom) add('LICENCE_NOT_YET_VALID', `${name} is valid only from ${p.validFrom}`);
  const c = need.chemical;
  if (!p.chemicalIds.includes(c.id) && !p.classes.some((cl) => classCovers(cl, c.unClass)))
    add('LICENCE_OUT_OF_SCOPE', `${name} does not cover ${c.nameZh}`);
  if (p.counterpartyId && need.counterpartyId !== undefined && need.counterpartyId !== p.counterpartyId)
    add('PERMIT_COUNTERPARTY', `${name} names another counterparty`);
  for (const v of need.vehicleIds ?? [])
    if (!p.vehicleIds.includes(v)) add('PERMIT_VEHICLE', `${name} does not name vehicle ${v}`);
  if (need.routeId && p.routeIds.length && !p.routeIds.includes(need.routeId))
    add('PERMIT_ROUTE', `${name} permits other routes`);
  if (need.quantityKg !== undefined) {
    if (p.permittedQuantityKg === null) add('PERMIT_QUANTITY_EXCEEDED', `${name} states no quantity`);
    else if (grams(need.quantityKg) > grams(p.permittedQuantityKg) - grams(p.usedKg))
      add(
        'PERMIT_QUANTITY_EXCEEDED',
        `${name} allows ${p.permittedQuantityKg} kg, ${remainingKg(p)} kg of it left; ${need.quantityKg} kg asked`,
      );
  }
  return out;
}

/**
 * The permit that covers the need, or the reasons none does: the first candidate without a
 * problem wins; otherwise every candidate's reasons (the holder sees why each falls short).
 */
export function choosePermit(
  candidates: PermitFacts[],
  need: PermitNeed,
): { permit: PermitFacts; problems: [] } | { permit: null; problems: PermitProblem[] } {
  const judged = candidates.map((p) => ({ p, problems: permitProblems(p, need) }));
  const ok = judged.find((j) => j.problems.length === 0);
  if (ok) return { permit: ok.p, problems: [] };
  return { permit: null, problems: judged.flatMap((j) => j.problems) };
}

/** Permits whose every use is a whole trip: 剧毒化学品道路运输通行证, one pass per trip (Decree 591 Art. 50). */
export const ONE_USE_KINDS: readonly LicenceKind[] = ['highly_toxic_road_pass'];

/** A permit as it stands under its row lock, with what subjects other than the one booking consumed. */
export interface LockedPermit {
  id: string;
  kind: LicenceKind;
  number: string;
  permittedQuantityKg: number | null;
  usedKg: number;
  usedBy: string[];
}

/** Why the booking of these uses would overdraw a permit, found once the permits are locked. */
export interface PermitShortfall {
  licenceId: string;
  kind: LicenceKind;
  code: 'PERMIT_QUANTITY_EXCEEDED' | 'PERMIT_USED';
  text: string;
}

/**
 * The check made again under the permits' row locks, just before their uses are booked: what a
 * concurrent purchase or trip booked meanwhile counts now. A booking's uses of one permit are
 * summed (two lines, one permit); a one-trip permit another subject used is spent.
 */
export function useShortfalls(
  permits: LockedPermit[],
  uses: ReadonlyArray<{ licenceId: string; quantityKg: number }>,
): PermitShortfall[] {
  const out: PermitShortfall[] = [];
  for (const p of permits) {
    const askedG = uses.filter((u) => u.licenceId === p.id).reduce((g, u) => g + grams(u.quantityKg), 0);
    if (ONE_USE_KINDS.includes(p.kind) && p.usedBy.length)
      out.push({ licenceId: p.id, kind: p.kind, code: 'PERMIT_USED', text: `${p.number} was used by another trip` });
    if (p.permittedQuantityKg === null || askedG > grams(p.permittedQuantityKg) - grams(p.usedKg))
      out.push({
        licenceId: p.id,
        kind: p.kind,
        code: 'PERMIT_QUANTITY_EXCEEDED',
        text: `${p.number} allows ${p.permittedQuantityKg ?? 0} kg, ${remainingKg(p)} kg of it left; ${askedG / 1000} kg asked`,
      });
  }
  return out;
}
