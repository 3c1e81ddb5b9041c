import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';
import { type ChainRow, GENESIS_HASH } from './chain/hash-chain.js';
import { LotEntity, MovementEntity } from './movement.entity.js';

export interface ChainHead {
  lastSeq: bigint;
  lastHash: string;
}

export interface StockRow {
  chemicalId: string;
  lotId: string;
  quantityKg: number;
}

/** SQL of the ledger. No rules here: the writer and the services decide. */
@Injectable()
export class LedgerRepository {
  constructor(private readonly db: Database) {}

  /**
   * Locks the chain heads of the given facilities (creating missing ones), in id order so that
   * two operations over the same facilities never deadlock. Every writer of a facility passes
   * here first: checks and writes on one facility are serialised by this lock.
   */
  async lockHeads(facilityIds: string[]): Promise<Map<string, ChainHead>> {
    const ids = [...new Set(facilityIds)].sort();
    await this.db.query(
      `INSERT INTO ledger_chain_heads (facility_id, last_seq, last_hash) SELECT unnest($1::uuid[]), 0, $2 ON CONFLICT (facility_id) DO NOTHING`,
      [ids, GENESIS_HASH],
    );
    const heads = new Map<string, ChainHead>();
    for (const id of ids) {
      const [row] = await this.db.query<{ last_seq: string; last_hash: string }>(
        'SELECT last_seq, last_hash FROM ledger_chain_heads WHERE facility_id = $1 FOR UPDATE',
        [id],
      );
      heads.set(id, { lastSeq: BigInt(row!.last_seq), lastHash: row!.last_hash });
    }
    return heads;
  }

  async saveHeads(heads: Map<string, ChainHead>): Promise<void> {
    for (const [facilityId, head] of heads) {
      await this.db.query('UPDATE ledger_chain_heads SET last_seq = $2, last_hash = $3 WHERE facility_id = $1', [
        facilityId,
        head.lastSeq.toString(),
        head.lastHash,
      ]);
    }
  }

  /**
   * The lowest stock the (facility, chemical, lot) would reach from `at` onward, in occurred-at
   * order, if a change of `deltaKg` were booked at `at` (after everything already booked at `at`).
   */
  async lowestBalanceFrom(
    facilityId: string,
    chemicalId: string,
    lotId: string,
    at: Date,
    deltaKg: number,
  ): Promise<number> {
    const [row] = await this.db.query<{ lowest: string | null }>(
      `WITH m AS (
         SELECT occurred_at, facility_seq, quantity_kg FROM movements WHERE facility_id = $1 AND chemical_id = $2 AND lot_id = $3
         UNION ALL SELECT $4::timestamptz, 9223372036854775807, $5::numeric
       ), r AS (
         SELECT occurred_at, sum(quantity_kg) OVER (ORDER BY occurred_at, facility_seq ROWS UNBOUNDED PRECEDING) AS running FROM m
       )
       SELECT min(running) AS lowest FROM r WHERE occurred_at >= $4::timestamptz`,
      [facilityId, chemicalId, lotId, at, deltaKg],
    );
    return Number(row!.lowest);
  }

  /**
   * How much more of these chemicals the facility held at its highest after `at` than it holds
   * now (0 when never more): what is booked at `at` is held at every instant after it as well.
   */
  async highestSince(facilityId: string, chemicalIds: string[], at: Date): Promise<number> {
    if (chemicalIds.length === 0) return 0;
    const [row] = await this.db.query<{ highest: string | null }>(
      `WITH later AS (
         SELECT quantity_kg,
                sum(quantity_kg) OVER (ORDER BY occurred_at DESC, facility_seq DESC ROWS UNBOUNDED PRECEDING) AS from_here
           FROM movements WHERE facility_id = $1 AND chemical_id = ANY($2::uuid[]) AND occurred_at > $3)
       SELECT greatest(max(quantity_kg - from_here), -sum(quantity_kg), 0) AS highest FROM later`,
      [facilityId, chemicalIds, at],
    );
    return Number(row?.highest ?? 0);
  }

  /** Whether the lot was ever booked at the facility (it holds it, or held it). */
  async lotHeldAt(lotId: string, facilityId: string): Promise<boolean> {
    const [row] = await this.db.query<{ held: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM movements WHERE lot_id = $1 AND facility_id = $2) AS held',
      [lotId, facilityId],
    );
    return row!.held;
  }

  /** Whether the lot was ever booked at any facility of the enterprise. */
  async lotHeldBy(lotId: string, enterpriseId: string): Promise<boolean> {
    const [row] = await this.db.query<{ held: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM movements WHERE lot_id = $1 AND enterprise_id = $2) AS held',
      [lotId, enterpriseId],
    );
    return row!.held;
  }

  /** Current stock at a facility per chemical (all lots). */
  async stockByChemical(facilityId: string): Promise<Map<string, number>> {
    const rows = await this.db.query<{ chemical_id: string; kg: string }>(
      'SELECT chemical_id, sum(quantity_kg) AS kg FROM stock_balances WHERE facility_id = $1 GROUP BY chemical_id',
      [facilityId],
    );
    return new Map(rows.map((r) => [r.chemical_id, Number(r.kg)]));
  }

  async insertLots(lots: LotEntity[]): Promise<void> {
    if (lots.length) await this.db.repository(LotEntity).insert(lots);
  }

  async findLots(ids: string[]): Promise<LotEntity[]> {
    if (ids.length === 0) return [];
    return this.db.repository(LotEntity).createQueryBuilder('l').where('l.id = ANY(:ids)', { ids }).getMany();
  }

  findLotByNumber(originEnterpriseId: string, chemicalId: string, number: string): Promise<LotEntity | null> {
    return this.db.repository(LotEntity).findOneBy({ originEnterpriseId, chemicalId, number });
  }

  async insertMovements(rows: MovementEntity[]): Promise<void> {
    await this.db.repository(MovementEntity).insert(rows);
  }

  async addToBalances(
    deltas: Array<{ facilityId: string; chemicalId: string; lotId: string; deltaKg: string }>,
  ): Promise<void> {
    // UPDATE first: an INSERT of a negative delta would trip the non-negative check before any
    // ON CONFLICT could turn it into an update. A key is only ever new on an addition.
    for (const d of deltas) {
      const [, updated] = (await this.db.query(
        `UPDATE stock_balances SET quantity_kg = quantity_kg + $4 WHERE facility_id = $1 AND chemical_id = $2 AND lot_id = $3`,
        [d.facilityId, d.chemicalId, d.lotId, d.deltaKg],
      )) as unknown as [unknown, number];
      if (updated === 0) {
        await this.db.query(
          `INSERT INTO stock_balances (facility_id, chemical_id, lot_id, quantity_kg) VALUES ($1, $2, $3, $4)`,
          [d.facilityId, d.chemicalId, d.lotId, d.deltaKg],
        );
      }
    }
  }

  findMovement(id: string): Promise<MovementEntity | null> {
    return this.db.repository(MovementEntity).findOneBy({ id });
  }

  findGroup(groupId: string): Promise<MovementEntity[]> {
    return this.db.repository(MovementEntity).find({ where: { groupId }, order: { id: 'ASC' } });
  }

  /** Movements that point at any of these (a receipt of a shipment, a reversal). */
  async dependents(ids: string[]): Promise<MovementEntity[]> {
    return this.db
      .repository(MovementEntity)
      .createQueryBuilder('m')
      .where('m.source_movement_id = ANY(:ids) OR m.reverses_id = ANY(:ids)', { ids })
      .getMany();
  }

  /**
   * What arrived against a shipment or sale. A sale booked before sales waited for their buyer
   * carries its buyer's leg in its own group: it arrived whole.
   */
  async receivedAgainst(shipMovementId: string): Promise<number> {
    const [row] = await this.db.query<{ kg: string | null }>(
      `SELECT sum(quantity_kg) AS kg FROM movements
        WHERE (source_movement_id = $1 AND type IN ('receive', 'buy'))
           OR (type = 'buy' AND source_movement_id IS NULL AND group_id = (SELECT group_id FROM movements WHERE id = $1))`,
      [shipMovementId],
    );
    return Number(row!.kg ?? 0);
  }

  /**
   * Shipments and sales still in transit, oldest first: addressed to one enterprise (its incoming),
   * or all of them (null). Reversed ones and those received in full are left out.
   */
  async inTransit(f: {
    consigneeId: string | null;
    facilityId?: string;
    after: string | null;
    limit: number;
  }): Promise<Array<MovementEntity & { receivedKg: number }>> {
    const rows = await this.db.query<{ id: string; received_kg: string }>(
      `SELECT m.id, coalesce(r.kg, 0) AS received_kg FROM movements m
         LEFT JOIN LATERAL (
           SELECT sum(x.quantity_kg) AS kg FROM movements x
            WHERE (x.source_movement_id = m.id AND x.type IN ('receive', 'buy'))
               OR (m.type = 'sell' AND x.type = 'buy' AND x.source_movement_id IS NULL AND x.group_id = m.group_id)) r ON true
        WHERE m.type IN ('ship', 'sell')
          AND ($1::uuid IS NULL OR m.counterparty_enterprise_id = $1)
          AND ($2::uuid IS NULL OR m.counterparty_facility_id = $2)
          AND ($3::uuid IS NULL OR m.id > $3)
          AND NOT EXISTS (SELECT 1 FROM movements v WHERE v.reverses_id = m.id)
          AND -m.quantity_kg - coalesce(r.kg, 0) > 0.0005
        ORDER BY m.id LIMIT $4`,
      [f.consigneeId, f.facilityId ?? null, f.after, f.limit],
    );
    if (rows.length === 0) return [];
    const byId = new Map(
      (
        await this.db
          .repository(MovementEntity)
          .createQueryBuilder('m')
          .where('m.id = ANY(:ids)', { ids: rows.map((r) => r.id) })
          .getMany()
      ).map((m) => [m.id, m]),
    );
    return rows.map((r) => ({ ...byId.get(r.id)!, receivedKg: Number(r.received_kg) }));
  }

  /**
   * Holds a shipment while a receipt against it is checked and booked: two receipts of one
   * shipment (at two facilities of its consignee) queue here, so together they never exceed it.
   * A row lock, not a change: movements stay append-only.
   */
  async lockMovement(id: string): Promise<void> {
    await this.db.query('SELECT id FROM movements WHERE id = $1 FOR UPDATE', [id]);
  }

  /** Whether a reversal points at the movement. */
  async isReversed(movementId: string): Promise<boolean> {
    const [row] = await this.db.query<{ reversed: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM movements WHERE reverses_id = $1) AS reversed',
      [movementId],
    );
    return row!.reversed;
  }

  list(f: {
    enterpriseId?: string | null;
    facilityId?: string;
    chemicalId?: string;
    lotId?: string;
    type?: string;
    waybillId?: string;
    from?: Date;
    to?: Date;
    after: string | null;
    limit: number;
  }): Promise<MovementEntity[]> {
    const qb = this.db.repository(MovementEntity).createQueryBuilder('m').orderBy('m.id', 'ASC').limit(f.limit);
    if (f.enterpriseId) qb.andWhere('m.enterprise_id = :e', { e: f.enterpriseId });
    if (f.facilityId) qb.andWhere('m.facility_id = :f', { f: f.facilityId });
    if (f.chemicalId) qb.andWhere('m.chemical_id = :c', { c: f.chemicalId });
    if (f.lotId) qb.andWhere('m.lot_id = :l', { l: f.lotId });
    if (f.type) qb.andWhere('m.type = :t', { t: f.type });
    if (f.waybillId) qb.andWhere('m.waybill_id = :w', { w: f.waybillId });
    if (f.from) qb.andWhere('m.occurred_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('m.occurred_at < :to', { to: f.to });
    if (f.after) qb.andWhere('m.id > :after', { after: f.after });
    return qb.getMany();
  }

  /** Stock derived from the ledger as of an instant (occurred-at), per chemical and lot. */
  async stockAsOf(facilityId: string, at: Date): Promise<StockRow[]> {
    const rows = await this.db.query<{ chemical_id: string; lot_id: string; kg: string }>(
      `SELECT chemical_id, lot_id, sum(quantity_kg) AS kg FROM movements WHERE facility_id = $1 AND occurred_at <= $2
        GROUP BY chemical_id, lot_id HAVING sum(quantity_kg) <> 0 ORDER BY chemical_id, lot_id`,
      [facilityId, at],
    );
    return rows.map((r) => ({ chemicalId: r.chemical_id, lotId: r.lot_id, quantityKg: Number(r.kg) }));
  }

  /**
   * Per facility and chemical: the stock as of `at`, and the highest stock held at any instant
   * from `peakFrom` to `at` (the balance carried into the window counts), from the movements.
   */
  async stockProfile(
    facilityIds: string[],
    at: Date,
    peakFrom: Date,
  ): Promise<Array<{ facilityId: string; chemicalId: string; stockKg: number; peakKg: number }>> {
    const rows = await this.db.query<{ facility_id: string; chemical_id: string; stock: string; peak: string | null }>(
      `WITH running AS (
         SELECT facility_id, chemical_id, occurred_at,
                sum(quantity_kg) OVER (PARTITION BY facility_id, chemical_id ORDER BY occurred_at, facility_seq) AS bal
           FROM movements WHERE facility_id = ANY($1::uuid[]) AND occurred_at <= $2)
       SELECT facility_id, chemical_id,
              (array_agg(bal ORDER BY occurred_at DESC))[1] AS stock,
              greatest(max(bal) FILTER (WHERE occurred_at >= $3),
                       (array_agg(bal ORDER BY occurred_at DESC) FILTER (WHERE occurred_at < $3))[1]) AS peak
         FROM running GROUP BY facility_id, chemical_id`,
      [facilityIds, at, peakFrom],
    );
    return rows.map((r) => ({
      facilityId: r.facility_id,
      chemicalId: r.chemical_id,
      stockKg: Number(r.stock),
      peakKg: Math.max(0, Number(r.peak ?? 0)),
    }));
  }

  /** The adjust movements that cite each stock count, summed (kg). */
  async adjustedByCounts(countIds: string[]): Promise<Map<string, number>> {
    if (countIds.length === 0) return new Map();
    const rows = await this.db.query<{ count_id: string; kg: string }>(
      `SELECT count_id, sum(quantity_kg) AS kg FROM movements WHERE count_id = ANY($1::uuid[]) AND type = 'adjust' GROUP BY count_id`,
      [countIds],
    );
    return new Map(rows.map((r) => [r.count_id, Number(r.kg)]));
  }

  /** Stock from the maintained balances (the fast path for "now"). */
  async stockNow(facilityId: string): Promise<StockRow[]> {
    const rows = await this.db.query<{ chemical_id: string; lot_id: string; quantity_kg: string }>(
      `SELECT chemical_id, lot_id, quantity_kg FROM stock_balances WHERE facility_id = $1 AND quantity_kg <> 0 ORDER BY chemical_id, lot_id`,
      [facilityId],
    );
    return rows.map((r) => ({ chemicalId: r.chemical_id, lotId: r.lot_id, quantityKg: Number(r.quantity_kg) }));
  }

  /** Keys where the maintained balance differs from the ledger's sum (should never return a row). */
  mismatchedBalances(): Promise<
    Array<{ facilityId: string; chemicalId: string; lotId: string; balance: string | null; ledger: string | null }>
  > {
    return this.db.query(
      `SELECT coalesce(b.facility_id, l.facility_id) AS "facilityId", coalesce(b.chemical_id, l.chemical_id) AS "chemicalId",
              coalesce(b.lot_id, l.lot_id) AS "lotId", b.quantity_kg AS balance, l.kg AS ledger
         FROM stock_balances b
         FULL JOIN (SELECT facility_id, chemical_id, lot_id, sum(quantity_kg) AS kg FROM movements GROUP BY facility_id, chemical_id, lot_id) l
           ON l.facility_id = b.facility_id AND l.chemical_id = b.chemical_id AND l.lot_id = b.lot_id
        WHERE coalesce(b.quantity_kg, 0) <> coalesce(l.kg, 0)`,
    );
  }

  /** One facility's chain in order, read in pages so that a long chain never sits in memory at once. */
  async *chain(facilityId: string, pageSize = 2000): AsyncGenerator<ChainRow> {
    let after = '0';
    for (;;) {
      const rows = await this.db.query<Record<string, string | Date | null>>(
        `SELECT * FROM movements WHERE facility_id = $1 AND facility_seq > $2 ORDER BY facility_seq LIMIT $3`,
        [facilityId, after, pageSize],
      );
      for (const r of rows) yield toChainRow(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.facility_seq as string;
    }
  }

  /** The stored head of one facility's chain (null before its first movement). */
  async headOf(facilityId: string): Promise<{ lastSeq: string; lastHash: string } | null> {
    const [row] = await this.db.query<{ last_seq: string; last_hash: string }>(
      'SELECT last_seq::text AS last_seq, last_hash FROM ledger_chain_heads WHERE facility_id = $1',
      [facilityId],
    );
    return row ? { lastSeq: row.last_seq, lastHash: row.last_hash } : null;
  }

  /** Every facility chain's stored head (those with at least one movement). */
  async chainHeads(): Promise<Array<{ facilityId: string; lastSeq: string; lastHash: string }>> {
    const rows = await this.db.query<{ facility_id: string; last_seq: string; last_hash: string }>(
      'SELECT facility_id, last_seq::text AS last_seq, last_hash FROM ledger_chain_heads WHERE last_seq > 0',
    );
    return rows.map((r) => ({ facilityId: r.facility_id, lastSeq: r.last_seq, lastHash: r.last_hash }));
  }

  /** The movement stored at each (facility, sequence number), keyed `facilityId|seq`. */
  async linksAt(at: Array<{ facilityId: string; seq: string }>): Promise<Map<string, { id: string; hash: string }>> {
    if (at.length === 0) return new Map();
    const rows = await this.db.query<{ facility_id: string; facility_seq: string; id: string; hash: string }>(
      `SELECT m.facility_id, m.facility_seq::text AS facility_seq, m.id, m.hash
         FROM unnest($1::uuid[], $2::bigint[]) AS a(facility_id, seq)
         JOIN movements m ON m.facility_id = a.facility_id AND m.facility_seq = a.seq`,
      [at.map((a) => a.facilityId), at.map((a) => a.seq)],
    );
    return new Map(rows.map((r) => [`${r.facility_id}|${r.facility_seq}`, { id: r.id, hash: r.hash }]));
  }

  /** Every facility's chain, facility after facility, each in sequence order, read in pages. */
  async *allChains(pageSize = 2000): AsyncGenerator<ChainRow> {
    let after: [string, string] = ['00000000-0000-0000-0000-000000000000', '0'];
    for (;;) {
      const rows = await this.db.query<Record<string, string | Date | null>>(
        `SELECT * FROM movements WHERE (facility_id, facility_seq) > ($1::uuid, $2::bigint)
          ORDER BY facility_id, facility_seq LIMIT $3`,
        [after[0], after[1], pageSize],
      );
      for (const r of rows) yield toChainRow(r);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      after = [last.facility_id as string, String(last.facility_seq)];
    }
  }

  /** The lot and every lot derived from it (forward) or every lot it came from (backward). */
  async lineage(lotId: string, direction: 'forward' | 'backward'): Promise<LotEntity[]> {
    const step =
      direction === 'forward'
        ? 'SELECT l.id FROM lots l JOIN tree t ON t.id = ANY(l.parent_lot_ids)'
        : 'SELECT p FROM lots l JOIN tree t ON t.id = l.id, unnest(l.parent_lot_ids) AS p';
    const rows = await this.db.query<{ id: string }>(
      `WITH RECURSIVE tree(id) AS (SELECT $1::uuid UNION ${step}) SELECT id FROM tree`,
      [lotId],
    );
    return this.findLots(rows.map((r) => r.id));
  }

  async movementsOfLots(lotIds: string[]): Promise<MovementEntity[]> {
    if (lotIds.length === 0) return [];
    return this.db
      .repository(MovementEntity)
      .createQueryBuilder('m')
      .where('m.lot_id = ANY(:lotIds)', { lotIds })
      .orderBy('m.occurred_at', 'ASC')
      .addOrderBy('m.recorded_at', 'ASC')
      .getMany();
  }

  async balancesOfLots(lotIds: string[]): Promise<Array<{ facilityId: string; lotId: string; quantityKg: number }>> {
    if (lotIds.length === 0) return [];
    const rows = await this.db.query<{ facility_id: string; lot_id: string; quantity_kg: string }>(
      'SELECT facility_id, lot_id, quantity_kg FROM stock_balances WHERE lot_id = ANY($1) AND quantity_kg <> 0',
      [lotIds],
    );
    return rows.map((r) => ({ facilityId: r.facility_id, lotId: r.lot_id, quantityKg: Number(r.quantity_kg) }));
  }
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();
const s = (v: string | Date | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

/** A raw movements row (snake_case, as stored) as the fields its hash covers. */
export function toChainRow(r: Record<string, string | Date | null>): ChainRow {
  return {
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
    fields: {
      id: r.id as string,
      facilityId: r.facility_id as string,
      facilitySeq: String(r.facility_seq),
      enterpriseId: r.enterprise_id as string,
      type: r.type as string,
      chemicalId: r.chemical_id as string,
      lotId: r.lot_id as string,
      quantityKg: String(r.quantity_kg),
      originalValue: String(r.original_value),
      originalUnit: r.original_unit as string,
      occurredAt: iso(r.occurred_at as Date),
      recordedAt: iso(r.recorded_at as Date),
      actorKeyId: s(r.actor_key_id),
      groupId: r.group_id as string,
      counterpartyFacilityId: s(r.counterparty_facility_id),
      counterpartyEnterpriseId: s(r.counterparty_enterprise_id),
      sourceMovementId: s(r.source_movement_id),
      reversesId: s(r.reverses_id),
      wasteCode: s(r.waste_code),
      disposalMethod: s(r.disposal_method),
      reason: s(r.reason),
      countId: s(r.count_id),
      waybillId: s(r.waybill_id),
      manifestId: s(r.manifest_id),
      correctionReason: s(r.correction_reason),
      correctionFilingId: s(r.correction_filing_id),
      correctedBy: s(r.corrected_by),
      correctedByKeyId: s(r.corrected_by_key_id),
      carrierEnterpriseId: s(r.carrier_enterprise_id),
      vehiclePlate: s(r.vehicle_plate),
      waybillNumber: s(r.waybill_number),
    },
  };
}
