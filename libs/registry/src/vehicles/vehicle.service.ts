import { Injectable } from '@nestjs/common';
import {
  decodeCursor,
  isUuidString,
  NotFound,
  type Page,
  type Principal,
  type ProblemItem,
  RulesViolated,
  toPage,
  uuid7,
} from '@lib/platform';
import { assertReadable, assertWritable, ownerFilter } from '../access.js';
import { ChemicalRepository } from '../chemicals/chemical.repository.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { normalisePlate } from '../identifiers/plate.js';
import { canonicalTerminalId } from '../identifiers/terminal-id.js';
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
    approvedLoadKg: n(v.approvedLoadKg),
    approvedMedia: v.approvedMedia,
    tankInspectionExpiry: v.tankInspectionExpiry,
    transportCertNumber: v.transportCertNumber,
    transportCertExpiry: v.transportCertExpiry,
    terminalId: v.terminalId,
    status: v.status,
  };
}

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
    private readonly vehicles: VehicleRepository,
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
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

  async create(dto: CreateVehicleDto, principal: Principal): Promise<VehicleView> {
    const carrierId = this.carrierFor(dto, principal);
    if (!carrierId)
      throw new RulesViolated([{ path: 'carrierId', rule: 'required', message: 'carrierId is required' }]);
    assertWritable(principal, carrierId, 'enterprise', carrierId);
    const entity = newVehicle(dto, carrierId);
    const [problems] = await this.checkNew([entity]);
    if (problems!.length) throw new RulesViolated(problems!);
    await this.vehicles.insertMany([entity]);
    return toVehicleView(entity);
  }

  async list(q: VehicleQuery, principal: Principal): Promise<Page<VehicleView>> {
    const limit = q.limit ?? 50;
    const own = ownerFilter(principal);
    if (own && q.carrierId && q.carrierId !== own) return { items: [], nextCursor: null };
    const rows = await this.vehicles.list({
      ...q,
      carrierId: own ?? q.carrierId,
      terminalId: q.terminalId ? (canonicalTerminalId(q.terminalId) ?? q.terminalId) : undefined,
      after: decodeCursor(q.cursor, isUuidString),
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (v) => v.id);
    return { items: page.items.map(toVehicleView), nextCursor: page.nextCursor };
  }

  async get(id: string, principal: Principal): Promise<VehicleView> {
    const v = await this.vehicles.findById(id);
    if (!v) throw new NotFound('vehicle', id);
    assertReadable(principal, v.carrierId, 'vehicle', id);
    return toVehicleView(v);
  }

  async update(id: string, dto: UpdateVehicleDto, principal: Principal): Promise<VehicleView> {
    const v = await this.vehicles.findById(id);
    if (!v) throw new NotFound('vehicle', id);
    assertWritable(principal, v.carrierId, 'vehicle', id);
    const merged: VehicleEntity = {
      ...v,
      ...(dto.permittedClasses ? { permittedClasses: [...new Set(dto.permittedClasses)] } : {}),
      ...(dto.tankVolumeM3 !== undefined ? { tankVolumeM3: String(dto.tankVolumeM3) } : {}),
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
    const { id: _id, createdAt: _c, ...patch } = merged;
    await this.vehicles.update(id, patch);
    return this.get(id, principal);
  }

  /** The vehicle fitted with a JT/T 808 terminal (the gateway's registration check). */
  async byTerminal(terminalId: string): Promise<VehicleView | null> {
    const canonical = canonicalTerminalId(terminalId);
    const v = canonical ? await this.vehicles.findByTerminal(canonical) : null;
    return v ? toVehicleView(v) : null;
  }
}
