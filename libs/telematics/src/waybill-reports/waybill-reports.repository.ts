import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

export interface WaybillReport {
  id: string;
  /** Receipt order (the page key). */
  seq: string;
  vehicleId: string;
  waybillId: string | null;
  terminalId: string;
  terminalFlow: number;
  content: Buffer;
  contentText: string | null;
  receivedAt: Date;
  lastReceivedAt: Date;
  receipts: number;
}

export interface NewWaybillReport {
  id: string;
  vehicleId: string;
  waybillId: string | null;
  terminalId: string;
  terminalFlow: number;
  content: Buffer;
  contentText: string | null;
  contentSha256: Buffer;
  receivedAt: Date;
}

const toReport = (r: Record<string, unknown>): WaybillReport => ({
  id: r.id as string,
  seq: String(r.seq),
  vehicleId: r.vehicle_id as string,
  waybillId: (r.waybill_id as string | null) ?? null,
  terminalId: r.terminal_id as string,
  terminalFlow: Number(r.terminal_flow),
  // pg answers bytea as a Buffer, PGlite as a Uint8Array.
  content: Buffer.from(r.content as Uint8Array),
  contentText: (r.content_text as string | null) ?? null,
  receivedAt: new Date(r.received_at as Date),
  lastReceivedAt: new Date(r.last_received_at as Date),
  receipts: Number(r.receipts),
});

const COLUMNS = `id, seq, vehicle_id, waybill_id, terminal_id, terminal_flow, content, content_text, received_at, last_received_at, receipts`;

@Injectable()
export class WaybillReportsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores a report unless the same content from the same vehicle was stored within `windowMs`
   * before it; then that row counts one more receipt instead. The unique key (vehicle, content
   * hash, window number) makes two concurrent receipts in one window one row; the look-back covers
   * a resend that crossed into the next window. Answers the row and whether this receipt stored it.
   */
  async record(report: NewWaybillReport, windowMs: number): Promise<{ report: WaybillReport; stored: boolean }> {
    const at = report.receivedAt.getTime();
    return this.db.transaction(async () => {
      const [earlier] = await this.db.query<Record<string, unknown>>(
        // (CTEs: TypeORM answers a bare UPDATE or INSERT … RETURNING with [rows, count].)
        `WITH resent AS (
           UPDATE waybill_reports SET receipts = receipts + 1, last_received_at = GREATEST(last_received_at, $4)
            WHERE id = (SELECT id FROM waybill_reports
                         WHERE vehicle_id = $1 AND content_sha256 = $2 AND received_at > $3
                         ORDER BY seq DESC LIMIT 1)
            RETURNING ${COLUMNS})
         SELECT * FROM resent`,
        [report.vehicleId, report.contentSha256, new Date(at - windowMs), report.receivedAt],
      );
      if (earlier) return { report: toReport(earlier), stored: false };
      const [row] = await this.db.query<Record<string, unknown>>(
        `WITH stored AS (
         INSERT INTO waybill_reports (id, vehicle_id, waybill_id, terminal_id, terminal_flow, content, content_text,
                                      content_sha256, dedup_window, received_at, last_received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
         ON CONFLICT (vehicle_id, content_sha256, dedup_window) DO UPDATE
           SET receipts = waybill_reports.receipts + 1,
               last_received_at = GREATEST(waybill_reports.last_received_at, EXCLUDED.last_received_at)
         RETURNING ${COLUMNS})
         SELECT * FROM stored`,
        [
          report.id,
          report.vehicleId,
          report.waybillId,
          report.terminalId,
          report.terminalFlow,
          report.content,
          report.contentText,
          report.contentSha256,
          Math.floor(at / windowMs),
          report.receivedAt,
        ],
      );
      const stored = toReport(row!);
      return { report: stored, stored: stored.id === report.id };
    });
  }

  /** A vehicle's reports, newest first, after the `before` key. */
  async list(vehicleId: string, before: string | null, limit: number): Promise<WaybillReport[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM waybill_reports
        WHERE vehicle_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
        ORDER BY seq DESC LIMIT $3`,
      [vehicleId, before, limit],
    );
    return rows.map(toReport);
  }
}
