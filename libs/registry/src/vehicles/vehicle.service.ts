import { Injectable } from '@nestjs/common';
import {
  Conflict,
  Database,
  type Filing,
  type FilingDecision,
  type FilingHandler,
  FilingKind,
  HandlesFiling,
  NotFound,
  type Page,
  pageById,
  type Principal,
  type ProblemItem,
  RulesViolated,
  uuid7,
} from '@lib/platform';
import { assertReadable, assertWritable, ownerFilter } from '../access.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { ClaimFiler, type GatedGroup, splitChange } from '../gating.js';
import { CERTIFICATE_ISSUERS } from '../issuers.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { normalisePlate } from '../identifiers/plate.js';
import { canonicalTerminalId } from '../identifiers/terminal-id.js';
import { actorOf, type BindingActor, TerminalBindingService } from '../terminals/terminal-binding.service.js';
import type { CreateVehicleDto, UpdateVehicleDto, VehicleQuery, VehicleView } from './vehicle.dto.js';
import type { VehicleEntity } from './vehicle.entity.js';
import { VehicleRepository } from './vehicle.repository.js';

const n = (v: string | null): number | null => (v === null ? null : Number(v));

export function toVehicleView(v: VehicleEntity): VehicleView {
  return {
    id: v.id,
    plate: v.plate,
    kind: v.kind,
    carrierId: v.carrierId,
    permittedClasses: v.permittedClasses,
    tankVolumeM3: n(v.tankVolumeM3),
    tankCompartmentsL: v.tankCompartmentsL?.map(Number) ?? null,
    tankNumber: v.tankNumber,
    approvedLoadKg: n(v.approvedLoadKg),
    approvedMedia: v.approvedMedia,
    tankInspectionExpiry: v.tankInspectionExpiry,
    transportCertNumber: v.transportCertNumber,
    transportCertExpiry: v.transportCertExpiry,
    terminalId: v.terminalId,
    status: v.status,
  };
}

/**
 * Who confirms what on a vehicle: the road transport certificate's classes, load and validity and
 * the terminal fitted to it by transport, the tank's media, volume and inspection by market
 * supervision (特种设备). Reactivating a suspended or retired vehicle is transport's to confirm too.
 */
export const VEHICLE_GATES: ReadonlyArray<GatedGroup<VehicleEntity>> = [
  {
    kind: FilingKind.VehicleTransportCertificate,
    agency: CERTIFICATE_ISSUERS.vehicle_transport_certificate.agency,
    fields: ['permittedClasses', 'approvedLoadKg', 'transportCertNumber', 'transportCertExpiry', 'status'],
    label: CERTIFICATE_ISSUERS.vehicle_transport_certificate.nameZh,
  },
  {
    kind: FilingKind.VehicleTank,
    agency: CERTIFICATE_ISSUERS.tank_inspection.agency,
    fields: ['tankVolumeM3', 'tankCompartmentsL', 'tankNumber', 'approvedMedia', 'tankInspectionExpiry'],
    label: CERTIFICATE_ISSUERS.tank_inspection.nameZh,
  },
  {
    kind: FilingKind.VehicleTerminal,
    agency: CERTIFICATE_ISSUERS.terminal_binding.agency,
    fields: ['terminalId'],
    label: CERTIFICATE_ISSUERS.terminal_binding.nameZh,
  },
];

/** A vehicle as its carrier registers it: the gating facts stay empty until their agencies confirm them. */
function unconfirmed(v: VehicleEntity): VehicleEntity {
  return {
    ...v,
    permittedClasses: [],
    approvedLoadKg: null,
    transportCertNumber: null,
    transportCertExpiry: null,
    tankVolumeM3: null,
    tankCompartmentsL: null,
    tankNumber: null,
    approvedMedia: [],
    tankInspectionExpiry: null,
    terminalId: null,
  };
}

/** A tank whose compartments are not given is one compartment of its volume. */
const oneCompartment = (m3: number | undefined): number[] | null => (m3 === undefined ? null : [Math.round(m3 * 1000)]);

/** A new vehicle with its carrier resolved; the caller has checked what checkNew() checks. */
export function newVehicle(dto: CreateVehicleDto, carrierId: string): VehicleEntity {
  const now = new Date();
  return {
    id: uuid7(),
    plate: normalisePlate(dto.plate),
    kind: dto.kind,
    carrierId,
    permittedClasses: [...new Set(dto.permittedClasses)],
    tankVolumeM3: dto.tankVolumeM3 === undefined ? null : String(dto.tankVolumeM3),
    tankCompartmentsL: dto.tankCompartmentsL ?? oneCompartment(dto.tankVolumeM3),
    tankNumber: dto.tankNumber ?? null,
    approvedLoadKg: dto.approvedLoadKg === undefined ? null : String(dto.approvedLoadKg),
    approvedMedia: [...new Set(dto.approvedMedia ?? [])],
    tankInspectionExpiry: dto.tankInspectionExpiry ?? null,
    transportCertNumber: dto.transportCertNumber ?? null,
    transportCertExpiry: dto.transportCertExpiry ?? null,
    terminalId: dto.terminalId ? canonicalTerminalId(dto.terminalId) : null,
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
}

@Injectable()
export class VehicleService {
  constructor(
    private readonly db: Database,
    private readonly vehicles: VehicleRepository,
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
    private readonly claims: ClaimFiler,
    private readonly bindings: TerminalBindingService,
  ) {}

  /**
   * Rules beyond the shape of one vehicle: its carrier exists and carries dangerous goods, the
   * kind fits its fields, the approved media are catalogue entries, plate and terminal are free.
   * Returns every problem (import reports them per row; create refuses with all of them).
   */
  async checkNew(rows: VehicleEntity[], existing = false): Promise<ProblemItem[][]> {
    const carriers = new Map(
      (await this.enterprises.findByIds([...new Set(rows.map((r) => r.carrierId))])).map((e) => [e.id, e]),
    );
    const media = new Set(
      (await this.chemicals.findByIds([...new Set(rows.flatMap((r) => r.approvedMedia))])).map((c) => c.id),
    );
    const taken = await this.vehicles.taken(
      rows.map((r) => r.plate),
      rows.flatMap((r) => (r.terminalId ? [r.terminalId] : [])),
      existing ? rows.map((r) => r.id) : [],
    );
    return rows.map((v) => {
      const p: ProblemItem[] = [];
      const carrier = carriers.get(v.carrierId);
      if (!carrier)
        p.push({ path: 'carrierId', rule: 'REFERENCE_NOT_FOUND', message: `carrier ${v.carrierId} does not exist` });
      else if (!carrier.roles.includes('carrier'))
        p.push({ path: 'carrierId', rule: 'NOT_A_CARRIER', message: `${carrier.name} is not registered as a carrier` });
      if ((v.kind === 'tanker' || v.kind === 'trailer') && v.approvedLoadKg === null) {
        p.push({ path: 'approvedLoadKg', rule: 'required', message: `approvedLoadKg is required for a ${v.kind}` });
      }
      if (v.kind === 'tanker' && v.tankVolumeM3 === null)
        p.push({ path: 'tankVolumeM3', rule: 'required', message: 'tankVolumeM3 is required for a tanker' });
      if (v.kind === 'trailer' && v.terminalId)
        p.push({
          path: 'terminalId',
          rule: 'TRAILER_TERMINAL',
          message: 'a trailer has no GPS terminal of its own; fit it to the tractor',
        });
      // The compartments are the tank: together they hold its volume (1% for rounding of the certificate).
      const litres = v.tankCompartmentsL?.reduce((s, x) => s + x, 0) ?? null;
      if (
        litres !== null &&
        v.tankVolumeM3 !== null &&
        Math.abs(litres - Number(v.tankVolumeM3) * 1000) > Number(v.tankVolumeM3) * 10
      )
        p.push({
          path: 'tankCompartmentsL',
          rule: 'TANK_COMPARTMENTS',
          message: `the compartments hold ${litres} L; the tank is ${Number(v.tankVolumeM3) * 1000} L`,
        });
      v.approvedMedia.forEach((id, i) => {
        if (!media.has(id))
          p.push({
            path: `approvedMedia[${i}]`,
            rule: 'REFERENCE_NOT_FOUND',
            message: `chemical ${id} is not in the catalogue`,
          });
      });
      if (taken.plates.has(v.plate))
        p.push({ path: 'plate', rule: 'DUPLICATE', message: `plate ${v.plate} is already registered` });
      if (v.terminalId && taken.terminals.has(v.terminalId))
        p.push({ path: 'terminalId', rule: 'DUPLICATE', message: 'terminalId is already fitted to another vehicle' });
      return p;
    });
  }

  carrierFor(dto: { carrierId?: string }, principal: Principal): string | null {
    if (principal.kind === 'enterprise') return dto.carrierId ?? principal.enterpriseId;
    return dto.carrierId ?? null;
  }

  /**
   * Registers a vehicle. The carrier's own registration stores the vehicle with its gating facts
   * empty and files what it claims for transport and market supervision to confirm; admin (and the
   * agencies, through their imports) assert them at once.
   */
  async create(dto: CreateVehicleDto, principal: Principal): Promise<VehicleView> {
    const carrierId = this.carrierFor(dto, principal);
    if (!carrierId)
      throw new RulesViolated([{ path: 'carrierId', rule: 'required', message: 'carrierId is required' }]);
    assertWritable(principal, carrierId, 'enterprise', carrierId);
    const claimed = newVehicle(dto, carrierId);
    const [problems] = await this.checkNew([claimed]);
    if (problems!.length) throw new RulesViolated(problems!);
    await this.db.transaction(() => this.store([claimed], principal));
    return this.get(claimed.id, principal);
  }

  /** Stores new vehicles (checked) as this principal may assert them, filing the rest (the import uses it too). */
  async store(rows: VehicleEntity[], principal: Principal): Promise<void> {
    if (principal.kind !== 'enterprise') {
      await this.vehicles.insertMany(rows);
      // The terminal asserted with the vehicle becomes its binding (the one source of truth).
      for (const v of rows)
        if (v.terminalId) await this.bindings.syncFromVehicle(v.id, v.terminalId, actorOf(principal), null);
      return;
    }
    const stored = rows.map(unconfirmed);
    await this.vehicles.insertMany(stored);
    for (const [i, v] of stored.entries()) {
      const { claims } = splitChange(principal, v, rows[i]!, VEHICLE_GATES, []);
      await this.claims.file(claims, v, this.subject(v), principal);
    }
  }

  private subject(v: VehicleEntity) {
    return { type: 'vehicle', id: v.id, enterpriseId: v.carrierId, name: v.plate };
  }

  async list(q: VehicleQuery, principal: Principal): Promise<Page<VehicleView>> {
    const own = ownerFilter(principal);
    if (own && q.carrierId && q.carrierId !== own) return { items: [], nextCursor: null };
    const page = await pageById(q, (window) =>
      this.vehicles.list({
        ...q,
        carrierId: own ?? q.carrierId,
        terminalId: q.terminalId ? (canonicalTerminalId(q.terminalId) ?? q.terminalId) : undefined,
        ...window,
      }),
    );
    const pending = await this.claims.pendingBySubject(page.items.map((v) => v.id));
    return {
      items: page.items.map((v) => ({ ...toVehicleView(v), pendingChanges: pending.get(v.id) ?? [] })),
      nextCursor: page.nextCursor,
    };
  }

  async get(id: string, principal: Principal): Promise<VehicleView> {
    const v = await this.vehicles.findById(id);
    if (!v) throw new NotFound('vehicle', id);
    assertReadable(principal, v.carrierId, 'vehicle', id);
    const pending = await this.claims.pendingBySubject([id]);
    return { ...toVehicleView(v), pendingChanges: pending.get(id) ?? [] };
  }

  /**
   * Changes a vehicle. Gating facts the carrier changes are filed for their agency and the
   * confirmed values rule meanwhile (`pendingChanges` shows the claim); its own retirement or
   * suspension it records directly. Returns whether anything was filed.
   */
  async update(
    id: string,
    dto: UpdateVehicleDto,
    principal: Principal,
  ): Promise<{ view: VehicleView; filed: boolean }> {
    const filed = await this.db.transaction(async () => {
      const v = await this.vehicles.findForUpdate(id);
      if (!v) throw new NotFound('vehicle', id);
      // Transport and market supervision write what they issue on anyone's vehicle (splitChange decides what).
      if (principal.kind !== 'agency') assertWritable(principal, v.carrierId, 'vehicle', id);
      const merged: VehicleEntity = {
        ...v,
        ...(dto.permittedClasses ? { permittedClasses: [...new Set(dto.permittedClasses)] } : {}),
        ...(dto.tankVolumeM3 !== undefined ? { tankVolumeM3: String(dto.tankVolumeM3) } : {}),
        // A new volume without compartments keeps a single-compartment tank one compartment.
        ...(dto.tankVolumeM3 !== undefined && !dto.tankCompartmentsL && (v.tankCompartmentsL?.length ?? 1) <= 1
          ? { tankCompartmentsL: oneCompartment(dto.tankVolumeM3) }
          : {}),
        ...(dto.tankCompartmentsL ? { tankCompartmentsL: dto.tankCompartmentsL } : {}),
        ...(dto.tankNumber !== undefined ? { tankNumber: dto.tankNumber } : {}),
        ...(dto.approvedLoadKg !== undefined ? { approvedLoadKg: String(dto.approvedLoadKg) } : {}),
        ...(dto.approvedMedia ? { approvedMedia: [...new Set(dto.approvedMedia)] } : {}),
        ...(dto.tankInspectionExpiry !== undefined ? { tankInspectionExpiry: dto.tankInspectionExpiry } : {}),
        ...(dto.transportCertNumber !== undefined ? { transportCertNumber: dto.transportCertNumber } : {}),
        ...(dto.transportCertExpiry !== undefined ? { transportCertExpiry: dto.transportCertExpiry } : {}),
        ...(dto.terminalId !== undefined ? { terminalId: canonicalTerminalId(dto.terminalId) } : {}),
        ...(dto.status ? { status: dto.status } : {}),
      };
      const [problems] = await this.checkNew([merged], true);
      if (problems!.length) throw new RulesViolated(problems!);
      // Taking a vehicle off the road is the carrier's to record; putting it back is transport's.
      const restricts = merged.status !== 'active' && principal.kind === 'enterprise';
      const split = splitChange(
        principal,
        v,
        merged,
        VEHICLE_GATES.map((g) => ({ ...g, fields: g.fields.filter((f) => !(f === 'status' && restricts)) })),
        restricts ? ['status'] : [],
      );
      return this.claims.apply(split, v, this.subject(v), principal, dto.reason ?? null, async (patch) => {
        await this.vehicles.update(id, patch);
        if (patch.terminalId !== undefined)
          await this.bindings.syncFromVehicle(id, patch.terminalId, actorOf(principal), dto.reason ?? null);
      });
    });
    return { view: await this.get(id, principal), filed };
  }

  /** Applies confirmed gating facts (a filing's handler), after the same checks as a registration. */
  async applyConfirmed(
    id: string,
    proposed: Partial<VehicleEntity>,
    by: BindingActor = { by: 'filing', keyId: null },
  ): Promise<Record<string, unknown>> {
    const v = await this.vehicles.findForUpdate(id);
    if (!v) throw new NotFound('vehicle', id);
    const merged = { ...v, ...proposed };
    // Only what this claim changes is judged again (a plate or terminal taken meanwhile, a medium
    // gone from the catalogue): the other groups' facts may still await their own agency.
    const fields = Object.keys(proposed);
    const problems = (await this.checkNew([merged], true))[0]!.filter(
      (p) => p.rule !== 'required' && fields.some((f) => p.path === f || p.path.startsWith(`${f}[`)),
    );
    if (problems.length)
      throw new Conflict('FILING_NO_LONGER_FITS', problems.map((p) => p.message).join('; '), { errors: problems });
    await this.vehicles.update(id, proposed);
    // A confirmed vehicle.terminal filing becomes the terminal's binding.
    if (proposed.terminalId !== undefined)
      await this.bindings.syncFromVehicle(id, proposed.terminalId, by, 'filing confirmed');
    return { vehicleId: id, applied: Object.keys(proposed) };
  }

  /** The vehicle fitted with a JT/T 808 terminal (the gateway's registration check). */
  async byTerminal(terminalId: string): Promise<VehicleView | null> {
    const canonical = canonicalTerminalId(terminalId);
    const v = canonical ? await this.vehicles.findByTerminal(canonical) : null;
    return v ? toVehicleView(v) : null;
  }
}

/** The vehicle filings' one handler each: confirming applies the claimed facts. */
@Injectable()
abstract class VehicleFilingHandler implements FilingHandler {
  constructor(protected readonly vehicles: VehicleService) {}
  confirm(f: Filing, d: FilingDecision): Promise<Record<string, unknown>> {
    return this.vehicles.applyConfirmed(f.subjectId, f.proposed as Partial<VehicleEntity>, {
      by: `${actorOf(d.principal).by} (filing ${f.id})`,
      keyId: d.principal.keyId,
    });
  }
}

@Injectable()
@HandlesFiling(FilingKind.VehicleTransportCertificate)
export class VehicleCertificateFilingHandler extends VehicleFilingHandler {}

@Injectable()
@HandlesFiling(FilingKind.VehicleTank)
export class VehicleTankFilingHandler extends VehicleFilingHandler {}

@Injectable()
@HandlesFiling(FilingKind.VehicleTerminal)
export class VehicleTerminalFilingHandler extends VehicleFilingHandler {}
