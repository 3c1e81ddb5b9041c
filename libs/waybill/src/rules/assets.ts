import type { ProblemItem } from '@lib/platform';
import { p, type Resolved } from './context.js';

/**
 * One vehicle, trailer, driver and escort per active trip (2019 rules Art. 22: the waybill names
 * the vehicle and crew that carry it). The assets' availability is read while resolving, so one
 * submission hears this with every other failed rule; the reservation at submission stays the
 * race guard (two submissions at once). Another party's trip is named only when it is the same
 * consignor's or carrier's own.
 */
export function busyAssets(r: Resolved): ProblemItem[] {
  return r.busy.map((b) =>
    p(
      `${b.kind}Id`,
      `${b.kind.toUpperCase()}_BUSY`,
      `the ${b.kind} is on another active waybill${b.own ? ` (${b.waybillId})` : ''}`,
    ),
  );
}
