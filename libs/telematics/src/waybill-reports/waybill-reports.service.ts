import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeCursor, NotFound, type Principal, READ_POLICY, type ReadPolicy, toPage } from '@lib/platform';
import { waybillText } from '@lib/jt808';
import { canonicalTerminalId, RegistryLookup } from '@lib/registry';
import { AssignmentsService } from '../assignments/assignments.service.js';
import type { WaybillReportPage, WaybillReportQuery, WaybillReportView } from './waybill-report.dto.js';
import { type WaybillReport, WaybillReportsRepository } from './waybill-reports.repository.js';

/** Content beyond this is refused (a waybill is a few hundred bytes; 16 packages of a full body). */
export const WAYBILL_REPORT_MAX_BYTES = 16 * 1024;

/**
 * The same content from the same vehicle within this time is one report sent again. The natural
 * key is vehicle + content hash, not the terminal's serial number: a terminal resends when it
 * missed the answer, most often because the link dropped, and then resends on a new connection
 * (perhaps to another gateway process) where serial numbers say nothing about the old session.
 * Resends end within minutes (JT/T 808-2019 §4.4.2: timeouts growing T×(n+1) over a few
 * retries); an hour also covers a report held through a blind area. The same content after that
 * is a new report (the waybill shown again at a later stop).
 */
export const WAYBILL_REPORT_RESEND_WINDOW_MS = 3600_000;

const isSeq = (k: unknown): k is string => typeof k === 'string' && /^[0-9]{1,19}$/.test(k);

export type RecordOutcome = { kind: 'stored' | 'resent'; id: string } | { kind: 'too_large' };

function toView(r: WaybillReport): WaybillReportView {
  return {
    id: r.id,
    vehicleId: r.vehicleId,
    waybillId: r.waybillId,
    terminalId: r.terminalId,
    terminalFlow: r.terminalFlow,
    receivedAt: r.receivedAt.toISOString(),
    lastReceivedAt: r.lastReceivedAt.toISOString(),
    receipts: r.receipts,
    sizeBytes: r.content.length,
    text: r.contentText,
    contentBase64: r.content.toString('base64'),
  };
}

/** 0x0701 electronic waybill reports (电子运单上报): stored against the vehicle and its active e-waybill. */
@Injectable()
export class WaybillReportsService {
  constructor(
    private readonly reports: WaybillReportsRepository,
    private readonly assignments: AssignmentsService,
    private readonly registry: RegistryLookup,
    @Inject(READ_POLICY) private readonly reads: ReadPolicy,
  ) {}

  /**
   * Stores a report from an authenticated terminal; durable when this resolves, so the terminal
   * may be answered. A resend is counted on the stored row, not stored twice.
   */
  async record(
    vehicleId: string,
    terminal: { phone: string; flow: number },
    content: Buffer,
    receivedAt = new Date(),
  ): Promise<RecordOutcome> {
    if (content.length > WAYBILL_REPORT_MAX_BYTES) return { kind: 'too_large' };
    const assignment = (await this.assignments.forVehicles([vehicleId])).get(vehicleId);
    // The e-waybill holding the vehicle (loaded or in transit); released at receipt.
    const waybillId =
      assignment?.waybillId && assignment.validTo.getTime() > receivedAt.getTime() ? assignment.waybillId : null;
    const { report, stored } = await this.reports.record(
      {
        id: randomUUID(),
        vehicleId,
        waybillId,
        terminalId: canonicalTerminalId(terminal.phone) ?? terminal.phone,
        terminalFlow: terminal.flow,
        content,
        contentText: waybillText(content),
        contentSha256: createHash('sha256').update(content).digest(),
        receivedAt,
      },
      WAYBILL_REPORT_RESEND_WINDOW_MS,
    );
    return { kind: stored ? 'stored' : 'resent', id: report.id };
  }

  /**
   * A vehicle's reports, newest first. Admin; the vehicle's carrier; an agency whose sharing
   * policy gives it every waybill whole (the content is the waybill as the terminal holds it, free
   * text that cannot be cut to the policy's fields). Anyone else is answered as for a vehicle that
   * does not exist, so the route does not reveal which vehicles are there.
   */
  async list(vehicleId: string, q: WaybillReportQuery, principal: Principal): Promise<WaybillReportPage> {
    const vehicle = (await this.registry.vehicleMap([vehicleId])).get(vehicleId);
    const reads = await this.reads.readsOf(principal);
    const may =
      principal.kind === 'enterprise' ? principal.enterpriseId === vehicle?.carrierId : reads.whole('waybills');
    if (!vehicle || !may) throw new NotFound('vehicle', vehicleId);
    const limit = q.limit ?? 20;
    const rows = await this.reports.list(vehicleId, decodeCursor(q.cursor, isSeq), limit + 1);
    const page = toPage(rows, limit, (r) => r.seq);
    return { items: page.items.map(toView), nextCursor: page.nextCursor };
  }
}
