import { Injectable } from '@nestjs/common';
import { ChainKeys, Database, Outbox, type ProblemItem, RulesViolated, uuid7 } from '@lib/platform';
import { classCovers } from '@lib/geofence';
import { type ChemicalView, type FacilityView, RegistryLookup } from '@lib/registry';
import { chainHash, type ChainedFields } from './chain/hash-chain.js';
import { LedgerRepository } from './ledger.repository.js';
import type { LotEntity, MovementEntity } from './movement.entity.js';
import { formatKg } from './quantity.js';
import type { MovementType, Unit } from './vocabulary.js';

export interface LegDraft {
  facility: FacilityView;
  type: MovementType;
  chemical: ChemicalView;
  lotId: string;
  /** Signed change of the facility's stock, kg (already rounded to grams). */
  deltaKg: number;
  originalValue: number;
  originalUnit: Unit;
  counterpartyFacilityId?: string | null;
  counterpartyEnterpriseId?: string | null;
  sourceMovementId?: string | null;
  reversesId?: string | null;
  wasteCode?: string | null;
  disposalMethod?: string | null;
  reason?: string | null;
  countId?: string | null;
  waybillId?: string | null;
  manifestId?: string | null;
  /** Set on the legs a waybill books (its shipment and receipt). */
  carriage?: Carriage | null;
}

/** The facts of a waybill's trip a ledger leg keeps: the ledger does not ask the waybill context again. */
export interface Carriage {
  waybillNumber: string;
  carrierEnterpriseId: string;
  vehiclePlate: string;
}

/** A booking dated beyond LEDGER_BACKDATE_HOURS: why it came late, and who confirmed (or booked) it. */
export interface CorrectionDraft {
  reason: string;
  /** The confirmed filing; null when emergency management or admin booked it directly. */
  filingId: string | null;
  by: string;
  byKeyId: string | null;
}

export interface OperationDraft {
  operation: string;
  occurredAt: Date;
  actorKeyId: string | null;
  legs: LegDraft[];
  newLots?: LotEntity[];
  correction?: CorrectionDraft | null;
}

const lotName = (lots: Map<string, string>, id: string): string => lots.get(id) ?? id;

/**
 * Books one operation: every leg of it or none. Inside the caller's transaction it locks the chain
 * heads of the facilities touched (so concurrent writers of a facility queue here), checks that no
 * stock goes below zero at any time from the movement onward and that no facility exceeds its
 * declared capacity, then appends the legs to each facility's keyed hash chain, updates the maintained
 * balances and writes the event to the outbox.
 */
@Injectable()
export class LedgerWriter {
  constructor(
    private readonly db: Database,
    private readonly repo: LedgerRepository,
    private readonly registry: RegistryLookup,
    private readonly outbox: Outbox,
    private readonly keys: ChainKeys,
  ) {}

  async commit(op: OperationDraft, lotNumbers: Map<string, string> = new Map()): Promise<MovementEntity[]> {
    if (!this.db.inTransaction) throw new Error('LedgerWriter.commit must run inside a transaction');
    const keys = op.legs.map((l) => `${l.facility.id}|${l.lotId}`);
    if (new Set(keys).size !== keys.length) {
      throw new RulesViolated([
        { path: '', rule: 'DUPLICATE_LEG', message: 'an operation touches each lot of a facility once' },
      ]);
    }
    const heads = await this.repo.lockHeads(op.legs.map((l) => l.facility.id));
    for (const lot of op.newLots ?? []) lotNumbers.set(lot.id, lot.number);
    const problems = [...(await this.stockProblems(op, lotNumbers)), ...(await this.capacityProblems(op))];
    if (problems.length) throw new RulesViolated(problems);

    await this.repo.insertLots(op.newLots ?? []);
    const recordedAt = new Date();
    const groupId = uuid7();
    const rows: MovementEntity[] = op.legs.map((leg) => {
      const head = heads.get(leg.facility.id)!;
      head.lastSeq += 1n;
      const fields: ChainedFields = {
        id: uuid7(),
        facilityId: leg.facility.id,
        facilitySeq: head.lastSeq.toString(),
        enterpriseId: leg.facility.enterpriseId,
        type: leg.type,
        chemicalId: leg.chemical.id,
        lotId: leg.lotId,
        quantityKg: formatKg(leg.deltaKg),
        originalValue: leg.originalValue.toFixed(6),
        originalUnit: leg.originalUnit,
        occurredAt: op.occurredAt.toISOString(),
        recordedAt: recordedAt.toISOString(),
        actorKeyId: op.actorKeyId,
        groupId,
        counterpartyFacilityId: leg.counterpartyFacilityId ?? null,
        counterpartyEnterpriseId: leg.counterpartyEnterpriseId ?? null,
        sourceMovementId: leg.sourceMovementId ?? null,
        reversesId: leg.reversesId ?? null,
        wasteCode: leg.wasteCode ?? null,
        disposalMethod: leg.disposalMethod ?? null,
        reason: leg.reason ?? null,
        countId: leg.countId ?? null,
        waybillId: leg.waybillId ?? null,
        manifestId: leg.manifestId ?? null,
        correctionReason: op.correction?.reason ?? null,
        correctionFilingId: op.correction?.filingId ?? null,
        correctedBy: op.correction?.by ?? null,
        correctedByKeyId: op.correction?.byKeyId ?? null,
        carrierEnterpriseId: leg.carriage?.carrierEnterpriseId ?? null,
        vehiclePlate: leg.carriage?.vehiclePlate ?? null,
        waybillNumber: leg.carriage?.waybillNumber ?? null,
      };
      const prevHash = head.lastHash;
      head.lastHash = chainHash(this.keys.linkKey, prevHash, fields);
      return {
        ...fields,
        carrierEnterpriseId: fields.carrierEnterpriseId ?? null,
        vehiclePlate: fields.vehiclePlate ?? null,
        waybillNumber: fields.waybillNumber ?? null,
        type: leg.type,
        originalUnit: leg.originalUnit,
        occurredAt: op.occurredAt,
        recordedAt,
        prevHash,
        hash: head.lastHash,
      };
    });
    await this.repo.insertMovements(rows);
    await this.repo.saveHeads(heads);
    await this.repo.addToBalances(
      rows.map((r) => ({ facilityId: r.facilityId, chemicalId: r.chemicalId, lotId: r.lotId, deltaKg: r.quantityKg })),
    );
    await this.outbox.append(
      'ledger.movement.recorded',
      {
        groupId,
        operation: op.operation,
        occurredAt: op.occurredAt.toISOString(),
        ...(rows[0]!.waybillId ? { waybillId: rows[0]!.waybillId } : {}),
        ...(rows[0]!.manifestId ? { manifestId: rows[0]!.manifestId } : {}),
        ...(op.correction
          ? { correction: { reason: op.correction.reason, filingId: op.correction.filingId, by: op.correction.by } }
          : {}),
        legs: rows.map((r) => ({
          movementId: r.id,
          type: r.type,
          facilityId: r.facilityId,
          enterpriseId: r.enterpriseId,
          chemicalId: r.chemicalId,
          lotId: r.lotId,
          quantityKg: Number(r.quantityKg),
        })),
      },
      { subjectId: groupId, occurredAt: op.occurredAt },
    );
    // A stock count that moved the book is a discrepancy the agencies follow (emergency, market).
    for (const r of rows.filter((row) => row.type === 'adjust')) {
      await this.outbox.append(
        'ledger.discrepancy',
        {
          movementId: r.id,
          facilityId: r.facilityId,
          enterpriseId: r.enterpriseId,
          chemicalId: r.chemicalId,
          lotId: r.lotId,
          countId: r.countId,
          differenceKg: Number(r.quantityKg),
          reason: r.reason,
          occurredAt: op.occurredAt.toISOString(),
        },
        { subjectId: r.facilityId, occurredAt: op.occurredAt },
      );
    }
    return rows;
  }

  /** The stock and capacity rules alone, writing nothing: a correction is checked when filed, and again when booked. */
  async check(op: OperationDraft, lotNumbers: Map<string, string> = new Map()): Promise<void> {
    for (const lot of op.newLots ?? []) lotNumbers.set(lot.id, lot.number);
    const problems = [...(await this.stockProblems(op, lotNumbers)), ...(await this.capacityProblems(op))];
    if (problems.length) throw new RulesViolated(problems);
  }

  /** STOCK_NEGATIVE: a withdrawal may not take a lot below zero at its time or at any later time. */
  private async stockProblems(op: OperationDraft, lots: Map<string, string>): Promise<ProblemItem[]> {
    const problems: ProblemItem[] = [];
    for (const leg of op.legs.filter((l) => l.deltaKg < 0)) {
      const lowest = await this.repo.lowestBalanceFrom(
        leg.facility.id,
        leg.chemical.id,
        leg.lotId,
        op.occurredAt,
        leg.deltaKg,
      );
      if (lowest < -0.0005) {
        problems.push({
          path: 'quantity',
          rule: 'STOCK_NEGATIVE',
          message: `${leg.type} of ${formatKg(-leg.deltaKg)} kg ${leg.chemical.nameZh} lot ${lotName(lots, leg.lotId)} would take ${leg.facility.name} ${formatKg(-lowest)} kg below zero`,
        });
      }
    }
    return problems;
  }

  /** CAPACITY_NOT_DECLARED / CAPACITY_EXCEEDED: additions stay within the facility's declared capacity. */
  private async capacityProblems(op: OperationDraft): Promise<ProblemItem[]> {
    const problems: ProblemItem[] = [];
    const additions = op.legs.filter((l) => l.deltaKg > 0);
    for (const facilityId of new Set(additions.map((l) => l.facility.id))) {
      const legs = additions.filter((l) => l.facility.id === facilityId);
      const facility = legs[0]!.facility;
      if (facility.status === 'pending') {
        problems.push({
          path: 'facilityId',
          rule: 'FACILITY_NOT_CONFIRMED',
          message: `${facility.name} awaits emergency management's confirmation of its siting and takes in nothing`,
        });
        continue;
      }
      if (facility.status !== 'active') {
        problems.push({
          path: 'facilityId',
          rule: 'FACILITY_CLOSED',
          message: `${facility.name} is closed and takes in nothing`,
        });
        continue;
      }
      const stock = await this.repo.stockByChemical(facilityId);
      const chemicals = await this.registry.chemicalMap([...stock.keys(), ...legs.map((l) => l.chemical.id)]);
      const pending = new Map<number, number>();
      for (const leg of legs) {
        const index = facility.capacities.findIndex((c) => c.chemicalId === leg.chemical.id);
        const entry =
          index >= 0
            ? index
            : facility.capacities.findIndex((c) => c.unClass && classCovers(c.unClass, leg.chemical.unClass));
        if (entry < 0) {
          problems.push({
            path: 'facilityId',
            rule: 'CAPACITY_NOT_DECLARED',
            message: `${facility.name} declares no capacity for ${leg.chemical.nameZh}`,
          });
          continue;
        }
        const cap = facility.capacities[entry]!;
        const counted = [...stock.keys(), leg.chemical.id].filter((chemicalId) => {
          const c = chemicals.get(chemicalId);
          return cap.chemicalId
            ? chemicalId === cap.chemicalId
            : !!c &&
                classCovers(cap.unClass!, c.unClass) &&
                !facility.capacities.some((x) => x.chemicalId === chemicalId);
        });
        const held = [...new Set(counted)].reduce((sum, chemicalId) => sum + (stock.get(chemicalId) ?? 0), 0);
        // A backdated addition is held at every instant since it happened: it must fit the highest stock since then.
        const since = await this.repo.highestSince(facilityId, [...new Set(counted)], op.occurredAt);
        const after = held + since + (pending.get(entry) ?? 0) + leg.deltaKg;
        pending.set(entry, (pending.get(entry) ?? 0) + leg.deltaKg);
        if (after > cap.maxKg + 0.0005) {
          problems.push({
            path: 'quantity',
            rule: 'CAPACITY_EXCEEDED',
            message: `${facility.name} would hold ${formatKg(after)} kg of ${cap.chemicalId ? leg.chemical.nameZh : `class ${cap.unClass}`}; its capacity is ${formatKg(cap.maxKg)} kg`,
          });
        }
      }
    }
    return problems;
  }
}
