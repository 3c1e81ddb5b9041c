import { NotFound, type Principal } from '@lib/platform';

/**
 * Who sees which registry records: admin and agencies read everything; an enterprise reads and
 * writes only its own. Someone else's record is answered as not found, never as forbidden, so
 * that existence does not leak.
 */
export function ownerFilter(principal: Principal): string | null {
  return principal.kind === 'enterprise' ? principal.enterpriseId : null;
}

export function assertReadable(principal: Principal, ownerId: string, what: string, id: string): void {
  if (principal.kind === 'enterprise' && principal.enterpriseId !== ownerId) throw new NotFound(what, id);
}

/** Writers are admin or the owning enterprise (agencies are kept out by the routes' @Allow). */
export function assertWritable(principal: Principal, ownerId: string, what: string, id: string): void {
  if (principal.kind === 'agency') throw new NotFound(what, id);
  assertReadable(principal, ownerId, what, id);
}

/** May this principal see personal data (id numbers, phone numbers) of people employed by `employerId`? */
export function seesPersonalData(principal: Principal, employerId: string): boolean {
  return principal.kind === 'admin' || (principal.kind === 'enterprise' && principal.enterpriseId === employerId);
}
