import { Injectable } from '@nestjs/common';
import { RegistryLookup } from '@lib/registry';
import { WaybillService } from '@lib/waybill';
import type { OutboxRow } from './exchange.repository.js';

/**
 * What a receiving agency needs to act on an event without calling back: an alert about a vehicle
 * on an e-waybill carries the trip (number, parties, load) and its crew; any event naming a driver
 * or escort carries who they are. Added once, at publication; the sharing policy then decides
 * which of it each agency sees (personal fields masked unless named).
 */
@Injectable()
export class EventEnricher {
  constructor(
    private readonly waybills: WaybillService,
    private readonly registry: RegistryLookup,
  ) {}

  async enrich(rows: OutboxRow[]): Promise<Array<Record<string, unknown>>> {
    const payloads = rows.map((r) => ({ ...r.payload }));
    const waybillIds = new Set<string>();
    rows.forEach((r, i) => {
      const id = payloads[i]!.waybillId;
      if (r.stream === 'violation' && typeof id === 'string') waybillIds.add(id);
    });
    const facts = new Map<string, Awaited<ReturnType<WaybillService['facts']>>>();
    for (const id of waybillIds) facts.set(id, await this.waybills.facts(id));
    for (const p of payloads) {
      const f = typeof p.waybillId === 'string' ? facts.get(p.waybillId) : undefined;
      if (!f) continue;
      p.waybill = {
        number: f.number,
        status: f.status,
        consignorId: f.consignorId,
        carrierId: f.carrierId,
        consigneeId: f.consigneeId,
        routeId: f.routeId,
        items: f.items,
      };
      p.driverId = f.driverId;
      p.escortId = f.escortId;
    }
    const personIds = payloads.flatMap((p) =>
      [p.driverId, p.escortId].filter((x): x is string => typeof x === 'string'),
    );
    if (personIds.length === 0) return payloads;
    const people = await this.registry.personMap(personIds, null);
    for (const p of payloads) {
      for (const [key, idKey] of [
        ['driver', 'driverId'],
        ['escort', 'escortId'],
      ] as const) {
        const person = typeof p[idKey] === 'string' ? people.get(p[idKey]) : undefined;
        if (person) p[key] = { id: person.id, name: person.name, idNumber: person.idNumber, phone: person.phone };
      }
    }
    return payloads;
  }
}
