import { Injectable } from '@nestjs/common';
import {
  Database,
  JobHandler,
  JobName,
  Outbox,
  type Page,
  pageById,
  type Principal,
  type ProblemItem,
  RulesViolated,
  uuid7,
  uuidFromName,
} from '@lib/platform';
import { ownerFilter } from '../access.js';
import { toPermitFacts } from '../authorization/authorization.service.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { LicenceRepository } from '../licences/licence.repository.js';
import type { LicenceKind } from '../vocabulary.js';
import type { ControlledSaleEntity } from './controlled-sale.entity.js';
import { ControlledSaleRepository } from './controlled-sale.repository.js';
import type { ControlledSaleQuery, ControlledSaleView } from './controlled.dto.js';
import { type PermitFacts, type PermitShortfall, useShortfalls } from './permit-rules.js';
import { filingCovers, saleFilingDue, saleMustBeFiled, saleOverdue } from './sale-filing.js';

/** A permit booked against a purchase, sale or trip (from AuthorizationAnswer.consumes or the trip rules). */
export interface PermitUse {
  licenceId: string;
  chemicalId: string;
  quantityKg: number;
}

const toView = (s: ControlledSaleEntity, now: Date): ControlledSaleView => ({
  id: s.id,
  movementId: s.movementId,
  sellerId: s.sellerId,
  buyerId: s.buyerId,
  chemicalId: s.chemicalId,
  quantityKg: Number(s.quantityKg),
  soldAt: s.soldAt.toISOString(),
  dueAt: s.dueAt.toISOString(),
  filingId: s.filingId,
  overdue: saleOverdue(s, now),
  warnedAt: s.warnedAt?.toISOString() ?? null,
});

/**
 * Controlled chemicals (剧毒, 易制爆, 易制毒): what permits and filings were used by which purchase,
 * sale or trip, and the seller's duty to file each sale of a highly toxic chemical or explosive
 * precursor within 5 days (Decree 591 Art. 41). The rules themselves are pure (permit-rules.ts,
 * sale-filing.ts); other contexts call this service in the transaction that books the movement
 * or loads the waybill.
 */
@Injectable()
export class ControlledChemicalsService {
  constructor(
    private readonly db: Database,
    private readonly licences: LicenceRepository,
    private readonly chemicals: ChemicalRepository,
    private readonly sales: ControlledSaleRepository,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Books what a purchase or trip consumed of its permits (inside the caller's transaction, the
   * one that books the movement or loads the waybill). The checks before ran without locks: two
   * purchases under one permit, or two trips under one road pass, could each pass them. So the
   * permits are locked here and judged again with what others booked meanwhile; a shortfall
   * refuses the whole booking (422, each problem as `describe` names it for the caller's rules).
   */
  async recordUses(
    uses: PermitUse[],
    subject: { type: 'movement' | 'waybill'; id: string },
    at: Date,
    describe: (s: PermitShortfall) => ProblemItem = (s) => ({ path: 'quantity', rule: s.code, message: s.text }),
  ): Promise<void> {
    if (uses.length === 0) return;
    const locked = await this.licences.lockForUse([...new Set(uses.map((u) => u.licenceId))]);
    const ids = locked.map((l) => l.id);
    const used = await this.licences.usedKg(ids, subject.id);
    const permits = await Promise.all(
      locked.map(async (l) => ({
        id: l.id,
        kind: l.kind,
        number: l.number,
        permittedQuantityKg: l.permittedQuantityKg === null ? null : Number(l.permittedQuantityKg),
        usedKg: used.get(l.id) ?? 0,
        usedBy: await this.licences.usedBy(l.id, subject.id),
      })),
    );
    const shortfalls = useShortfalls(permits, uses);
    if (shortfalls.length) throw new RulesViolated(shortfalls.map(describe));
    const kinds = new Map(locked.map((l) => [l.id, l.kind]));
    for (const u of usesPerPermit(uses))
      await this.licences.recordUse({
        licenceId: u.licenceId,
        licenceKind: kinds.get(u.licenceId)!,
        subjectType: subject.type,
        subjectId: subject.id,
        chemicalId: u.chemicalId,
        quantityKg: String(u.quantityKg),
        usedAt: at,
      });
  }

  /**
   * Movements reversed (a booking that was a mistake, inside the reversal's transaction): the
   * permits and filings they consumed get their quantity back, and a sale nobody filed yet leaves
   * no filing duty. A sale already filed keeps its record: police were told of it.
   */
  async releaseReversed(movementIds: string[]): Promise<void> {
    await this.licences.releaseUses(movementIds);
    await this.sales.dropUnfiled(movementIds);
  }

  /**
   * A sale booked in the ledger: a highly toxic chemical or explosive precursor leaves the seller
   * the duty to file it within 5 days (inside the caller's transaction; other chemicals: nothing).
   */
  async recordSale(s: {
    movementId: string;
    sellerId: string;
    buyerId: string;
    chemicalId: string;
    quantityKg: number;
    soldAt: Date;
  }): Promise<void> {
    const [chemical] = await this.chemicals.findByIds([s.chemicalId]);
    if (!chemical || !saleMustBeFiled(chemical)) return;
    await this.sales.insert({
      id: uuid7(),
      movementId: s.movementId,
      sellerId: s.sellerId,
      buyerId: s.buyerId,
      chemicalId: s.chemicalId,
      quantityKg: String(s.quantityKg),
      soldAt: s.soldAt,
      dueAt: saleFilingDue(s.soldAt),
      filingId: null,
      warnedAt: null,
    });
  }

  /**
   * Permits of a kind held by these enterprises (a number given: only that one), as the trip rules
   * judge them, with what other subjects consumed and which subjects used them.
   */
  async permits(
    kind: LicenceKind,
    holderIds: string[],
    number: string | null,
    exceptSubjectId: string | null,
  ): Promise<Array<PermitFacts & { usedBy: string[] }>> {
    const held =
      number === null
        ? (await Promise.all(holderIds.map((h) => this.licences.ofKinds(h, [kind])))).flat()
        : await this.licences.byNumber(kind, number, holderIds);
    const used = await this.licences.usedKg(
      held.map((l) => l.id),
      exceptSubjectId,
    );
    return Promise.all(
      held.map(async (l) => ({
        ...toPermitFacts(l, used.get(l.id) ?? 0),
        usedBy: await this.licences.usedBy(l.id, exceptSubjectId),
      })),
    );
  }

  /**
   * Matches unfiled sales with the sellers' verified sale filings, and publishes
   * controlled.sale_unfiled once for each sale past its due instant with none (for police).
   */
  async reviewSales(now: Date): Promise<{ filed: number; warned: number }> {
    let filed = 0;
    let warned = 0;
    for (const s of await this.sales.unfiled(1000)) {
      const sale = { ...s, quantityKg: Number(s.quantityKg) };
      const filings = await this.licences.ofKinds(s.sellerId, ['controlled_sale_filing']);
      const used = await this.licences.usedKg(
        filings.map((f) => f.id),
        s.movementId,
      );
      const match = filings.find((f) =>
        filingCovers(
          {
            ...toPermitFacts(f, used.get(f.id) ?? 0),
            enterpriseId: f.enterpriseId,
          },
          sale,
        ),
      );
      await this.db.transaction(async () => {
        if (match) {
          await this.recordUses(
            [{ licenceId: match.id, chemicalId: s.chemicalId, quantityKg: sale.quantityKg }],
            { type: 'movement', id: s.movementId },
            now,
          );
          await this.sales.update(s.id, { filingId: match.id });
          filed++;
          return;
        }
        if (!saleOverdue(s, now) || s.warnedAt) return;
        await this.outbox.append(
          'controlled.sale_unfiled',
          {
            saleId: s.id,
            movementId: s.movementId,
            sellerId: s.sellerId,
            buyerId: s.buyerId,
            chemicalId: s.chemicalId,
            quantityKg: sale.quantityKg,
            soldAt: s.soldAt.toISOString(),
            dueAt: s.dueAt.toISOString(),
          },
          { id: uuidFromName(`controlled.sale_unfiled:${s.id}`), subjectId: s.sellerId },
        );
        await this.sales.update(s.id, { warnedAt: now });
        warned++;
      });
    }
    return { filed, warned };
  }

  @JobHandler(JobName.ControlledSaleFilings)
  async run(): Promise<void> {
    await this.reviewSales(new Date());
  }

  /** Sales and their filing duty: police and admin see all, an enterprise its own sales. */
  async listSales(q: ControlledSaleQuery, principal: Principal): Promise<Page<ControlledSaleView>> {
    const now = new Date();
    const page = await pageById(q, (window) =>
      this.sales.list({
        sellerId: ownerFilter(principal),
        overdueAt: q.overdue ? now : null,
        ...window,
      }),
    );
    return { items: page.items.map((s) => toView(s, now)), nextCursor: page.nextCursor };
  }
}

/**
 * One row per permit and subject (the table's key): a trip carrying two chemicals under one
 * transport permit books their sum, so the second line does not overwrite the first's quantity.
 * The row names the first chemical; the subject (movement, waybill) holds the lines.
 */
export function usesPerPermit(uses: PermitUse[]): PermitUse[] {
  const out = new Map<string, PermitUse>();
  for (const u of uses) {
    const seen = out.get(u.licenceId);
    out.set(u.licenceId, seen ? { ...seen, quantityKg: roundGrams(seen.quantityKg + u.quantityKg) } : { ...u });
  }
  return [...out.values()];
}

const roundGrams = (kg: number): number => Math.round(kg * 1000) / 1000;
