import { Injectable } from '@nestjs/common';
import { toKg } from '@lib/ledger';
import { Database, Forbidden, NotFound, type Principal, type ProblemItem, RulesViolated, uuid7 } from '@lib/platform';
import { type FacilityView, RegistryLookup } from '@lib/registry';
import type { DeclareStockDto, RecordCountDto, StockLineDto, StockRecordView } from '../audit.dto.js';
import { type StockCount, type StockDeclaration, StockRecordsRepository } from './stock-records.repository.js';

const CLOCK_DRIFT_MS = 5 * 60_000;
const iso = (d: Date): string => new Date(d).toISOString();

/**
 * Stock declarations (企业申报) and physical counts (现场盘点): stored as given, with the mass in kg
 * beside the original quantity; never edited (a correction is a new record naming the old one).
 */
@Injectable()
export class StockRecordsService {
  constructor(
    private readonly db: Database,
    private readonly repo: StockRecordsRepository,
    private readonly registry: RegistryLookup,
  ) {}

  async declare(dto: DeclareStockDto, principal: Principal): Promise<StockRecordView[]> {
    const facility = await this.facility(dto.facilityId, principal, true);
    const asOf = new Date(dto.asOf);
    const problems = [...this.notAhead(asOf, 'asOf'), ...(await this.quantities(dto.lines))];
    if (dto.correctsId) problems.push(...(await this.correction(dto, 'declaration')));
    if (problems.length) throw new RulesViolated(problems);
    const kg = await this.kilograms(dto.lines);
    const rows = dto.lines.map((l, i) => ({
      id: uuid7(),
      enterpriseId: facility.enterpriseId,
      facilityId: facility.id,
      chemicalId: l.chemicalId,
      quantityKg: kg[i]!.toFixed(3),
      originalValue: String(l.quantity.value),
      originalUnit: l.quantity.unit,
      asOf,
      period: dto.period ?? null,
      correctsId: dto.correctsId ?? null,
      note: dto.note ?? null,
      actorKeyId: principal.keyId,
    }));
    await this.db.transaction(() => this.repo.insertDeclarations(rows));
    return rows.map((r) => this.declarationView({ ...r, recordedAt: new Date() }));
  }

  async count(dto: RecordCountDto, principal: Principal): Promise<StockRecordView[]> {
    const facility = await this.facility(dto.facilityId, principal, false);
    const countedAt = new Date(dto.countedAt);
    const problems = [...this.notAhead(countedAt, 'countedAt'), ...(await this.quantities(dto.lines))];
    if (dto.correctsId) problems.push(...(await this.correction(dto, 'count')));
    if (problems.length) throw new RulesViolated(problems);
    const kg = await this.kilograms(dto.lines);
    const rows = dto.lines.map((l, i) => ({
      id: uuid7(),
      enterpriseId: facility.enterpriseId,
      facilityId: facility.id,
      chemicalId: l.chemicalId,
      lotId: l.lotId ?? null,
      quantityKg: kg[i]!.toFixed(3),
      originalValue: String(l.quantity.value),
      originalUnit: l.quantity.unit,
      countedAt,
      inspector: dto.inspector,
      inspectionRef: dto.inspectionRef ?? null,
      photos: dto.photos ?? [],
      correctsId: dto.correctsId ?? null,
      note: dto.note ?? null,
      agency: principal.kind === 'agency' ? principal.agency : null,
      actorKeyId: principal.keyId,
    }));
    await this.db.transaction(() => this.repo.insertCounts(rows));
    return rows.map((r) => this.countView({ ...r, recordedAt: new Date() }));
  }

  async list(
    facilityId: string,
    principal: Principal,
  ): Promise<{ declarations: StockRecordView[]; counts: StockRecordView[] }> {
    // A read by path: another enterprise's facility is simply not found (404), as on every other route.
    const f = (await this.registry.facilityMap([facilityId])).get(facilityId);
    if (!f || (principal.kind === 'enterprise' && principal.enterpriseId !== f.enterpriseId))
      throw new NotFound('facility', facilityId);
    const [d, c] = await Promise.all([
      this.repo.listDeclarations(facilityId, 500),
      this.repo.listCounts(facilityId, 500),
    ]);
    return { declarations: d.map((r) => this.declarationView(r)), counts: c.map((r) => this.countView(r)) };
  }

  /** The facility, readable by the caller; `own`: only its enterprise (or admin) may write for it. */
  private async facility(id: string, principal: Principal, own: boolean): Promise<FacilityView> {
    const f = (await this.registry.facilityMap([id])).get(id);
    if (!f || (principal.kind === 'enterprise' && principal.enterpriseId !== f.enterpriseId))
      throw new RulesViolated([
        { path: 'facilityId', rule: 'FACILITY_NOT_FOUND', message: 'no such facility of yours' },
      ]);
    if (own && principal.kind === 'agency')
      throw new Forbidden('the enterprise declares its own stock', 'ENTERPRISE_ONLY');
    return f;
  }

  private notAhead(at: Date, path: string): ProblemItem[] {
    return at.getTime() > Date.now() + CLOCK_DRIFT_MS
      ? [{ path, rule: 'IN_FUTURE', message: `${path} is ahead of the server clock` }]
      : [];
  }

  private async quantities(lines: StockLineDto[]): Promise<ProblemItem[]> {
    const chemicals = await this.registry.chemicalMap(lines.map((l) => l.chemicalId));
    const problems: ProblemItem[] = [];
    const seen = new Set<string>();
    lines.forEach((l, i) => {
      const c = chemicals.get(l.chemicalId);
      if (!c)
        problems.push({ path: `lines[${i}].chemicalId`, rule: 'CHEMICAL_NOT_FOUND', message: 'not in the catalogue' });
      else if ((l.quantity.unit === 'L' || l.quantity.unit === 'm3') && c.densityKgPerL === null)
        problems.push({
          path: `lines[${i}].quantity.unit`,
          rule: 'DENSITY_UNKNOWN',
          message: `the catalogue has no density for ${c.nameZh}: give kg or t`,
        });
      const key = `${l.chemicalId}:${l.lotId ?? ''}`;
      if (seen.has(key))
        problems.push({ path: `lines[${i}]`, rule: 'DUPLICATE_LINE', message: 'one line per chemical (and lot)' });
      seen.add(key);
    });
    return problems;
  }

  private async kilograms(lines: StockLineDto[]): Promise<number[]> {
    const chemicals = await this.registry.chemicalMap(lines.map((l) => l.chemicalId));
    return lines.map((l) =>
      toKg(l.quantity.value, l.quantity.unit, chemicals.get(l.chemicalId)?.densityKgPerL ?? null)!,
    );
  }

  private async correction(
    dto: DeclareStockDto | RecordCountDto,
    kind: 'declaration' | 'count',
  ): Promise<ProblemItem[]> {
    const old =
      kind === 'declaration' ? await this.repo.declaration(dto.correctsId!) : await this.repo.count(dto.correctsId!);
    if (!old) return [{ path: 'correctsId', rule: 'NOT_FOUND', message: `no such ${kind}` }];
    if (dto.lines.length !== 1 || old.facilityId !== dto.facilityId || old.chemicalId !== dto.lines[0]!.chemicalId)
      return [
        {
          path: 'correctsId',
          rule: 'CORRECTION_MISMATCH',
          message: `a correction has one line, for the facility and chemical of the ${kind} it corrects`,
        },
      ];
    return [];
  }

  private declarationView(r: StockDeclaration): StockRecordView {
    return {
      id: r.id,
      kind: 'declaration',
      facilityId: r.facilityId,
      chemicalId: r.chemicalId,
      quantityKg: Number(r.quantityKg),
      original: { value: Number(r.originalValue), unit: r.originalUnit },
      at: iso(r.asOf),
      recordedAt: iso(r.recordedAt),
      correctsId: r.correctsId,
    };
  }

  private countView(r: StockCount): StockRecordView {
    return {
      id: r.id,
      kind: 'count',
      facilityId: r.facilityId,
      chemicalId: r.chemicalId,
      quantityKg: Number(r.quantityKg),
      original: { value: Number(r.originalValue), unit: r.originalUnit },
      at: iso(r.countedAt),
      recordedAt: iso(r.recordedAt),
      correctsId: r.correctsId,
      inspector: r.inspector,
      photos: r.photos,
    };
  }
}
