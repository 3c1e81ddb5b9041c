import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Database,
  decodeCursor,
  isUuidString,
  NotFound,
  type Page,
  type Principal,
  type ProblemItem,
  RulesViolated,
  toPage,
  uuid7,
} from '@lib/platform';
import {
  type Activity,
  AuthorizationService,
  type ChemicalView,
  type FacilityView,
  RegistryLookup,
} from '@lib/registry';
import { LedgerRepository } from '../ledger.repository.js';
import { type CorrectionDraft, type LegDraft, LedgerWriter, type OperationDraft } from '../ledger-writer.js';
import type { LotEntity, MovementEntity } from '../movement.entity.js';
import { roundKg, toKg } from '../quantity.js';
import type { Unit } from '../vocabulary.js';
import { dating, IN_FUTURE, windowText } from './backdating.js';
import type { InTransitQuery, InTransitView, MovementQuery, MovementView, RecordMovementDto } from './movement.dto.js';
import { toInTransitView, toMovementView } from './movement.view.js';

/** Which facilities a lot must have been booked at before an operation may touch it. */
type Held = 'facility' | 'enterprise';

interface Context {
  dto: RecordMovementDto;
  principal: Principal;
  at: Date;
  facility: FacilityView;
  chemical: ChemicalView;
}

/**
 * Turns a requested operation into ledger legs, after the registry's rules (licence for the
 * activity, credit status, 禁限控) for every enterprise it involves, judged at its occurred-at time
 * and inside the transaction that writes it. Every leg lies on the booking enterprise's own
 * facilities and touches only lots it holds or held: stock reaches another enterprise only when
 * that enterprise books the receipt of what was addressed to it.
 */
@Injectable()
export class MovementService {
  constructor(
    private readonly db: Database,
    private readonly repo: LedgerRepository,
    private readonly writer: LedgerWriter,
    private readonly registry: RegistryLookup,
    private readonly authorization: AuthorizationService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Books a current movement for another context (a waybill's shipment and receipt): those happen
   * now, so one dated beyond the backdating window is refused, never filed.
   */
  async record(dto: RecordMovementDto, principal: Principal): Promise<MovementView[]> {
    const at = new Date(dto.occurredAt);
    const when = dating(at, new Date(), this.config.ledger.backdateMs);
    if (when === 'future') throw new RulesViolated([IN_FUTURE]);
    if (when === 'correction')
      throw new RulesViolated([
        {
          path: 'occurredAt',
          rule: 'BEYOND_BACKDATE_WINDOW',
          message: `occurredAt lies more than ${windowText(this.config.ledger.backdateMs)} back: file it as a correction`,
        },
      ]);
    return this.book(dto, principal, null);
  }

  /**
   * Books the movement, all its checks in the transaction that writes it. `correction` is set for a
   * booking dated beyond the window (confirmed, or booked by emergency management or admin).
   */
  async book(
    dto: RecordMovementDto,
    principal: Principal,
    correction: CorrectionDraft | null,
  ): Promise<MovementView[]> {
    const rows = await this.db.transaction(async () => {
      const { draft, lotNumbers } = await this.draft(dto, principal);
      return this.writer.commit({ ...draft, correction }, lotNumbers);
    });
    return rows.map(toMovementView);
  }

  /** Every check a booking would make, then the draft of its legs (nothing written). */
  async draft(
    dto: RecordMovementDto,
    principal: Principal,
  ): Promise<{
    draft: OperationDraft;
    lotNumbers: Map<string, string>;
    facility: FacilityView;
    chemical: ChemicalView;
  }> {
    const facility = await this.ownFacility(dto.facilityId, principal, 'facilityId');
    const chemical = (await this.registry.chemicalMap([dto.chemicalId])).get(dto.chemicalId);
    if (!chemical)
      throw new RulesViolated([
        {
          path: 'chemicalId',
          rule: 'REFERENCE_NOT_FOUND',
          message: `chemical ${dto.chemicalId} is not in the catalogue`,
        },
      ]);
    const ctx: Context = { dto, principal, at: new Date(dto.occurredAt), facility, chemical };
    return { ...(await this.build(ctx)), facility, chemical };
  }

  /** A facility the principal acts for: its own (any, for admin); another's is not found. */
  private async ownFacility(id: string, principal: Principal, path: string): Promise<FacilityView> {
    const f = (await this.registry.facilityMap([id])).get(id);
    if (!f || (principal.kind === 'enterprise' && principal.enterpriseId !== f.enterpriseId)) {
      // Someone else's facility and a missing one look the same: existence does not leak.
      if (path === 'facilityId') throw new NotFound('facility', id);
      throw new RulesViolated([{ path, rule: 'NOT_YOURS', message: `${path} must be one of your own facilities` }]);
    }
    return f;
  }

  /** A counterparty's facility (a buyer's, a destination). */
  private async anyFacility(id: string, path: string): Promise<FacilityView> {
    const f = (await this.registry.facilityMap([id])).get(id);
    if (!f) throw new RulesViolated([{ path, rule: 'REFERENCE_NOT_FOUND', message: `facility ${id} does not exist` }]);
    return f;
  }

  private kg(ctx: Context, value: number, unit: Unit, path = 'quantity'): number {
    const kg = toKg(value, unit, ctx.chemical.densityKgPerL);
    if (kg === null) {
      throw new RulesViolated([
        {
          path: `${path}.unit`,
          rule: 'DENSITY_UNKNOWN',
          message: `${ctx.chemical.nameZh} has no density in the catalogue; give the quantity in kg or t`,
        },
      ]);
    }
    if (kg <= 0)
      throw new RulesViolated([{ path: `${path}.value`, rule: 'TOO_SMALL', message: 'the quantity rounds to 0 g' }]);
    return kg;
  }

  /** Refuses with every reason the registry gives (REGISTRY codes pass through as rules). */
  private async authorize(
    enterpriseId: string,
    activity: Activity,
    ctx: Context,
    facility: FacilityView,
    path: string,
    opts: { wasteCode?: string; ignore?: string[]; counterparty?: string } = {},
  ): Promise<ProblemItem[]> {
    const answer = await this.authorization.authorize({
      enterpriseId,
      activity,
      chemicalId: ctx.chemical.id,
      at: ctx.at,
      district: facility.district,
      wasteCode: opts.wasteCode,
    });
    // Another enterprise's licences (numbers, refusal reasons) are its own: a counterparty hears the rule only.
    return answer.reasons
      .filter((r) => !opts.ignore?.includes(r.code))
      .map((r) => ({
        path,
        rule: r.code,
        message: opts.counterparty
          ? `the ${opts.counterparty} may not ${activity} ${ctx.chemical.nameZh} (${r.code})`
          : `${activity}: ${r.text}`,
      }));
  }

  /**
   * A lot the operation may touch: one booked at this facility before (held: 'facility'), or, for a
   * count that finds more and for a receipt from outside, at any facility of the enterprise. A lot
   * it never held answers as a missing one: a typed lot id learns nothing and books nothing.
   */
  private async existingLot(
    ctx: Context,
    lotId: string | undefined,
    path = 'lotId',
    held: Held = 'facility',
  ): Promise<LotEntity> {
    const [lot] = lotId ? await this.repo.findLots([lotId]) : [];
    const where = held === 'facility' ? 'this facility' : 'any of your facilities';
    const ok =
      !!lot &&
      (held === 'facility'
        ? await this.repo.lotHeldAt(lot.id, ctx.facility.id)
        : await this.repo.lotHeldBy(lot.id, ctx.facility.enterpriseId));
    if (!lot || !ok)
      throw new RulesViolated([
        { path, rule: 'REFERENCE_NOT_FOUND', message: `no lot ${lotId ?? '(none)'} was ever booked at ${where}` },
      ]);
    if (lot.chemicalId !== ctx.chemical.id)
      throw new RulesViolated([
        { path, rule: 'LOT_CHEMICAL', message: `lot ${lot.number} is not ${ctx.chemical.nameZh}` },
      ]);
    return lot;
  }

  /**
   * The shipment or sale a receipt completes, when the receiving facility's enterprise is its
   * consignee: the one named on it, or the shipper itself when it names none. To anyone else it
   * does not exist: the same 404 as a missing one, so a stranger cannot tell.
   */
  private async shipmentFor(ctx: Context, id: string): Promise<MovementEntity> {
    const ship = await this.repo.findMovement(id);
    const consignee = ship ? (ship.counterpartyEnterpriseId ?? ship.enterpriseId) : null;
    if (!ship || (ship.type !== 'ship' && ship.type !== 'sell') || consignee !== ctx.facility.enterpriseId)
      throw new NotFound('shipment', id);
    await this.repo.lockMovement(ship.id);
    return ship;
  }

  private newLot(
    ctx: Context,
    number: string,
    origin: LotEntity['origin'],
    parents: string[],
    wasteCode: string | null = null,
  ): LotEntity {
    return {
      id: uuid7(),
      number,
      chemicalId: ctx.chemical.id,
      originEnterpriseId: ctx.facility.enterpriseId,
      originFacilityId: ctx.facility.id,
      origin,
      wasteCode,
      parentLotIds: parents,
      createdAt: new Date(),
    };
  }

  private leg(
    ctx: Context,
    facility: FacilityView,
    type: LegDraft['type'],
    lotId: string,
    deltaKg: number,
    extra: Partial<LegDraft> = {},
  ): LegDraft {
    const q = ctx.dto.quantity;
    return {
      facility,
      type,
      chemical: ctx.chemical,
      lotId,
      deltaKg: roundKg(deltaKg),
      originalValue: q?.value ?? Math.abs(deltaKg),
      originalUnit: q?.unit ?? 'kg',
      countId: ctx.dto.countId ?? null,
      waybillId: ctx.dto.waybillId ?? null,
      ...extra,
    };
  }

  private async build(ctx: Context): Promise<{ draft: OperationDraft; lotNumbers: Map<string, string> }> {
    const { dto, facility } = ctx;
    const problems: ProblemItem[] = [];
    const newLots: LotEntity[] = [];
    const lotNumbers = new Map<string, string>();
    let legs: LegDraft[] = [];
    const owner = facility.enterpriseId;
    const kg = (): number => this.kg(ctx, dto.quantity!.value, dto.quantity!.unit);

    switch (dto.operation) {
      case 'produce': {
        problems.push(...(await this.authorize(owner, 'produce', ctx, facility, 'facilityId')));
        const existing = await this.repo.findLotByNumber(owner, ctx.chemical.id, dto.lotNumber!);
        const lot = existing ?? this.newLot(ctx, dto.lotNumber!, 'produced', []);
        if (!existing) newLots.push(lot);
        else if (existing.origin !== 'produced')
          problems.push({
            path: 'lotNumber',
            rule: 'LOT_NOT_PRODUCED',
            message: `lot ${existing.number} was not produced here`,
          });
        legs = [this.leg(ctx, facility, 'produce', lot.id, kg())];
        break;
      }
      case 'receive': {
        let lotId: string;
        let supplier = dto.counterpartyEnterpriseId ?? null;
        let from: string | null = null;
        let type: LegDraft['type'] = 'receive';
        if (dto.sourceMovementId) {
          const ship = await this.shipmentFor(ctx, dto.sourceMovementId);
          if (ship.chemicalId !== ctx.chemical.id)
            problems.push({
              path: 'chemicalId',
              rule: 'LOT_CHEMICAL',
              message: 'the shipment carried another chemical',
            });
          if (ship.counterpartyFacilityId && ship.counterpartyFacilityId !== facility.id) {
            problems.push({
              path: 'facilityId',
              rule: 'WRONG_CONSIGNEE',
              message: 'the shipment was sent to another of your facilities',
            });
          }
          if (ctx.at < ship.occurredAt)
            problems.push({
              path: 'occurredAt',
              rule: 'RECEIPT_BEFORE_SHIPMENT',
              message: `a receipt cannot precede its shipment (${ship.occurredAt.toISOString()})`,
            });
          if (await this.repo.isReversed(ship.id))
            problems.push({
              path: 'sourceMovementId',
              rule: 'SHIPMENT_REVERSED',
              message: 'the shipment was reversed by its shipper; nothing of it is in transit',
            });
          const open = -Number(ship.quantityKg) - (await this.repo.receivedAgainst(ship.id));
          if (kg() > open + 0.0005)
            problems.push({
              path: 'quantity',
              rule: 'RECEIPT_EXCEEDS_SHIPMENT',
              message: `only ${open.toFixed(3)} kg of the shipment are still in transit`,
            });
          lotId = ship.lotId;
          supplier = ship.enterpriseId;
          from = ship.facilityId;
          // The buyer's receipt of a sale is its purchase (购买).
          if (ship.type === 'sell') type = 'buy';
        } else if (dto.lotNumber) {
          const lot = this.newLot(ctx, dto.lotNumber, 'received_external', []);
          newLots.push(lot);
          lotId = lot.id;
        } else lotId = (await this.existingLot(ctx, dto.lotId, 'lotId', 'enterprise')).id;
        problems.push(...(await this.authorize(owner, 'store', ctx, facility, 'facilityId')));
        if (supplier !== owner) problems.push(...(await this.authorize(owner, 'buy', ctx, facility, 'facilityId')));
        legs = [
          this.leg(ctx, facility, type, lotId, kg(), {
            sourceMovementId: dto.sourceMovementId ?? null,
            counterpartyEnterpriseId: supplier,
            counterpartyFacilityId: from,
          }),
        ];
        break;
      }
      case 'ship': {
        const lot = await this.existingLot(ctx, dto.lotId);
        const to = dto.counterpartyFacilityId
          ? await this.anyFacility(dto.counterpartyFacilityId, 'counterpartyFacilityId')
          : null;
        if (dto.counterpartyEnterpriseId) {
          const named = (await this.registry.enterpriseMap([dto.counterpartyEnterpriseId])).get(
            dto.counterpartyEnterpriseId,
          );
          if (!named)
            problems.push({
              path: 'counterpartyEnterpriseId',
              rule: 'REFERENCE_NOT_FOUND',
              message: `enterprise ${dto.counterpartyEnterpriseId} is not registered`,
            });
          else if (to && to.enterpriseId !== named.id)
            problems.push({
              path: 'counterpartyEnterpriseId',
              rule: 'COUNTERPARTY_MISMATCH',
              message: 'counterpartyFacilityId is not a facility of counterpartyEnterpriseId',
            });
        }
        // The consignee named here is the only one who may receive it; naming none keeps it the shipper's.
        const consignee = to?.enterpriseId ?? dto.counterpartyEnterpriseId ?? null;
        problems.push(
          ...(await this.authorize(
            owner,
            consignee && consignee !== owner ? 'sell' : 'store',
            ctx,
            facility,
            'facilityId',
          )),
        );
        legs = [
          this.leg(ctx, facility, 'ship', lot.id, -kg(), {
            counterpartyFacilityId: to?.id ?? null,
            counterpartyEnterpriseId: consignee,
          }),
        ];
        break;
      }
      case 'transfer': {
        const lot = await this.existingLot(ctx, dto.lotId);
        const to = await this.ownFacility(dto.toFacilityId!, ctx.principal, 'toFacilityId');
        if (to.enterpriseId !== owner)
          problems.push({
            path: 'toFacilityId',
            rule: 'TRANSFER_OTHER_ENTERPRISE',
            message: 'a transfer stays within one enterprise; use sell or ship',
          });
        if (to.id === facility.id)
          problems.push({
            path: 'toFacilityId',
            rule: 'TRANSFER_SAME_FACILITY',
            message: 'toFacilityId must differ from facilityId',
          });
        problems.push(...(await this.authorize(owner, 'store', ctx, to, 'toFacilityId')));
        const q = kg();
        legs = [
          this.leg(ctx, facility, 'transfer_out', lot.id, -q, {
            counterpartyFacilityId: to.id,
            counterpartyEnterpriseId: owner,
          }),
          this.leg(ctx, to, 'transfer_in', lot.id, q, {
            counterpartyFacilityId: facility.id,
            counterpartyEnterpriseId: owner,
          }),
        ];
        break;
      }
      case 'use': {
        const lot = await this.existingLot(ctx, dto.lotId);
        problems.push(...(await this.authorize(owner, 'use', ctx, facility, 'facilityId')));
        legs = [this.leg(ctx, facility, 'use', lot.id, -kg())];
        break;
      }
      case 'sell': {
        // A sale is the seller's leg only: it stays in transit until the buyer books its receipt
        // (a receive naming this movement), so nothing reaches the buyer's facility without the buyer.
        const lot = await this.existingLot(ctx, dto.lotId);
        const to = await this.anyFacility(dto.toFacilityId!, 'toFacilityId');
        if (to.enterpriseId === owner)
          problems.push({
            path: 'toFacilityId',
            rule: 'SALE_TO_SELF',
            message: 'a sale changes the owner; within one enterprise use transfer',
          });
        problems.push(...(await this.authorize(owner, 'sell', ctx, facility, 'facilityId')));
        // The seller checks the buyer's licences (条例 Art. 37-39) and hears only which rule fails.
        const asBuyer = { counterparty: 'buyer' };
        problems.push(...(await this.authorize(to.enterpriseId, 'buy', ctx, to, 'toFacilityId', asBuyer)));
        problems.push(...(await this.authorize(to.enterpriseId, 'store', ctx, to, 'toFacilityId', asBuyer)));
        legs = [
          this.leg(ctx, facility, 'sell', lot.id, -kg(), {
            counterpartyFacilityId: to.id,
            counterpartyEnterpriseId: to.enterpriseId,
          }),
        ];
        break;
      }
      case 'waste_generate': {
        const lot = await this.existingLot(ctx, dto.lotId);
        if (lot.wasteCode)
          problems.push({
            path: 'lotId',
            rule: 'ALREADY_WASTE',
            message: `lot ${lot.number} is waste already (${lot.wasteCode})`,
          });
        const waste = this.newLot(
          ctx,
          dto.wasteLotNumber ?? `${lot.number}-${dto.wasteCode!}`,
          'waste',
          [lot.id],
          dto.wasteCode!,
        );
        if (await this.repo.findLotByNumber(owner, ctx.chemical.id, waste.number)) {
          problems.push({
            path: 'wasteLotNumber',
            rule: 'LOT_NUMBER_TAKEN',
            message: `lot number ${waste.number} is taken; give wasteLotNumber`,
          });
        }
        newLots.push(waste);
        lotNumbers.set(lot.id, lot.number);
        const q = kg();
        legs = [
          this.leg(ctx, facility, 'waste_generate', lot.id, -q, { wasteCode: dto.wasteCode! }),
          this.leg(ctx, facility, 'waste_generate', waste.id, q, { wasteCode: dto.wasteCode! }),
        ];
        break;
      }
      case 'dispose': {
        const lot = await this.existingLot(ctx, dto.lotId);
        if (!lot.wasteCode)
          problems.push({
            path: 'lotId',
            rule: 'NOT_WASTE',
            message: `lot ${lot.number} is not hazardous waste; generate waste first`,
          });
        // Getting a prohibited or restricted chemical out of circulation is what disposal is for.
        problems.push(
          ...(await this.authorize(owner, 'dispose', ctx, facility, 'facilityId', {
            wasteCode: lot.wasteCode ?? undefined,
            ignore: ['CHEMICAL_PROHIBITED', 'CHEMICAL_RESTRICTED'],
          })),
        );
        legs = [
          this.leg(ctx, facility, 'dispose', lot.id, -kg(), {
            wasteCode: lot.wasteCode,
            disposalMethod: dto.disposalMethod!,
          }),
        ];
        break;
      }
      case 'loss': {
        const lot = await this.existingLot(ctx, dto.lotId);
        legs = [this.leg(ctx, facility, 'loss', lot.id, -kg(), { reason: dto.reason! })];
        break;
      }
      case 'adjust': {
        // A count may find more of a lot the enterprise had, even where the ledger never put it.
        const lot = await this.existingLot(
          ctx,
          dto.lotId,
          'lotId',
          dto.direction === 'increase' ? 'enterprise' : 'facility',
        );
        legs = [
          this.leg(ctx, facility, 'adjust', lot.id, dto.direction === 'decrease' ? -kg() : kg(), {
            reason: dto.reason!,
          }),
        ];
        break;
      }
      case 'split': {
        const lot = await this.existingLot(ctx, dto.lotId);
        const unit = dto.quantity?.unit ?? 'kg';
        const parts = dto.parts!.map((p, i) => ({
          lot: this.newLot(ctx, p.lotNumber, 'split', [lot.id], lot.wasteCode),
          kg: this.kg(ctx, p.value, unit, `parts[${i}]`),
        }));
        newLots.push(...parts.map((p) => p.lot));
        lotNumbers.set(lot.id, lot.number);
        const total = parts.reduce((s, p) => s + p.kg, 0);
        legs = [
          this.leg(ctx, facility, 'split', lot.id, -total, { wasteCode: lot.wasteCode }),
          ...parts.map((p) => this.leg(ctx, facility, 'split', p.lot.id, p.kg, { wasteCode: lot.wasteCode })),
        ];
        break;
      }
      case 'merge': {
        const sources = await Promise.all(
          dto.sources!.map(async (s, i) => ({
            lot: await this.existingLot(ctx, s.lotId, `sources[${i}].lotId`),
            kg: this.kg(ctx, s.value, 'kg', `sources[${i}]`),
          })),
        );
        const codes = new Set(sources.map((s) => s.lot.wasteCode));
        if (codes.size > 1)
          problems.push({
            path: 'sources',
            rule: 'MERGE_MIXED',
            message: 'product and waste, or wastes of different codes, are never merged',
          });
        const merged = this.newLot(
          ctx,
          dto.lotNumber!,
          'merge',
          sources.map((s) => s.lot.id),
          sources[0]!.lot.wasteCode,
        );
        newLots.push(merged);
        for (const s of sources) lotNumbers.set(s.lot.id, s.lot.number);
        const total = sources.reduce((s, x) => s + x.kg, 0);
        legs = [
          ...sources.map((s) => this.leg(ctx, facility, 'merge', s.lot.id, -s.kg, { wasteCode: s.lot.wasteCode })),
          this.leg(ctx, facility, 'merge', merged.id, total, { wasteCode: merged.wasteCode }),
        ];
        break;
      }
    }
    for (const lot of newLots) {
      if (
        lot.origin !== 'waste' &&
        (await this.repo.findLotByNumber(lot.originEnterpriseId, lot.chemicalId, lot.number))
      ) {
        problems.push({
          path: 'lotNumber',
          rule: 'LOT_NUMBER_TAKEN',
          message: `lot number ${lot.number} is taken for this chemical`,
        });
      }
    }
    if (problems.length) throw new RulesViolated(problems);
    return {
      draft: { operation: dto.operation, occurredAt: ctx.at, actorKeyId: ctx.principal.keyId || null, legs, newLots },
      lotNumbers,
    };
  }

  async bookReversal(
    id: string,
    reason: string,
    principal: Principal,
    correction: CorrectionDraft | null,
  ): Promise<MovementView[]> {
    const rows = await this.db.transaction(async () => {
      const { draft } = await this.reversalDraft(id, reason, principal);
      return this.writer.commit({ ...draft, correction });
    });
    return rows.map(toMovementView);
  }

  /** Every check a reversal would make, then the draft of its legs (nothing written). */
  async reversalDraft(
    id: string,
    reason: string,
    principal: Principal,
  ): Promise<{ draft: OperationDraft; target: MovementEntity }> {
    const target = await this.repo.findMovement(id);
    if (!target || (principal.kind === 'enterprise' && principal.enterpriseId !== target.enterpriseId))
      throw new NotFound('movement', id);
    const group = await this.repo.findGroup(target.groupId);
    const problems: ProblemItem[] = [];
    if (group.some((m) => m.type === 'reversal'))
      problems.push({
        path: 'id',
        rule: 'REVERSAL_OF_REVERSAL',
        message: 'a reversal is not reversed; record the operation again',
      });
    if (group.some((m) => m.waybillId || m.manifestId))
      problems.push({
        path: 'id',
        rule: 'REVERSAL_MANAGED_ELSEWHERE',
        message: 'movements of a waybill or manifest are corrected through it',
      });
    // A sale booked before sales waited for the buyer holds the buyer's leg: the seller does not take it back.
    if (principal.kind === 'enterprise' && group.some((m) => m.enterpriseId !== principal.enterpriseId))
      problems.push({
        path: 'id',
        rule: 'REVERSAL_TOUCHES_OTHERS',
        message: "the operation booked another enterprise's stock; emergency management or admin reverses it",
      });
    const dependents = await this.repo.dependents(group.map((m) => m.id));
    if (dependents.some((d) => d.reversesId))
      problems.push({ path: 'id', rule: 'ALREADY_REVERSED', message: 'this operation is reversed already' });
    if (dependents.some((d) => d.sourceMovementId))
      problems.push({
        path: 'id',
        rule: 'REVERSAL_BLOCKED',
        message: 'the shipment has been received; reverse the receipt first',
      });
    if (problems.length) throw new RulesViolated(problems);
    const facilities = await this.registry.facilityMap(group.map((m) => m.facilityId));
    const chemicals = await this.registry.chemicalMap(group.map((m) => m.chemicalId));
    const legs: LegDraft[] = group.map((m) => ({
      facility: facilities.get(m.facilityId)!,
      type: 'reversal',
      chemical: chemicals.get(m.chemicalId)!,
      lotId: m.lotId,
      deltaKg: -Number(m.quantityKg),
      originalValue: Number(m.originalValue),
      originalUnit: m.originalUnit,
      reversesId: m.id,
      reason,
      wasteCode: m.wasteCode,
    }));
    return {
      draft: { operation: 'reversal', occurredAt: target.occurredAt, actorKeyId: principal.keyId || null, legs },
      target,
    };
  }

  async get(id: string, principal: Principal): Promise<MovementView> {
    const m = await this.repo.findMovement(id);
    if (!m || (principal.kind === 'enterprise' && principal.enterpriseId !== m.enterpriseId))
      throw new NotFound('movement', id);
    return toMovementView(m);
  }

  /** Every leg booked for a waybill (its ship and receive movements), for the waybill's parties. */
  async forWaybill(waybillId: string): Promise<MovementView[]> {
    const rows = await this.repo.list({ enterpriseId: null, waybillId, after: null, limit: 1000 });
    return rows.map(toMovementView);
  }

  /**
   * Shipments and sales still in transit: for an enterprise, those addressed to it (what it may
   * receive, with how much is still open); for agencies and admin, all of them.
   */
  async inTransit(q: InTransitQuery, principal: Principal): Promise<Page<InTransitView>> {
    const limit = q.limit ?? 50;
    const rows = await this.repo.inTransit({
      consigneeId: principal.kind === 'enterprise' ? principal.enterpriseId : null,
      facilityId: q.facilityId,
      after: decodeCursor(q.cursor, isUuidString),
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (m) => m.id);
    return { items: page.items.map(toInTransitView), nextCursor: page.nextCursor };
  }

  async list(q: MovementQuery, principal: Principal): Promise<Page<MovementView>> {
    const limit = q.limit ?? 50;
    const rows: MovementEntity[] = await this.repo.list({
      enterpriseId: principal.kind === 'enterprise' ? principal.enterpriseId : null,
      facilityId: q.facilityId,
      chemicalId: q.chemicalId,
      lotId: q.lotId,
      type: q.type,
      waybillId: q.waybillId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      after: decodeCursor(q.cursor, isUuidString),
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (m) => m.id);
    return { items: page.items.map(toMovementView), nextCursor: page.nextCursor };
  }
}
