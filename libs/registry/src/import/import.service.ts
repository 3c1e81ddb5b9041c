import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import {
  CsvSyntaxError,
  Database,
  DomainError,
  flattenValidationErrors,
  parseCsv,
  type Principal,
  type ProblemItem,
} from '@lib/platform';
import { CreateChemicalDto } from '../chemicals/chemical.dto.js';
import type { ChemicalEntity } from '../chemicals/chemical.entity.js';
import { chemicalKey, ChemicalRepository } from '../chemicals/chemical.repository.js';
import { newChemical } from '../chemicals/chemical.service.js';
import { CreateEnterpriseDto } from '../enterprises/enterprise.dto.js';
import type { EnterpriseEntity } from '../enterprises/enterprise.entity.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { newEnterprise } from '../enterprises/enterprise.service.js';
import { ImportLicenceDto } from '../licences/licence.dto.js';
import type { LicenceEntity } from '../licences/licence.entity.js';
import { LicenceRepository } from '../licences/licence.repository.js';
import { LicenceService } from '../licences/licence.service.js';
import { CreatePersonDto } from '../personnel/person.dto.js';
import type { PersonEntity } from '../personnel/person.entity.js';
import { newPerson, PersonService } from '../personnel/person.service.js';
import { CreateVehicleDto } from '../vehicles/vehicle.dto.js';
import type { VehicleEntity } from '../vehicles/vehicle.entity.js';
import { newVehicle, VehicleService } from '../vehicles/vehicle.service.js';
import { COLUMN_SPECS, coerceCsvRow, type ImportKind } from './import.spec-columns.js';

export interface ImportRowReport {
  /** CSV: the physical line the row starts on (header = 1). JSON: the 1-based position in the array. */
  line: number;
  errors: ProblemItem[];
}

export interface ImportReport {
  kind: ImportKind;
  atomic: boolean;
  total: number;
  imported: number;
  failed: number;
  rows: ImportRowReport[];
}

export const MAX_IMPORT_ROWS = 10_000;

type Entity = EnterpriseEntity | ChemicalEntity | VehicleEntity | PersonEntity | LicenceEntity;

interface Candidate {
  line: number;
  errors: ProblemItem[];
  entity?: Entity;
}

const DTO = {
  chemicals: CreateChemicalDto,
  enterprises: CreateEnterpriseDto,
  vehicles: CreateVehicleDto,
  personnel: CreatePersonDto,
  licences: ImportLicenceDto,
} as const;

/**
 * Bulk import: every row is validated exactly as the create route validates it (shape, identifier
 * checks, references, uniqueness against the database and within the file). `atomic` imports
 * nothing when any row is bad; otherwise the good rows land, in one transaction.
 */
@Injectable()
export class ImportService {
  constructor(
    private readonly db: Database,
    private readonly enterprises: EnterpriseRepository,
    private readonly chemicals: ChemicalRepository,
    private readonly vehicleService: VehicleService,
    private readonly personService: PersonService,
    private readonly licences: LicenceRepository,
    private readonly licenceService: LicenceService,
  ) {}

  private rowsFrom(kind: ImportKind, body: unknown): Array<{ line: number; value: Record<string, unknown> }> {
    if (typeof body === 'string') {
      try {
        return parseCsv(body).records.map((r) => ({ line: r.line, value: coerceCsvRow(r.values, COLUMN_SPECS[kind]) }));
      } catch (err) {
        if (err instanceof CsvSyntaxError) throw new DomainError('CSV_MALFORMED', 400, err.message, { line: err.line });
        throw err;
      }
    }
    const list = Array.isArray(body) ? body : (body as { rows?: unknown } | null)?.rows;
    if (!Array.isArray(list))
      throw new DomainError('IMPORT_BODY', 400, 'send text/csv, a JSON array of rows, or {"rows": [...]}');
    return list.map((value, i) => ({ line: i + 1, value: (value ?? {}) as Record<string, unknown> }));
  }

  async import(kind: ImportKind, body: unknown, atomic: boolean, principal: Principal): Promise<ImportReport> {
    const raw = this.rowsFrom(kind, body);
    if (raw.length > MAX_IMPORT_ROWS)
      throw new DomainError('IMPORT_TOO_LARGE', 413, `at most ${MAX_IMPORT_ROWS} rows per import (got ${raw.length})`);
    const candidates = await this.resolveCreditCodes(kind, raw);
    await Promise.all(
      candidates.map(async (c, i) => {
        if (typeof raw[i]!.value !== 'object' || Array.isArray(raw[i]!.value)) {
          c.errors.push({ path: '', rule: 'isObject', message: 'a row must be an object' });
          return;
        }
        const dto = plainToInstance(DTO[kind] as new () => object, raw[i]!.value);
        const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
        c.errors.push(...flattenValidationErrors(errors));
        if (c.errors.length === 0) {
          const built = this.build(kind, dto, principal);
          if ('error' in built) c.errors.push(built.error);
          else c.entity = built.entity;
        }
      }),
    );
    await this.checkDomain(kind, candidates);

    const bad = candidates.filter((c) => c.errors.length > 0);
    const good = candidates.filter((c) => c.errors.length === 0).map((c) => c.entity!);
    const report: ImportReport = {
      kind,
      atomic,
      total: candidates.length,
      imported: 0,
      failed: bad.length,
      rows: bad.map((c) => ({ line: c.line, errors: c.errors })),
    };
    if (atomic && bad.length > 0) {
      throw new DomainError(
        'IMPORT_REJECTED',
        422,
        `${bad.length} of ${candidates.length} rows are invalid; atomic import stored nothing`,
        {
          ...report,
          errors: bad.flatMap((c) => c.errors.map((e) => ({ ...e, path: `line ${c.line}: ${e.path}` }))),
        },
      );
    }
    await this.db.transaction(() => this.insert(kind, good, principal));
    report.imported = good.length;
    return report;
  }

  /** Columns like carrierCreditCode become carrierId (or a row error naming the column). */
  private async resolveCreditCodes(
    kind: ImportKind,
    raw: Array<{ line: number; value: Record<string, unknown> }>,
  ): Promise<Candidate[]> {
    const refs = Object.entries(COLUMN_SPECS[kind].creditCodeRefs);
    const codes = raw.flatMap((r) =>
      refs.map(([col]) => r.value?.[col]).filter((v): v is string => typeof v === 'string'),
    );
    const byCode = new Map(
      (await this.enterprises.findByCreditCodes([...new Set(codes)])).map((e) => [e.creditCode, e.id]),
    );
    return raw.map((r) => {
      const errors: ProblemItem[] = [];
      for (const [col, field] of refs) {
        const code = r.value?.[col];
        if (code === undefined) continue;
        const id = typeof code === 'string' ? byCode.get(code) : undefined;
        if (id) r.value[field] = id;
        else
          errors.push({
            path: col,
            rule: 'REFERENCE_NOT_FOUND',
            message: `no enterprise with credit code ${String(code)}`,
          });
        delete r.value[col];
      }
      return { line: r.line, errors };
    });
  }

  private build(kind: ImportKind, dto: object, principal: Principal): { entity: Entity } | { error: ProblemItem } {
    const own = principal.kind === 'enterprise' ? principal.enterpriseId : null;
    const scoped = (
      field: 'carrierId' | 'employerId' | 'enterpriseId',
      given: string | undefined,
    ): { id: string } | { error: ProblemItem } => {
      const id = given ?? own;
      if (!id)
        return {
          error: { path: field, rule: 'required', message: `${field} (or its credit code column) is required` },
        };
      if (own && id !== own)
        return { error: { path: field, rule: 'NOT_YOURS', message: `an enterprise imports only its own ${kind}` } };
      return { id };
    };
    switch (kind) {
      case 'enterprises':
        return { entity: newEnterprise(dto as CreateEnterpriseDto) };
      case 'chemicals':
        return { entity: newChemical(dto as CreateChemicalDto) };
      case 'vehicles': {
        const d = dto as CreateVehicleDto;
        const carrier = scoped('carrierId', d.carrierId);
        return 'error' in carrier ? carrier : { entity: newVehicle(d, carrier.id) };
      }
      case 'personnel': {
        const d = dto as CreatePersonDto;
        const employer = scoped('employerId', d.employerId);
        return 'error' in employer ? employer : { entity: newPerson(d, employer.id) };
      }
      case 'licences': {
        // An agency's import of what it issues is its assertion; an enterprise's is its filing.
        const d = dto as ImportLicenceDto;
        if (principal.kind === 'agency' && !LicenceService.asserts(principal, d.kind))
          return {
            error: { path: 'kind', rule: 'NOT_THE_ISSUER', message: `${principal.agency} does not issue ${d.kind}` },
          };
        const holder = scoped('enterpriseId', d.enterpriseId);
        if ('error' in holder) return holder;
        return { entity: LicenceService.build(holder.id, d, principal.kind === 'enterprise' ? 'pending' : 'verified') };
      }
    }
  }

  /** Rules that need the database or the other rows: references, uniqueness. */
  private async checkDomain(kind: ImportKind, candidates: Candidate[]): Promise<void> {
    const ready = candidates.filter((c) => c.entity);
    const duplicateWithin = (key: (e: Entity) => string | null, path: string): void => {
      const first = new Map<string, number>();
      for (const c of ready) {
        const k = key(c.entity!);
        if (k === null) continue;
        if (first.has(k))
          c.errors.push({ path, rule: 'DUPLICATE_IN_FILE', message: `${path} repeats line ${first.get(k)}` });
        else first.set(k, c.line);
      }
    };
    switch (kind) {
      case 'enterprises': {
        const rows = ready.map((c) => c.entity as EnterpriseEntity);
        const taken = new Set(
          (await this.enterprises.findByCreditCodes(rows.map((r) => r.creditCode))).map((e) => e.creditCode),
        );
        ready.forEach((c) => {
          if (taken.has((c.entity as EnterpriseEntity).creditCode))
            c.errors.push({
              path: 'creditCode',
              rule: 'DUPLICATE',
              message: 'an enterprise with this creditCode is already registered',
            });
        });
        duplicateWithin((e) => (e as EnterpriseEntity).creditCode, 'creditCode');
        break;
      }
      case 'chemicals': {
        const taken = await this.chemicals.existing(ready.map((c) => c.entity as ChemicalEntity));
        ready.forEach((c) => {
          if (taken.has(chemicalKey(c.entity as ChemicalEntity)))
            c.errors.push({
              path: 'cas',
              rule: 'DUPLICATE',
              message: 'a chemical with the same cas, unNumber and nameZh is already in the catalogue',
            });
        });
        duplicateWithin((e) => chemicalKey(e as ChemicalEntity), 'cas');
        break;
      }
      case 'vehicles': {
        const problems = await this.vehicleService.checkNew(ready.map((c) => c.entity as VehicleEntity));
        ready.forEach((c, i) => c.errors.push(...problems[i]!));
        duplicateWithin((e) => (e as VehicleEntity).plate, 'plate');
        duplicateWithin((e) => (e as VehicleEntity).terminalId, 'terminalId');
        break;
      }
      case 'personnel': {
        const problems = await this.personService.checkNew(ready.map((c) => c.entity as PersonEntity));
        ready.forEach((c, i) => c.errors.push(...problems[i]!));
        duplicateWithin((e) => (e as PersonEntity).idNumber, 'idNumber');
        break;
      }
      case 'licences': {
        const holders = new Set(
          (
            await this.enterprises.findByIds([...new Set(ready.map((c) => (c.entity as LicenceEntity).enterpriseId))])
          ).map((e) => e.id),
        );
        for (const c of ready) {
          const l = c.entity as LicenceEntity;
          if (!holders.has(l.enterpriseId))
            c.errors.push({ path: 'enterpriseId', rule: 'REFERENCE_NOT_FOUND', message: 'no such enterprise' });
          c.errors.push(...(await this.licenceService.check(l)));
          if (l.status === 'verified' && (await this.licences.assertedNumberTaken(l.kind, l.number, null)))
            c.errors.push({
              path: 'number',
              rule: 'DUPLICATE',
              message: `a ${l.kind} numbered ${l.number} is on record`,
            });
        }
        duplicateWithin((e) => `${(e as LicenceEntity).kind}|${(e as LicenceEntity).number}`, 'number');
        break;
      }
    }
  }

  private async insert(kind: ImportKind, rows: Entity[], principal: Principal): Promise<void> {
    switch (kind) {
      case 'enterprises':
        return this.enterprises.insertMany(rows as EnterpriseEntity[]);
      case 'chemicals':
        return this.chemicals.insertMany(rows as ChemicalEntity[]);
      // A carrier's own import files its gating facts for confirmation, as its registrations do.
      case 'vehicles':
        return this.vehicleService.store(rows as VehicleEntity[], principal);
      case 'personnel':
        return this.personService.store(rows as PersonEntity[], principal);
      case 'licences':
        return this.licenceService.store(rows as LicenceEntity[], principal);
    }
  }
}
