import type { Principal, ReadPolicy } from '@lib/platform';
import type { MovementView } from './movement.dto.js';

/**
 * A leg's carriage (waybill number, carrier, vehicle plate) is the waybill's: an agency reads it
 * only where the sharing policy gives it every waybill (one that receives only discrepancies, or
 * no waybill event, sees the leg without it). An enterprise sees it on its own legs, admin on all.
 */
export async function showsCarriage(policy: ReadPolicy | undefined, principal: Principal): Promise<boolean> {
  if (principal.kind !== 'agency') return true;
  if (!policy) return false;
  const reads = await policy.readsOf(principal);
  return reads.waybills === null || reads.waybills === 'all';
}

export const withoutCarriage = (v: MovementView): MovementView => ({ ...v, carriage: null });
