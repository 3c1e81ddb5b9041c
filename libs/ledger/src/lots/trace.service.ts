import { Injectable } from '@nestjs/common';
import { NotFound, type Principal } from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { LedgerRepository } from '../ledger.repository.js';
import type { MovementEntity } from '../movement.entity.js';
import { toMovementView } from '../movements/movement.view.js';
import { roundKg } from '../quantity.js';
import { SINK_TYPES } from '../vocabulary.js';
import type { LotBalance, TraceEdge, TraceGraph, TraceLot } from './trace.dto.js';

const PAIRED: Record<string, [string, string, TraceEdge['kind']]> = {
  sell: ['sell', 'buy', 'sale'],
  transfer_out: ['transfer_out', 'transfer_in', 'transfer'],
};

type LegClass = 'source' | 'sink' | 'derived' | 'internal';

/** What a leg does to the mass balance of a set of lots. */
function classOf(type: string, quantityKg: number, sourceMovementId: string | null): LegClass {
  if (type === 'produce' || (type === 'receive' && !sourceMovementId)) return 'source';
  if (type === 'adjust') return quantityKg > 0 ? 'source' : 'sink';
  if (SINK_TYPES.has(type)) return 'sink';
  if (type === 'waste_generate' || type === 'split' || type === 'merge') return 'derived';
  return 'internal';
}

/**
 * The trace of a lot: every lot derived from it (forward) or it derives from (backward), all
 * their movements across enterprises, the edges that connect them, and a mass balance that must
 * close: what entered equals what was consumed plus what is in stock and in transit.
 */
@Injectable()
export class TraceService {
  constructor(
    private readonly repo: LedgerRepository,
    private readonly registry: RegistryLookup,
  ) {}

  async trace(lotId: string, direction: 'forward' | 'backward', principal: Principal): Promise<TraceGraph> {
    const [root] = await this.repo.findLots([lotId]);
    if (!root) throw new NotFound('lot', lotId);
    const lots = await this.repo.lineage(lotId, direction);
    const movements = await this.repo.movementsOfLots(lots.map((l) => l.id));
    if (
      principal.kind === 'enterprise' &&
      !movements.some((m) => m.enterpriseId === principal.enterpriseId) &&
      root.originEnterpriseId !== principal.enterpriseId
    ) {
      throw new NotFound('lot', lotId);
    }
    const balances = await this.repo.balancesOfLots(lots.map((l) => l.id));
    const inSet = new Set(lots.map((l) => l.id));

    const edges = this.edges(movements);
    // What arrived against each shipment (by source movement) and each waste transfer (by manifest).
    const received = new Map<string, number>();
    for (const m of movements)
      if (m.sourceMovementId)
        received.set(m.sourceMovementId, (received.get(m.sourceMovementId) ?? 0) + Number(m.quantityKg));
    for (const t of movements.filter((m) => m.type === 'waste_transfer' && m.manifestId)) {
      const back = movements.filter(
        (m) => m.manifestId === t.manifestId && (m.type === 'waste_receive' || m.type === 'waste_return'),
      );
      received.set(
        t.id,
        back.reduce((sum, m) => sum + Number(m.quantityKg), 0),
      );
    }
    const reversed = new Set(movements.filter((m) => m.reversesId).map((m) => m.reversesId!));

    const byId = new Map(movements.map((m) => [m.id, m]));
    /** A reversal counts as the opposite of what it reverses. */
    const classify = (m: MovementEntity): LegClass => {
      const original = m.type === 'reversal' ? byId.get(m.reversesId ?? '') : m;
      return original ? classOf(original.type, Number(original.quantityKg), original.sourceMovementId) : 'internal';
    };
    const balanceOf = (ids: Set<string>): LotBalance => {
      let input = 0;
      let consumed = 0;
      let transit = 0;
      const derivedNet = new Map<string, number>();
      for (const m of movements) {
        if (!ids.has(m.lotId)) continue;
        const q = Number(m.quantityKg);
        const c = classify(m);
        if (c === 'source') input += q;
        else if (c === 'sink') consumed -= q;
        // Splits, merges and waste: only what crosses the edge of the traced set counts.
        else if (c === 'derived') derivedNet.set(m.groupId, (derivedNet.get(m.groupId) ?? 0) + q);
        if ((m.type === 'ship' || m.type === 'waste_transfer') && !reversed.has(m.id))
          transit += -q - (received.get(m.id) ?? 0);
      }
      for (const net of derivedNet.values()) {
        if (net > 0) input += net;
        else consumed -= net;
      }
      const stock = balances.filter((b) => ids.has(b.lotId)).reduce((sum, b) => sum + b.quantityKg, 0);
      const r = {
        inputKg: roundKg(input),
        consumedKg: roundKg(consumed),
        inStockKg: roundKg(stock),
        inTransitKg: roundKg(transit),
      };
      return { ...r, balanced: Math.abs(r.inputKg - r.consumedKg - r.inStockKg - r.inTransitKg) < 0.001 };
    };

    const traceLots: TraceLot[] = lots.map((l) => {
      const byType: Record<string, number> = {};
      for (const m of movements.filter((x) => x.lotId === l.id))
        byType[m.type] = roundKg((byType[m.type] ?? 0) + Math.abs(Number(m.quantityKg)));
      return {
        id: l.id,
        number: l.number,
        chemicalId: l.chemicalId,
        origin: l.origin,
        wasteCode: l.wasteCode,
        parentLotIds: l.parentLotIds,
        originEnterpriseId: l.originEnterpriseId,
        byType,
        balance: balanceOf(new Set([l.id])),
      };
    });

    const facilities = await this.registry.facilityMap(movements.map((m) => m.facilityId));
    const enterprises = await this.registry.enterpriseMap([
      ...movements.map((m) => m.enterpriseId),
      ...lots.map((l) => l.originEnterpriseId),
    ]);
    return {
      lotId,
      direction,
      lots: traceLots,
      facilities: [...facilities.values()].map((f) => ({
        id: f.id,
        name: f.name,
        enterpriseId: f.enterpriseId,
        district: f.district,
        kind: f.kind,
      })),
      enterprises: [...enterprises.values()].map((e) => ({ id: e.id, name: e.name, creditCode: e.creditCode })),
      movements: movements.map(toMovementView),
      edges,
      balance: balanceOf(inSet),
    };
  }

  private edges(movements: MovementEntity[]): TraceEdge[] {
    const edges: TraceEdge[] = [];
    const byGroup = new Map<string, MovementEntity[]>();
    for (const m of movements) byGroup.set(m.groupId, [...(byGroup.get(m.groupId) ?? []), m]);
    const byManifest = new Map<string, MovementEntity[]>();
    for (const m of movements)
      if (m.manifestId) byManifest.set(m.manifestId, [...(byManifest.get(m.manifestId) ?? []), m]);
    for (const m of movements) {
      const q = Math.abs(Number(m.quantityKg));
      if (m.sourceMovementId) edges.push({ from: m.sourceMovementId, to: m.id, kind: 'shipment', quantityKg: q });
      if (m.reversesId) edges.push({ from: m.reversesId, to: m.id, kind: 'reversal', quantityKg: q });
      const pair = PAIRED[m.type];
      if (pair) {
        const other = byGroup.get(m.groupId)!.find((x) => x.type === pair[1]);
        if (other) edges.push({ from: m.id, to: other.id, kind: pair[2], quantityKg: q });
      }
      if (['waste_generate', 'split', 'merge'].includes(m.type) && Number(m.quantityKg) < 0) {
        for (const out of byGroup.get(m.groupId)!.filter((x) => Number(x.quantityKg) > 0)) {
          edges.push({
            from: m.id,
            to: out.id,
            kind: m.type === 'waste_generate' ? 'waste' : (m.type as 'split' | 'merge'),
            quantityKg: Math.abs(Number(out.quantityKg)),
          });
        }
      }
      if (m.type === 'waste_transfer' && m.manifestId) {
        for (const r of byManifest.get(m.manifestId)!.filter((x) => x.type === 'waste_receive'))
          edges.push({ from: m.id, to: r.id, kind: 'manifest', quantityKg: Number(r.quantityKg) });
      }
    }
    return edges;
  }
}
