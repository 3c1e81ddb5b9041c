import { Injectable } from '@nestjs/common';
import {
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
import { type LegDraft, LedgerWriter, type OperationDraft } from '../ledger-writer.js';
import type { LotEntity, MovementEntity } from '../movement.entity.js';
import { roundKg, toKg } from '../quantity.js';
import type { Unit } from '../vocabulary.js';
import type { MovementQuery, MovementView, RecordMovementDto, ReverseMovementDto } from './movement.dto.js';
import { toMovementView } from './movement.view.js';

/** How far ahead of the server clock a movement may be dated (clock skew of the recorder). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

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
 * and inside the transaction that writes it.
 */
@Injectable()
export class MovementService {
  constructor(
    private readonly db: Database,
    private readonly repo: LedgerRepository,
    private readonly writer: LedgerWriter,
    private readonly registry: RegistryLookup,
    private readonly authorization: AuthorizationService,
  ) {}

  async record(dto: RecordMovementDto, principal: Principal): Promise<MovementView[]> {
    const at = new Date(dto.occurredAt);
    if (at.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
      throw new RulesViolated([{ path: 'occurredAt', rule: 'IN_FUTURE', message: 'occurredAt lies in the future' }]);
    }
    const rows = await this.db.transaction(async () => {
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
      const ctx: Context = { dto, principal, at, facility, chemical };
      const { draft, lotNumbers } = await this.build(ctx);
      return this.writer.commit(draft, lotNumbers);
    });
    return rows.map(toMovementView);
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
    opts: { wasteCode?: string; ignore?: string[] } = {},
  ): Promise<ProblemItem[]> {
    const answer = await this.authorization.authorize({
      enterpriseId,
      activity,
      chemicalId: ctx.chemical.id,
      at: ctx.at,
      district: facility.district,
      wasteCode: opts.wasteCode,
    });
    return answer.reasons
      .filter((r) => !opts.ignore?.includes(r.code))
      .map((r) => ({ path, rule: r.code, message: `${activity}: ${r.text}` }));
  }

  private async existingLot(ctx: Context, lotId: string | undefined, path = 'lotId'): Promise<LotEntity> {
    const [lot] = lotId ? await this.repo.findLots([lotId]) : [];
    if (!lot)
      throw new RulesViolated([
        { path, rule: 'REFERENCE_NOT_FOUND', message: `lot ${lotId ?? '(none)'} does not exist` },
      ]);
    if (lot.chemicalId !== ctx.chemical.id)
      throw new RulesViolated([
        { path, rule: 'LOT_CHEMICAL', message: `lot ${lot.number} is not ${ctx.chemical.nameZh}` },
      ]);
    return lot;
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
        if (dto.sourceMovementId) {
          const ship = await this.repo.findMovement(dto.sourceMovementId);
          if (!ship || ship.type !== 'ship')
            throw new RulesViolated([
              {
                path: 'sourceMovementId',
                rule: 'REFERENCE_NOT_FOUND',
                message: 'sourceMovementId must be a ship movement',
              },
            ]);
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
              message: 'the shipment was sent to another facility',
            });
          }
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
        } else if (dto.lotNumber) {
          const lot = this.newLot(ctx, dto.lotNumber, 'received_external', []);
          newLots.push(lot);
          lotId = lot.id;
        } else lotId = (await this.existingLot(ctx, dto.lotId)).id;
        problems.push(...(await this.authorize(owner, 'store', ctx, facility, 'facilityId')));
        if (supplier !== owner) problems.push(...(await this.authorize(owner, 'buy', ctx, facility, 'facilityId')));
        legs = [
          this.leg(ctx, facility, 'receive', lotId, kg(), {
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
        const lot = await this.existingLot(ctx, dto.lotId);
        const to = await this.anyFacility(dto.toFacilityId!, 'toFacilityId');
        if (to.enterpriseId === owner)
          problems.push({
            path: 'toFacilityId',
            rule: 'SALE_TO_SELF',
            message: 'a sale changes the owner; within one enterprise use transfer',
          });
        problems.push(...(await this.authorize(owner, 'sell', ctx, facility, 'facilityId')));
        problems.push(...(await this.authorize(to.enterpriseId, 'buy', ctx, to, 'toFacilityId')));
        problems.push(...(await this.authorize(to.enterpriseId, 'store', ctx, to, 'toFacilityId')));
        const q = kg();
        legs = [
          this.leg(ctx, facility, 'sell', lot.id, -q, {
            counterpartyFacilityId: to.id,
            counterpartyEnterpriseId: to.enterpriseId,
          }),
          this.leg(ctx, to, 'buy', lot.id, q, { counterpartyFacilityId: facility.id, counterpartyEnterpriseId: owner }),
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
        const lot = await this.existingLot(ctx, dto.lotId);
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

  /**
   * Corrects a mistake: writes the opposite of every leg of the operation, pointing at the legs
   * it reverses, at the same occurred-at time. Refused when something already built on it (a
   * receipt of the shipment, an earlier reversal) or when it belongs to a waybill or manifest.
   */
  async reverse(id: string, dto: ReverseMovementDto, principal: Principal): Promise<MovementView[]> {
    const rows = await this.db.transaction(async () => {
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
        reason: dto.reason,
        wasteCode: m.wasteCode,
      }));
      return this.writer.commit({
        operation: 'reversal',
        occurredAt: target.occurredAt,
        actorKeyId: principal.keyId,
        legs,
      });
    });
    return rows.map(toMovementView);
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
