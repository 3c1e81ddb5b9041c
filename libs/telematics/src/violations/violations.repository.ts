import { Injectable } from '@nestjs/common';
import { Database, type ViolationReach } from '@lib/platform';
import { AcknowledgementEntity, ViolationEntity } from './violation.entity.js';

@Injectable()
export class ViolationsRepository {
  constructor(private readonly db: Database) {}

  /** Inserts an opened violation unless it (or another open one of the same vehicle, rule and target) exists. */
  async insertOpened(v: ViolationEntity): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO violations (id, vehicle_id, rule, target_id, target_kind, severity, status, opened_at, detected_at, trigger_received_at,
         closed_at, close_detected_at, first_point, worst_point, max_value, points, waybill_id, chemical_ids, detail, facts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        v.id,
        v.vehicleId,
        v.rule,
        v.targetId,
        v.targetKind,
        v.severity,
        v.status,
        v.openedAt,
        v.detectedAt,
        v.triggerReceivedAt,
        v.closedAt,
        v.closeDetectedAt,
        JSON.stringify(v.firstPoint),
        JSON.stringify(v.worstPoint),
        v.maxValue,
        JSON.stringify(v.points),
        v.waybillId,
        v.chemicalIds,
        JSON.stringify(v.detail),
        v.facts === null ? null : JSON.stringify(v.facts),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Closes an open violation; null when it is not open (already closed by a replay, or unknown),
   * else the facts it opened with (its closing event names what its opening named).
   */
  async close(
    id: string,
    patch: Pick<ViolationEntity, 'closedAt' | 'closeDetectedAt' | 'worstPoint' | 'maxValue' | 'points'>,
  ): Promise<{ facts: ViolationEntity['facts'] } | null> {
    const rows = await this.db.query<{ id: string; facts: ViolationEntity['facts'] }>(
      // Through a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], never empty.
      `WITH closed AS (
         UPDATE violations SET status = 'closed', closed_at = $2, close_detected_at = $3, worst_point = $4, max_value = $5, points = $6
          WHERE id = $1 AND status = 'open' RETURNING id, facts)
       SELECT id, facts FROM closed`,
      [
        id,
        patch.closedAt,
        patch.closeDetectedAt,
        JSON.stringify(patch.worstPoint),
        patch.maxValue,
        JSON.stringify(patch.points),
      ],
    );
    return rows[0] ? { facts: rows[0].facts ?? null } : null;
  }

  findById(id: string): Promise<ViolationEntity | null> {
    return this.db.repository(ViolationEntity).findOneBy({ id });
  }

  list(f: {
    vehicleIds?: string[];
    /** Only the violations a reader's sharing policy reaches (its alert rules and severities, or escalated to it). */
    reach?: ViolationReach;
    vehicleId?: string;
    waybillId?: string;
    rule?: string;
    status?: string;
    severity?: string;
    from?: Date;
    to?: Date;
    after: string | null;
    limit: number;
  }): Promise<ViolationEntity[]> {
    const qb = this.db.repository(ViolationEntity).createQueryBuilder('v').orderBy('v.id', 'ASC').limit(f.limit);
    if (f.vehicleIds) qb.andWhere('v.vehicle_id = ANY(:vids)', { vids: f.vehicleIds });
    if (f.reach) qb.andWhere(reachSql('v'), reachParams(f.reach));
    if (f.vehicleId) qb.andWhere('v.vehicle_id = :vid', { vid: f.vehicleId });
    if (f.waybillId) qb.andWhere('v.waybill_id = :w', { w: f.waybillId });
    if (f.rule) qb.andWhere('v.rule = :r', { r: f.rule });
    if (f.status) qb.andWhere('v.status = :s', { s: f.status });
    if (f.severity) qb.andWhere('v.severity = :sev', { sev: f.severity });
    if (f.from) qb.andWhere('v.opened_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('v.opened_at < :to', { to: f.to });
    if (f.after) qb.andWhere('v.id > :after', { after: f.after });
    return qb.getMany();
  }

  async openRules(vehicleIds: string[], reach?: ViolationReach): Promise<Map<string, string[]>> {
    if (vehicleIds.length === 0) return new Map();
    const rows = reach
      ? await this.db.query<{ vehicle_id: string; rule: string }>(
          `SELECT vehicle_id, rule FROM violations v WHERE status = 'open' AND vehicle_id = ANY($1)
              AND ((($2::text[] IS NULL OR v.rule = ANY($2::text[])) AND v.severity = ANY($3::text[]))
                   OR v.id = ANY($4::uuid[]))`,
          [vehicleIds, reach.rules, reach.severities, reach.escalatedIds],
        )
      : await this.db.query<{ vehicle_id: string; rule: string }>(
          `SELECT vehicle_id, rule FROM violations WHERE status = 'open' AND vehicle_id = ANY($1)`,
          [vehicleIds],
        );
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.vehicle_id, [...(out.get(r.vehicle_id) ?? []), r.rule]);
    return out;
  }

  acknowledgements(ids: string[]): Promise<AcknowledgementEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .repository(AcknowledgementEntity)
      .createQueryBuilder('a')
      .where('a.violation_id = ANY(:ids)', { ids })
      .orderBy('a.at', 'ASC')
      .getMany();
  }

  async acknowledge(a: AcknowledgementEntity): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO violation_acknowledgements (id, violation_id, agency, key_id, note, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
      [a.id, a.violationId, a.agency, a.keyId, a.note, a.at],
    );
    return rows.length > 0;
  }
}

/** The violations a reach gives: rules (all when null) at its severities, or escalated to the reader. */
const reachSql = (alias: string): string =>
  `(((:reachAllRules OR ${alias}.rule = ANY(:reachRules)) AND ${alias}.severity = ANY(:reachSeverities))
     OR ${alias}.id = ANY(:reachIds))`;

const reachParams = (r: ViolationReach): Record<string, unknown> => ({
  reachAllRules: r.rules === null,
  reachRules: r.rules ?? [],
  reachSeverities: r.severities,
  reachIds: r.escalatedIds,
});
