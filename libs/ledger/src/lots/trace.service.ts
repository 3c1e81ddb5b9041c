import { Inject, Injectable, Optional } from '@nestjs/common';
import { NotFound, type Principal, READ_POLICY, type ReadPolicy } from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { LedgerRepository } from '../ledger.repository.js';
import type { MovementEntity } from '../movement.entity.js';
import { showsCarriage, withoutCarriage } from '../movements/carriage-reads.js';
import { toMovementView } from '../movements/movement.view.js';
import { roundKg } from '../quantity.js';
import { SINK_TYPES } from '../vocabulary.js';
import type { LotBalance, TraceEdge, TraceGraph, TraceLot, TraceShipment } from './trace.dto.js';

/** Legs of one operation that pair up (a transfer; a sale booked before sales waited for their buyer). */
const PAIRED: Record<string, [string, string, TraceEdge['kind']]> = {
  sell: ['sell', 'buy', 'sale'],
  transfer_out: ['transfer_out', 'transfer_in', 'transfer'],
};

/** Legs that send material towards another facility, in transit until it is received there. */
const OUTGOING = new Set(['ship', 'sell', 'waste_transfer']);
/** Legs that book the arrival of what another enterprise sent. */
const ARRIVING = new Set(['receive', 'buy', 'waste_receive']);

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
 * The trace of a lot: every lot derived from it (forward) or it derives from (backward), their
 * movements, the edges that connect them, and a mass balance that must close: what entered
 * equals what was consumed plus what is in stock and in transit.
 *
 * Agencies and admin see the whole graph across enterprises. An enterprise sees its own part only,
 * and only when it holds or held one of the lots: its own movements, the edges from and to them
 * (the other end by id), and the balance of its own part, where what others sent it is input
 * and what others received from it is gone. Another enterprise's stock, facilities and movements
 * stay theirs (a customer does not learn its supplier's other customers).
 */
@Injectable()
export class TraceService {
  constructor(
    private readonly repo: LedgerRepository,
    private readonly registry: RegistryLookup,
    @Optional() @Inject(READ_POLICY) private readonly reads?: ReadPolicy,
  ) {}

  async trace(lotId: string, direction: 'forward' | 'backward', principal: Principal): Promise<TraceGraph> {
    const [root] = await this.repo.findLots([lotId]);
    if (!root) throw new NotFound('lot', lotId);
    const lineage = await this.repo.lineage(lotId, direction);
    const all = await this.repo.movementsOfLots(lineage.map((l) => l.id));
    const own = principal.kind === 'enterprise' ? principal.enterpriseId : null;
    // Having booked a lot is what opens its trace: the held-lot rule keeps a typed id from booking one.
    if (own && !all.some((m) => m.enterpriseId === own)) throw new NotFound('lot', lotId);
    const mine = (m: MovementEntity): boolean => own === null || m.enterpriseId === own;
    const movements = all.filter(mine);
    const lots = own ? lineage.filter((l) => movements.some((m) => m.lotId === l.id)) : lineage;
    const owners = new Map(all.map((m) => [m.facilityId, m.enterpriseId]));
    const balances = (await this.repo.balancesOfLots(lots.map((l) => l.id))).filter(
      (b) => own === null || owners.get(b.facilityId) === own,
    );
    const inSet = new Set(lots.map((l) => l.id));

    const byId = new Map(all.map((m) => [m.id, m]));
    // What arrived against each shipment or sale, and each waste transfer; and the part of it that
    // another enterprise received (for an enterprise's own balance, that part has left it).
    const received = new Map<string, number>();
    const delivered = new Map<string, number>();
    const arrive = (outgoing: MovementEntity | undefined, m: MovementEntity): void => {
      if (!outgoing) return;
      received.set(outgoing.id, (received.get(outgoing.id) ?? 0) + Number(m.quantityKg));
      if (m.enterpriseId !== outgoing.enterpriseId)
        delivered.set(outgoing.id, (delivered.get(outgoing.id) ?? 0) + Number(m.quantityKg));
    };
    for (const m of all) {
      if (m.sourceMovementId) arrive(byId.get(m.sourceMovementId), m);
      else if (m.type === 'buy')
        arrive(
          all.find((x) => x.groupId === m.groupId && x.type === 'sell'),
          m,
        );
      else if ((m.type === 'waste_receive' || m.type === 'waste_return') && m.manifestId)
        arrive(
          all.find((x) => x.type === 'waste_transfer' && x.manifestId === m.manifestId),
          m,
        );
    }
    const reversed = new Set(all.filter((m) => m.reversesId).map((m) => m.reversesId!));

    /** A reversal counts as the opposite of what it reverses. */
    const classify = (m: MovementEntity): LegClass => {
      const original = m.type === 'reversal' ? byId.get(m.reversesId ?? '') : m;
      if (!original) return 'internal';
      // For an enterprise's own part, what another enterprise sent it came from outside.
      if (
        own &&
        ARRIVING.has(original.type) &&
        original.counterpartyEnterpriseId &&
        original.counterpartyEnterpriseId !== own
      )
        return 'source';
      return classOf(original.type, Number(original.quantityKg), original.sourceMovementId);
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
        if (OUTGOING.has(m.type) && !reversed.has(m.id)) {
          transit += -q - (received.get(m.id) ?? 0);
          if (own) consumed += delivered.get(m.id) ?? 0;
        }
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
    const enterprises = await this.registry.enterpriseMap(
      own ? [own] : [...all.map((m) => m.enterpriseId), ...lineage.map((l) => l.originEnterpriseId)],
    );
    const visible = new Set(movements.map((m) => m.id));
    const carriage = await showsCarriage(this.reads, principal);
    return {
      shipments: carriage ? await this.shipments(movements) : [],
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
      movements: movements.map(toMovementView).map((v) => (carriage ? v : withoutCarriage(v))),
      edges: this.edges(all).filter((e) => visible.has(e.from) || visible.has(e.to)),
      balance: balanceOf(inSet),
    };
  }

  /**
   * Each visible leg a waybill booked, with its carriage: the waybill's number, the carrier by name
   * and the vehicle's plate, as booked when the trip loaded and was received. An enterprise sees
   * them on its own legs only (the carrier it or its counterparty hired for that trip); an agency
   * on every leg when the sharing policy gives it every waybill (showsCarriage), else none.
   */
  private async shipments(movements: MovementEntity[]): Promise<TraceShipment[]> {
    const carried = movements.filter((m) => m.waybillNumber);
    const carriers = await this.registry.enterpriseMap(carried.map((m) => m.carrierEnterpriseId!));
    return carried.map((m) => ({
      movementId: m.id,
      type: m.type,
      waybillId: m.waybillId,
      waybillNumber: m.waybillNumber!,
      carrierEnterpriseId: m.carrierEnterpriseId!,
      carrierName: carriers.get(m.carrierEnterpriseId!)?.name ?? null,
      vehiclePlate: m.vehiclePlate!,
    }));
  }

  private edges(movements: MovementEntity[]): TraceEdge[] {
    const edges: TraceEdge[] = [];
    const byId = new Map(movements.map((m) => [m.id, m]));
    const byGroup = new Map<string, MovementEntity[]>();
    for (const m of movements) byGroup.set(m.groupId, [...(byGroup.get(m.groupId) ?? []), m]);
    const byManifest = new Map<string, MovementEntity[]>();
    for (const m of movements)
      if (m.manifestId) byManifest.set(m.manifestId, [...(byManifest.get(m.manifestId) ?? []), m]);
    for (const m of movements) {
      const q = Math.abs(Number(m.quantityKg));
      if (m.sourceMovementId) {
        const kind = byId.get(m.sourceMovementId)?.type === 'sell' ? 'sale' : 'shipment';
        edges.push({ from: m.sourceMovementId, to: m.id, kind, quantityKg: q });
      }
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
