import { readDriverIdentity, RESULT } from '@lib/jt808';
import type { DriverCardsService } from '../crew/driver-cards.service.js';

/**
 * 0x0702 from an authenticated terminal: the driver card stored against its vehicle before the
 * answer, so a location the terminal sends after it is evaluated with the card in the reader.
 * Answered with the general response: 0 stored (or stored before), 2 when the body fits no
 * layout or its time is refused (a clock far ahead).
 */
export async function onDriverIdentity(
  cards: DriverCardsService,
  vehicleId: string,
  body: Buffer,
  edition: 2013 | 2019,
  receivedAt = new Date(),
): Promise<number> {
  const report = readDriverIdentity(body, edition);
  if (!report) return RESULT.badMessage;
  const outcome = await cards.report(vehicleId, report, receivedAt);
  return outcome === 'refused' ? RESULT.badMessage : RESULT.ok;
}
