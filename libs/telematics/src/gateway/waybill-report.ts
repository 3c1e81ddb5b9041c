import { readWaybillReport, RESULT } from '@lib/jt808';
import type { WaybillReportsService } from '../waybill-reports/waybill-reports.service.js';

/**
 * 0x0701 from an authenticated terminal: the result of the 0x8001 answer, given once the report
 * is stored (or found stored: a resend is answered 0 as the first receipt was). A body shorter than
 * its length says, or content over WAYBILL_REPORT_MAX_BYTES, is answered 2 (消息有误) and not stored.
 */
export async function answerWaybillReport(
  reports: WaybillReportsService,
  vehicleId: string,
  terminal: { phone: string; flow: number },
  body: Buffer,
): Promise<number> {
  const report = readWaybillReport(body);
  if (!report) return RESULT.badMessage;
  const outcome = await reports.record(vehicleId, terminal, report.content);
  return outcome.kind === 'too_large' ? RESULT.badMessage : RESULT.ok;
}
