import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AppConfig,
  Database,
  NotFound,
  type Page,
  pageById,
  type Principal,
  type ProblemItem,
  READ_POLICY,
  type ReadPolicy,
  RulesViolated,
} from '@lib/platform';
import {
  AuthorizationService,
  type ChemicalView,
  ControlledChemicalsService,
  type FacilityView,
  RegistryLookup,
} from '@lib/registry';
import { LedgerRepository } from '../ledger.repository.js';
import {
  type Carriage,
  type CorrectionDraft,
  type LegDraft,
  LedgerWriter,
  type OperationDraft,
} from '../ledger-writer.js';
import type { MovementEntity } from '../movement.entity.js';
import { dating, IN_FUTURE, windowText } from './backdating.js';
import type { InTransitQuery, InTransitView, MovementQuery, MovementView, RecordMovementDto } from './movement.dto.js';
import { showsCarriage, withoutCarriage } from './carriage-reads.js';
import { toInTransitView, toMovementView } from './movement.view.js';
import { OPERATION_BUILDERS, OperationKit, type OperationContext } from './operations/index.js';
import { type TransitLossRequest, transitLossDrafts } from './operations/transit-loss.js';

/**
 * Turns a requested operation into ledger legs, after the registry's rules (licence for the
 * activity, credit status, 禁限控) for every enterprise it involves, judged at its occurred-at time
 * and inside the transaction that writes it. Every leg lies on the booking enterprise's own
 * facilities and touches only lots it holds or held: stock reaches another enterprise only when
 * that enterprise books the receipt of what was addressed to it. Each operation's rules live in
 * its own file under operations/; this service dispatches and writes.
 */
@Injectable()
export class MovementService {
  constructor(
    private readonly db: Database,
    private readonly repo: LedgerRepository,
    private readonly writer: LedgerWriter,
    private readonly registry: RegistryLookup,
    authorization: AuthorizationService,
    private readonly config: AppConfig,
    private readonly controlled: ControlledChemicalsService,
    @Optional() @Inject(READ_POLICY) private readonly reads?: ReadPolicy,
  ) {
    this.kit = new OperationKit(repo, registry, authorization, controlled);
  }

  private readonly kit: OperationKit;

  /**
   * Books a current movement for another context (a waybill's shipment and receipt): those happen
   * now, so one dated beyond the backdating window is refused, never filed.
   */
  async record(
    dto: RecordMovementDto,
    principal: Principal,
    carriage: Carriage | null = null,
  ): Promise<MovementView[]> {
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
    return this.book(dto, principal, null, carriage);
  }

  /**
   * Books the movement, all its checks in the transaction that writes it. `correction` is set for a
   * booking dated beyond the window (confirmed, or booked by emergency management or admin).
   */
  async book(
    dto: RecordMovementDto,
    principal: Principal,
    correction: CorrectionDraft | null,
    carriage: Carriage | null = null,
  ): Promise<MovementView[]> {
    const rows = await this.db.transaction(async () => {
      const { draft, lotNumbers, after } = await this.draft(dto, principal, carriage);
      const written = await this.writer.commit({ ...draft, correction }, lotNumbers);
      await after?.(written.map((r) => r.id));
      return written;
    });
    return rows.map(toMovementView);
  }

  /** Every check a booking would make, then the draft of its legs (nothing written). */
  async draft(
    dto: RecordMovementDto,
    principal: Principal,
    carriage: Carriage | null = null,
  ): Promise<{
    draft: OperationDraft;
    lotNumbers: Map<string, string>;
    facility: FacilityView;
    chemical: ChemicalView;
    after?: (movementIds: string[]) => Promise<void>;
  }> {
    const facility = await this.kit.ownFacility(dto.facilityId, principal, 'facilityId');
    const chemical = (await this.registry.chemicalMap([dto.chemicalId])).get(dto.chemicalId);
    if (!chemical)
      throw new RulesViolated([
        {
          path: 'chemicalId',
          rule: 'REFERENCE_NOT_FOUND',
          message: `chemical ${dto.chemicalId} is not in the catalogue`,
        },
      ]);
    const ctx: OperationContext = {
      dto,
      principal,
      at: new Date(dto.occurredAt),
      facility,
      chemical,
      owner: facility.enterpriseId,
      kit: this.kit,
      carriage,
    };
    return { ...(await this.build(ctx)), facility, chemical };
  }

  private async build(ctx: OperationContext): Promise<{
    draft: OperationDraft;
    lotNumbers: Map<string, string>;
    after?: (movementIds: string[]) => Promise<void>;
  }> {
    const built = await OPERATION_BUILDERS[ctx.dto.operation](ctx);
    const problems = [...built.problems];
    const newLots = built.newLots ?? [];
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
      draft: {
        operation: ctx.dto.operation,
        occurredAt: ctx.at,
        actorKeyId: ctx.principal.keyId || null,
        legs: built.legs,
        newLots,
      },
      lotNumbers: built.lotNumbers ?? new Map(),
      after: built.after,
    };
  }

  /**
   * Writes off what is left in transit of a shipment as a transport loss (途耗), for the waybill
   * that carried it: within the receipt tolerance when it closes, beyond it when the agency resolves
   * the discrepancy. Runs inside the caller's transaction.
   */
  async bookTransitLoss(req: TransitLossRequest): Promise<MovementView[]> {
    if (!this.db.inTransaction) throw new Error('bookTransitLoss must run inside a transaction');
    const [receipt, loss] = await transitLossDrafts(this.kit, req);
    const rows = [...(await this.writer.commit(receipt)), ...(await this.writer.commit(loss))];
    return rows.map(toMovementView);
  }

  async bookReversal(
    id: string,
    reason: string,
    principal: Principal,
    correction: CorrectionDraft | null,
  ): Promise<MovementView[]> {
    const rows = await this.db.transaction(async () => {
      const { draft } = await this.reversalDraft(id, reason, principal);
      const written = await this.writer.commit({ ...draft, correction });
      // What the reversed booking consumed of a permit, or owed police as a sale filing, goes with it.
      await this.controlled.releaseReversed(draft.legs.flatMap((l) => (l.reversesId ? [l.reversesId] : [])));
      return written;
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
    const view = toMovementView(m);
    return (await showsCarriage(this.reads, principal)) ? view : withoutCarriage(view);
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
    const page = await pageById(q, (window) =>
      this.repo.inTransit({
        consigneeId: principal.kind === 'enterprise' ? principal.enterpriseId : null,
        facilityId: q.facilityId,
        ...window,
      }),
    );
    return { items: page.items.map(toInTransitView), nextCursor: page.nextCursor };
  }

  async list(q: MovementQuery, principal: Principal): Promise<Page<MovementView>> {
    const page = await pageById(q, (window) =>
      this.repo.list({
        enterpriseId: principal.kind === 'enterprise' ? principal.enterpriseId : null,
        facilityId: q.facilityId,
        chemicalId: q.chemicalId,
        lotId: q.lotId,
        type: q.type,
        waybillId: q.waybillId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        ...window,
      }),
    );
    const views = page.items.map(toMovementView);
    const shown = (await showsCarriage(this.reads, principal)) ? views : views.map(withoutCarriage);
    return { items: shown, nextCursor: page.nextCursor };
  }
}
