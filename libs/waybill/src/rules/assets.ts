import type { ProblemItem } from '@lib/platform';
import { type ContentForRules, p, type Resolved } from './context.js';

/**
 * One vehicle, trailer, driver and escort per active trip (2019 rules Art. 22: the waybill names
 * the vehicle and crew that carry it). The assets' availability is read while resolving, so one
 * submission hears this with every other failed rule; the reservation at submission stays the
 * race guard (two submissions at once). Only the carrier's own vehicles and employees are
 * reported busy: naming another carrier's truck or driver must not tell whether it is on the road
 * (the ownership rules answer for it). Another party's trip is named only when it is the same
 * consignor's or carrier's own.
 */
export function busyAssets(c: Pick<ContentForRules, 'carrierId'>, r: Resolved): ProblemItem[] {
  const carriers = (kind: 'vehicle' | 'trailer' | 'driver' | 'escort'): boolean => {
    if (kind === 'vehicle' || kind === 'trailer') return r[kind]?.carrierId === c.carrierId;
    return r[kind]?.employerId === c.carrierId;
  };
  return r.busy
    .filter((b) => carriers(b.kind))
    .map((b) =>
      p(
        `${b.kind}Id`,
        `${b.kind.toUpperCase()}_BUSY`,
        `the ${b.kind} is on another active waybill${b.own ? ` (${b.waybillId})` : ''}`,
      ),
    );
}
