import { Injectable } from '@nestjs/common';
import { StockService } from '@lib/ledger';
import { type FacilityView, RegistryLookup } from '@lib/registry';
import type { SubstanceFacts } from '../gb18218/hazard-categories.js';
import { StockRecordsRepository } from '../records/stock-records.repository.js';
import { auditFacility, type FacilityAudit, type StockRecord, type Tolerance } from './facility-audit.js';

const YEAR_MS = 365 * 86_400_000;

export const facilityFacts = (f: FacilityView) => ({
  id: f.id,
  enterpriseId: f.enterpriseId,
  name: f.name,
  district: f.district,
  hazardUnitKind: f.hazardUnitKind,
  capacities: f.capacities,
  peopleWithin500m: f.peopleWithin500m,
  processConditions: f.processConditions ?? {},
});

/**
 * Loads, in a few set-based reads, everything the audit of a batch of facilities needs: the
 * ledger's stock and peak, the declarations and counts in force, the adjustments citing each
 * count, and the catalogue facts; then audits each one.
 */
@Injectable()
export class AuditInputs {
  private catalogue: Map<string, SubstanceFacts> | null = null;

  constructor(
    private readonly registry: RegistryLookup,
    private readonly stock: StockService,
    private readonly records: StockRecordsRepository,
  ) {}

  /** The catalogue's GB 18218 facts, read once per process (the catalogue changes by migration or admin import). */
  async substances(ids: string[]): Promise<Map<string, SubstanceFacts>> {
    const cache = (this.catalogue ??= new Map());
    const missing = [...new Set(ids)].filter((id) => !cache.has(id));
    if (missing.length) {
      for (const [id, c] of await this.registry.chemicalMap(missing))
        cache.set(id, {
          chemicalId: id,
          name: c.nameZh,
          cas: c.cas,
          unNumber: c.unNumber,
          unClass: c.unClass,
          subsidiaryRisks: c.subsidiaryRisks,
          packingGroups: c.packingGroups,
          physicalState: c.physicalState,
          highlyToxic: c.highlyToxic,
          table1CriticalT: c.gb18218CriticalT,
          catalogueBeta: c.gb18218Beta,
        });
    }
    return new Map(ids.filter((id) => cache.has(id)).map((id) => [id, cache.get(id)!]));
  }

  async audit(facilities: FacilityView[], at: Date, tolerance?: Tolerance): Promise<FacilityAudit[]> {
    if (facilities.length === 0) return [];
    const ids = facilities.map((f) => f.id);
    const [profile, declarations, counts] = await Promise.all([
      this.stock.stockProfile(ids, at, new Date(at.getTime() - YEAR_MS)),
      this.records.latestDeclarations(ids, at),
      this.records.latestCounts(ids, at),
    ]);
    const adjusted = await this.stock.adjustedByCounts(counts.map((c) => c.id));
    const byFacility = <T>(): Map<string, Map<string, T>> => new Map(ids.map((id) => [id, new Map<string, T>()]));
    const stock = byFacility<{ stockKg: number; peakKg: number }>();
    for (const p of profile) stock.get(p.facilityId)!.set(p.chemicalId, { stockKg: p.stockKg, peakKg: p.peakKg });
    const declared = byFacility<StockRecord>();
    declarations.forEach((d) =>
      declared.get(d.facilityId)!.set(d.chemicalId, {
        id: d.id,
        chemicalId: d.chemicalId,
        kg: Number(d.quantityKg),
        at: new Date(d.asOf).toISOString(),
      }),
    );
    const counted = byFacility<StockRecord>();
    counts.forEach((c) =>
      counted.get(c.facilityId)!.set(c.chemicalId, {
        id: c.id,
        chemicalId: c.chemicalId,
        kg: Number(c.quantityKg),
        at: new Date(c.countedAt).toISOString(),
        adjustedKg: adjusted.get(c.id) ?? 0,
      }),
    );
    const chemicalIds = new Set<string>();
    for (const f of facilities) for (const c of f.capacities) if (c.chemicalId) chemicalIds.add(c.chemicalId);
    for (const p of profile) chemicalIds.add(p.chemicalId);
    for (const d of declarations) chemicalIds.add(d.chemicalId);
    for (const c of counts) chemicalIds.add(c.chemicalId);
    const chemicals = await this.substances([...chemicalIds]);
    return facilities.map((f) =>
      auditFacility({
        facility: facilityFacts(f),
        at,
        chemicals,
        stock: stock.get(f.id)!,
        declarations: declared.get(f.id)!,
        counts: counted.get(f.id)!,
        tolerance,
      }),
    );
  }
}
