import { Injectable } from '@nestjs/common';
import type { Principal } from '@lib/platform';
import type { ChemicalView } from './chemicals/chemical.dto.js';
import { ControlledChemicalsService } from './controlled/controlled-chemicals.service.js';
import type { PermitFacts } from './controlled/permit-rules.js';
import { ChemicalRepository } from './chemicals/chemical.repository.js';
import { toChemicalView } from './chemicals/chemical.service.js';
import type { EnterpriseView } from './enterprises/enterprise.dto.js';
import { EnterpriseRepository } from './enterprises/enterprise.repository.js';
import { toEnterpriseView } from './enterprises/enterprise.service.js';
import type { FacilityView } from './facilities/facility.dto.js';
import type { LicenceView } from './licences/licence.dto.js';
import { LicenceRepository } from './licences/licence.repository.js';
import { toLicenceView } from './licences/licence.service.js';
import type { LicenceKind } from './vocabulary.js';
import { FacilityRepository } from './facilities/facility.repository.js';
import { toFacilityView } from './facilities/facility.service.js';
import type { PersonView } from './personnel/person.dto.js';
import { PersonRepository } from './personnel/person.repository.js';
import { TerminalBindingRepository } from './terminals/terminal-binding.repository.js';
import { toPersonView } from './personnel/person.service.js';
import type { VehicleView } from './vehicles/vehicle.dto.js';
import { VehicleRepository } from './vehicles/vehicle.repository.js';
import { toVehicleView } from './vehicles/vehicle.service.js';

/**
 * Registry facts for other contexts' rules (ledger, waybill, geofence, audit), by id, in batches,
 * unmasked: callers decide what their own callers may see. Missing ids are simply absent.
 */
@Injectable()
export class RegistryLookup {
  constructor(
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
    private readonly facilities: FacilityRepository,
    private readonly vehicles: VehicleRepository,
    private readonly people: PersonRepository,
    private readonly licences: LicenceRepository,
    private readonly controlled: ControlledChemicalsService,
    private readonly bindings: TerminalBindingRepository,
  ) {}

  /** Permits and filings of a kind held by these enterprises, as the trip rules judge them. */
  permits(
    kind: LicenceKind,
    holderIds: string[],
    number: string | null,
    exceptSubjectId: string | null,
  ): Promise<Array<PermitFacts & { usedBy: string[] }>> {
    return this.controlled.permits(kind, holderIds, number, exceptSubjectId);
  }

  /** Licences of one kind and number held by these enterprises, any status (a permit named on a waybill). */
  async licencesByNumber(kind: LicenceKind, number: string, enterpriseIds: string[]): Promise<LicenceView[]> {
    return (await this.licences.byNumber(kind, number, enterpriseIds)).map((l) => toLicenceView(l));
  }

  /** An enterprise's licences of these kinds, any status (the caller keeps those in force). */
  async licencesOf(enterpriseId: string, kinds: readonly LicenceKind[]): Promise<LicenceView[]> {
    return (await this.licences.ofKinds(enterpriseId, kinds)).map((l) => toLicenceView(l));
  }

  async enterpriseMap(ids: string[]): Promise<Map<string, EnterpriseView>> {
    return new Map((await this.enterprises.findByIds([...new Set(ids)])).map((e) => [e.id, toEnterpriseView(e, null)]));
  }

  async chemicalMap(ids: string[]): Promise<Map<string, ChemicalView>> {
    return new Map((await this.chemicals.findByIds([...new Set(ids)])).map((c) => [c.id, toChemicalView(c)]));
  }

  async facilityMap(ids: string[]): Promise<Map<string, FacilityView>> {
    return new Map((await this.facilities.findByIds([...new Set(ids)])).map((f) => [f.id, toFacilityView(f)]));
  }

  async vehicleMap(ids: string[]): Promise<Map<string, VehicleView>> {
    return new Map((await this.vehicles.findByIds([...new Set(ids)])).map((v) => [v.id, toVehicleView(v)]));
  }

  /** People by id; personal data masked for `viewer` unless entitled (null: internal rules, unmasked). */
  /** Each vehicle's plate colour (JT/T 808 code: 1 blue, 2 yellow, …) as its bound terminal registered it. */
  plateColours(vehicleIds: string[]): Promise<Map<string, number>> {
    return this.bindings.plateColours([...new Set(vehicleIds)]);
  }

  async personMap(ids: string[], viewer: Principal | null = null): Promise<Map<string, PersonView>> {
    return new Map((await this.people.findByIds([...new Set(ids)])).map((p) => [p.id, toPersonView(p, viewer)]));
  }

  /** Every active facility (the evaluator's fences for arrivals, departures and allowed stops). */
  async activeFacilities(): Promise<FacilityView[]> {
    const out: FacilityView[] = [];
    let after: string | null = null;
    for (;;) {
      const rows = await this.facilities.list({ activeOnly: true, after, limit: 1000 });
      out.push(...rows.map(toFacilityView));
      if (rows.length < 1000) return out;
      after = rows[rows.length - 1]!.id;
    }
  }

  async vehicleByTerminal(terminalId: string): Promise<VehicleView | null> {
    const v = await this.vehicles.findByTerminal(terminalId);
    return v ? toVehicleView(v) : null;
  }
}
