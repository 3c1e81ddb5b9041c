import { Injectable } from '@nestjs/common';
import { canonicalTerminalId, RegistryLookup } from '@lib/registry';

interface Known {
  vehicleId: string;
  carrierId: string;
  at: number;
}

const TTL_MS = 60_000;

/**
 * Resolves terminal numbers and vehicle ids to vehicles (and their carriers, for access) with a
 * short-lived cache: at line rate the registry is asked once a minute per vehicle, not per fix.
 */
@Injectable()
export class VehicleResolver {
  private readonly byVehicle = new Map<string, Known>();
  private readonly byTerminal = new Map<string, Known>();
  private readonly missing = new Map<string, number>();

  constructor(private readonly registry: RegistryLookup) {}

  async resolve(
    vehicleIds: string[],
    terminalIds: string[],
  ): Promise<{ vehicles: Map<string, Known>; terminals: Map<string, Known> }> {
    const now = Date.now();
    const fresh = (k: Known | undefined): k is Known => !!k && now - k.at < TTL_MS;
    const wantVehicles = [...new Set(vehicleIds)].filter(
      (id) => !fresh(this.byVehicle.get(id)) && !((this.missing.get(id) ?? 0) > now),
    );
    const wantTerminals = [...new Set(terminalIds.map((t) => canonicalTerminalId(t) ?? t))].filter(
      (t) => !fresh(this.byTerminal.get(t)) && !((this.missing.get(t) ?? 0) > now),
    );
    if (wantVehicles.length) {
      const found = await this.registry.vehicleMap(wantVehicles);
      for (const id of wantVehicles) {
        const v = found.get(id);
        if (v) this.remember({ vehicleId: v.id, carrierId: v.carrierId, at: now }, v.terminalId);
        else this.missing.set(id, now + 5_000);
      }
    }
    for (const t of wantTerminals) {
      const v = await this.registry.vehicleByTerminal(t);
      if (v) this.remember({ vehicleId: v.id, carrierId: v.carrierId, at: now }, v.terminalId);
      else this.missing.set(t, now + 5_000);
    }
    const vehicles = new Map<string, Known>();
    for (const id of vehicleIds) {
      const k = this.byVehicle.get(id);
      if (k) vehicles.set(id, k);
    }
    const terminals = new Map<string, Known>();
    for (const t of terminalIds) {
      const k = this.byTerminal.get(canonicalTerminalId(t) ?? t);
      if (k) terminals.set(t, k);
    }
    return { vehicles, terminals };
  }

  private remember(k: Known, terminalId: string | null): void {
    this.byVehicle.set(k.vehicleId, k);
    if (terminalId) this.byTerminal.set(terminalId, k);
  }
}
