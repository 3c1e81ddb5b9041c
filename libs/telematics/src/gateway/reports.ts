import type { Location } from '@lib/jt808';
import type { IncomingFix } from '../fixes/fix.js';

/**
 * JT/T 808 location reports (0x0200, and each item of 0x0704) as fixes for the one ingest path,
 * which checks them as it checks HTTP points (IngestService.ingest → checkFix).
 *
 * - A report whose GNSS status bit says "not located" is kept, flagged unlocated: its alarm bits
 *   are raised at the vehicle's last usable position (marked position-invalid); it never becomes a
 *   track point, latest position or spatial input. It is stored before it is answered, like any
 *   other report, so a crash loses nothing and a resend doubles nothing.
 * - Heading is passed as sent: checkFix refuses one outside 0..360 instead of wrapping it.
 * - A 0x0704 batch has one answer for all its items. Each item is judged on its own: the good ones
 *   are stored; if any was refused the answer is result 2 (message wrong), which tells the terminal
 *   its data is wrong (typically its clock) without making it hold the good items back. Resending
 *   the batch is harmless: stored items are duplicates, refused ones are refused again.
 */
export function toIncomingFixes(vehicleId: string, locations: Location[], late: boolean): IncomingFix[] {
  return locations.map((l) => ({
    vehicleId,
    ts: Date.parse(l.ts),
    lon: l.lon,
    lat: l.lat,
    speedKmh: l.speedKmh,
    heading: l.heading,
    altitudeM: l.altitudeM,
    accuracyM: null,
    alarmFlags: l.alarm,
    late,
    ...(l.located ? {} : { located: false }),
    extra: { status: l.status, ...(l.mileageKm !== undefined ? { mileageKm: l.mileageKm } : {}), ...l.extra },
  }));
}
