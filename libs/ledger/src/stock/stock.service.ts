import { Injectable } from '@nestjs/common';
import { NotFound, type Principal } from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { LedgerRepository, type StockRow } from '../ledger.repository.js';
import { roundKg } from '../quantity.js';
import type { LedgerConsistency, StockView } from './stock.dto.js';

@Injectable()
export class StockService {
  constructor(
    private readonly repo: LedgerRepository,
    private readonly registry: RegistryLookup,
  ) {}

  private async readable(facilityId: string, principal: Principal): Promise<void> {
    const f = (await this.registry.facilityMap([facilityId])).get(facilityId);
    if (!f || (principal.kind === 'enterprise' && f.enterpriseId !== principal.enterpriseId))
      throw new NotFound('facility', facilityId);
  }

  /** Stock per chemical and lot: now from the balances, in the past summed from the ledger. */
  async stock(facilityId: string, at: Date | null, principal: Principal): Promise<StockView> {
    await this.readable(facilityId, principal);
    const rows = at ? await this.repo.stockAsOf(facilityId, at) : await this.repo.stockNow(facilityId);
    return this.view(facilityId, at ?? new Date(), at ? 'ledger' : 'balances', rows);
  }

  /** Stock of every chemical at a facility as of an instant, for other contexts (audits). */
  /** Stock as of `at` and the peak since `peakFrom`, per facility and chemical (audits, GB 18218 on actual stock). */
  stockProfile(facilityIds: string[], at: Date, peakFrom: Date) {
    return this.repo.stockProfile(facilityIds, at, peakFrom);
  }

  adjustedByCounts(countIds: string[]): Promise<Map<string, number>> {
    return this.repo.adjustedByCounts(countIds);
  }

  async stockAsOf(facilityId: string, at: Date): Promise<StockRow[]> {
    return this.repo.stockAsOf(facilityId, at);
  }

  private async view(
    facilityId: string,
    at: Date,
    source: 'balances' | 'ledger',
    rows: StockRow[],
  ): Promise<StockView> {
    const chemicals = await this.registry.chemicalMap(rows.map((r) => r.chemicalId));
    const lots = new Map((await this.repo.findLots(rows.map((r) => r.lotId))).map((l) => [l.id, l]));
    const totals: Record<string, number> = {};
    for (const r of rows) totals[r.chemicalId] = roundKg((totals[r.chemicalId] ?? 0) + r.quantityKg);
    return {
      facilityId,
      at: at.toISOString(),
      source,
      lines: rows.map((r) => ({
        chemicalId: r.chemicalId,
        chemicalName: chemicals.get(r.chemicalId)?.nameZh ?? '',
        lotId: r.lotId,
        lotNumber: lots.get(r.lotId)?.number ?? '',
        wasteCode: lots.get(r.lotId)?.wasteCode ?? null,
        quantityKg: r.quantityKg,
      })),
      totalsKg: totals,
    };
  }

  /** Every maintained balance equals the sum of its movements (run by tests and by operators). */
  async consistency(): Promise<LedgerConsistency> {
    const rows = await this.repo.mismatchedBalances();
    return {
      consistent: rows.length === 0,
      mismatches: rows.map((r) => ({
        facilityId: r.facilityId,
        chemicalId: r.chemicalId,
        lotId: r.lotId,
        balanceKg: Number(r.balance ?? 0),
        ledgerKg: Number(r.ledger ?? 0),
      })),
    };
  }
}
