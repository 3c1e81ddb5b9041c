import { NotFound, type Principal, type ProblemItem, RulesViolated, uuid7 } from '@lib/platform';
import {
  type Activity,
  AuthorizationService,
  ControlledChemicalsService,
  type FacilityView,
  type PermitUse,
  RegistryLookup,
} from '@lib/registry';
import { LedgerRepository } from '../../ledger.repository.js';
import type { LegDraft } from '../../ledger-writer.js';
import type { LotEntity, MovementEntity } from '../../movement.entity.js';
import { roundKg, toKg } from '../../quantity.js';
import type { Unit } from '../../vocabulary.js';
import type { OperationContext } from './context.js';

/** Which facilities a lot must have been booked at before an operation may touch it. */
export type Held = 'facility' | 'enterprise';

/**
 * What every operation's builder looks up and shapes legs with: the lots it may touch, the
 * counterparties' facilities, the registry's answer on licences. One instance per MovementService.
 */
export class OperationKit {
  constructor(
    readonly repo: LedgerRepository,
    readonly registry: RegistryLookup,
    private readonly authorization: AuthorizationService,
    /** Permits consumed and sales to file (剧毒, 易制爆, 易制毒), booked with the movement. */
    readonly controlled: ControlledChemicalsService,
  ) {}

  /** A facility the principal acts for: its own (any, for admin); another's is not found. */
  async ownFacility(id: string, principal: Principal, path: string): Promise<FacilityView> {
    const f = (await this.registry.facilityMap([id])).get(id);
    if (!f || (principal.kind === 'enterprise' && principal.enterpriseId !== f.enterpriseId)) {
      // Someone else's facility and a missing one look the same: existence does not leak.
      if (path === 'facilityId') throw new NotFound('facility', id);
      throw new RulesViolated([{ path, rule: 'NOT_YOURS', message: `${path} must be one of your own facilities` }]);
    }
    return f;
  }

  /** A counterparty's facility (a buyer's, a destination). */
  async anyFacility(id: string, path: string): Promise<FacilityView> {
    const f = (await this.registry.facilityMap([id])).get(id);
    if (!f) throw new RulesViolated([{ path, rule: 'REFERENCE_NOT_FOUND', message: `facility ${id} does not exist` }]);
    return f;
  }

  kg(ctx: OperationContext, value: number, unit: Unit, path = 'quantity'): number {
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

  /** The request's own quantity in kg. */
  quantityKg(ctx: OperationContext): number {
    return this.kg(ctx, ctx.dto.quantity!.value, ctx.dto.quantity!.unit);
  }

  /** Refuses with every reason the registry gives (REGISTRY codes pass through as rules). */
  async authorize(
    enterpriseId: string,
    activity: Activity,
    ctx: OperationContext,
    facility: FacilityView,
    path: string,
    opts: {
      wasteCode?: string;
      ignore?: string[];
      counterparty?: string;
      /** A purchase: its quantity and seller, judged against the buyer's permit or filing. */
      purchase?: { quantityKg: number; sellerId: string | null };
      /** Collects the permits the purchase consumes (booked by the operation's `after`). */
      uses?: PermitUse[];
    } = {},
  ): Promise<ProblemItem[]> {
    const answer = await this.authorization.authorize({
      enterpriseId,
      activity,
      chemicalId: ctx.chemical.id,
      at: ctx.at,
      district: facility.district,
      wasteCode: opts.wasteCode,
      quantityKg: opts.purchase?.quantityKg,
      counterpartyId: opts.purchase?.sellerId,
    });
    opts.uses?.push(...answer.consumes);
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
  async existingLot(
    ctx: OperationContext,
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
  async shipmentFor(ctx: OperationContext, id: string): Promise<MovementEntity> {
    const ship = await this.repo.findMovement(id);
    const consignee = ship ? (ship.counterpartyEnterpriseId ?? ship.enterpriseId) : null;
    if (!ship || (ship.type !== 'ship' && ship.type !== 'sell') || consignee !== ctx.facility.enterpriseId)
      throw new NotFound('shipment', id);
    await this.repo.lockMovement(ship.id);
    return ship;
  }

  newLot(
    ctx: OperationContext,
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

  leg(
    ctx: OperationContext,
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
      carriage: ctx.carriage,
      ...extra,
    };
  }
}
