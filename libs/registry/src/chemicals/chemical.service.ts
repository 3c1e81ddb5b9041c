import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, NotFound, type Page, uuid7 } from '@lib/platform';
import { RegistryError } from '../registry.error.js';
import type { ChemicalQuery, ChemicalView, CreateChemicalDto, SetControlDto } from './chemical.dto.js';
import type { ChemicalEntity } from './chemical.entity.js';
import { chemicalKey, ChemicalRepository } from './chemical.repository.js';

const n = (v: string | null): number | null => (v === null ? null : Number(v));

export function toChemicalView(c: ChemicalEntity): ChemicalView {
  return {
    id: c.id,
    cas: c.cas,
    unNumber: c.unNumber,
    nameZh: c.nameZh,
    nameEn: c.nameEn,
    synonyms: c.synonyms,
    unClass: c.unClass,
    subsidiaryRisks: c.subsidiaryRisks,
    packingGroups: c.packingGroups,
    tunnelCode: c.tunnelCode,
    densityKgPerL: n(c.densityKgPerL),
    fillingRatioKgPerL: n(c.fillingRatioKgPerL),
    fillingRatioSource: c.fillingRatioSource,
    physicalState: c.physicalState,
    highlyToxic: c.highlyToxic,
    explosivePrecursor: c.explosivePrecursor,
    drugPrecursorCategory: c.drugPrecursorCategory,
    keySupervised: c.keySupervised,
    controlStatus: c.controlStatus,
    controlNote: c.controlNote,
    controlAllowedDistricts: c.controlAllowedDistricts,
    gb18218CriticalT: n(c.gb18218CriticalT),
    gb18218Beta: n(c.gb18218Beta),
    sources: c.sources,
  };
}

export function newChemical(dto: CreateChemicalDto): ChemicalEntity {
  const now = new Date();
  return {
    id: uuid7(),
    cas: dto.cas ?? null,
    unNumber: dto.unNumber ?? null,
    nameZh: dto.nameZh.trim(),
    nameEn: dto.nameEn?.trim() ?? null,
    synonyms: dto.synonyms ?? [],
    unClass: dto.unClass ?? null,
    subsidiaryRisks: dto.subsidiaryRisks ?? [],
    packingGroups: dto.packingGroups ?? [],
    tunnelCode: dto.tunnelCode ?? null,
    densityKgPerL: dto.densityKgPerL === undefined ? null : String(dto.densityKgPerL),
    fillingRatioKgPerL: dto.fillingRatioKgPerL === undefined ? null : String(dto.fillingRatioKgPerL),
    fillingRatioSource: dto.fillingRatioKgPerL === undefined ? null : (dto.sources ?? null),
    physicalState: dto.physicalState ?? null,
    highlyToxic: dto.highlyToxic ?? false,
    explosivePrecursor: dto.explosivePrecursor ?? false,
    drugPrecursorCategory: dto.drugPrecursorCategory ?? null,
    keySupervised: dto.keySupervised ?? null,
    controlStatus: 'none',
    controlNote: null,
    controlAllowedDistricts: [],
    gb18218CriticalT: dto.gb18218CriticalT === undefined ? null : String(dto.gb18218CriticalT),
    gb18218Beta: null,
    sources: dto.sources ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

const isOffset = (k: unknown): k is number => typeof k === 'number' && Number.isInteger(k) && k >= 0;

@Injectable()
export class ChemicalService {
  constructor(private readonly chemicals: ChemicalRepository) {}

  async search(query: ChemicalQuery): Promise<Page<ChemicalView>> {
    const limit = query.limit ?? 50;
    const offset = decodeCursor(query.cursor, isOffset) ?? 0;
    const rows = await this.chemicals.search({
      q: query.q,
      highlyToxic: query.highlyToxic === undefined ? undefined : query.highlyToxic === 'true',
      unClass: query.unClass,
      offset,
      limit: limit + 1,
    });
    return {
      items: rows.slice(0, limit).map(toChemicalView),
      nextCursor: rows.length > limit ? encodeCursor(offset + limit) : null,
    };
  }

  async get(id: string): Promise<ChemicalView> {
    const c = await this.chemicals.findById(id);
    if (!c) throw new NotFound('chemical', id);
    return toChemicalView(c);
  }

  async create(dto: CreateChemicalDto): Promise<ChemicalView> {
    const entity = newChemical(dto);
    if ((await this.chemicals.existing([entity])).has(chemicalKey(entity))) {
      throw new RegistryError('DUPLICATE', 409, 'a chemical with the same cas, unNumber and nameZh already exists', {
        field: 'cas, unNumber, nameZh',
      });
    }
    await this.chemicals.insertMany([entity]);
    return toChemicalView(entity);
  }

  async setControl(id: string, dto: SetControlDto): Promise<ChemicalView> {
    await this.get(id);
    await this.chemicals.update(id, {
      controlStatus: dto.status,
      controlNote: dto.note ?? null,
      controlAllowedDistricts: dto.status === 'restricted' ? (dto.allowedDistricts ?? []) : [],
    });
    return this.get(id);
  }
}
