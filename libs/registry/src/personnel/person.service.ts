import { Injectable } from '@nestjs/common';
import {
  AccessLog,
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
import { assertReadable, assertWritable, ownerFilter, seesPersonalData } from '../access.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { maskPersonal } from '../identifiers/citizen-id.js';
import type { CreatePersonDto, PersonQuery, PersonView, UpdatePersonDto } from './person.dto.js';
import type { PersonEntity } from './person.entity.js';
import { PersonRepository } from './person.repository.js';

/** Personal data shown in full only to the employer and admin (registry rule; exchange policy may widen it). */
export function toPersonView(p: PersonEntity, principal: Principal | null): PersonView {
  const full = principal === null || seesPersonalData(principal, p.employerId);
  return {
    id: p.id,
    name: p.name,
    idNumber: full ? p.idNumber : maskPersonal(p.idNumber)!,
    phone: full ? p.phone : maskPersonal(p.phone),
    masked: !full,
    role: p.role,
    employerId: p.employerId,
    qualificationKind: p.qualificationKind,
    qualificationNumber: p.qualificationNumber,
    qualificationExpiry: p.qualificationExpiry,
    status: p.status,
  };
}

export function newPerson(dto: CreatePersonDto, employerId: string): PersonEntity {
  const now = new Date();
  return {
    id: uuid7(),
    name: dto.name.trim(),
    idNumber: dto.idNumber,
    phone: dto.phone ?? null,
    role: dto.role,
    employerId,
    qualificationKind: dto.qualificationKind,
    qualificationNumber: dto.qualificationNumber.trim(),
    qualificationExpiry: dto.qualificationExpiry,
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
}

const qualificationFits = (role: string, kind: string): boolean =>
  role === 'driver' ? kind.startsWith('dg_driver') : kind.startsWith('dg_escort');

@Injectable()
export class PersonService {
  constructor(
    private readonly people: PersonRepository,
    private readonly enterprises: EnterpriseRepository,
    private readonly access: AccessLog,
  ) {}

  async checkNew(rows: PersonEntity[]): Promise<ProblemItem[][]> {
    const employers = new Map(
      (await this.enterprises.findByIds([...new Set(rows.map((r) => r.employerId))])).map((e) => [e.id, e]),
    );
    const taken = await this.people.takenIdNumbers(rows.map((r) => r.idNumber));
    return rows.map((r) => {
      const p: ProblemItem[] = [];
      const employer = employers.get(r.employerId);
      if (!employer)
        p.push({ path: 'employerId', rule: 'REFERENCE_NOT_FOUND', message: `employer ${r.employerId} does not exist` });
      else if (!employer.roles.includes('carrier'))
        p.push({
          path: 'employerId',
          rule: 'NOT_A_CARRIER',
          message: `${employer.name} is not registered as a carrier`,
        });
      if (!qualificationFits(r.role, r.qualificationKind)) {
        p.push({
          path: 'qualificationKind',
          rule: 'QUALIFICATION_ROLE',
          message: `a ${r.role} needs a ${r.role} qualification (got ${r.qualificationKind})`,
        });
      }
      if (taken.has(r.idNumber))
        p.push({ path: 'idNumber', rule: 'DUPLICATE', message: 'a person with this idNumber is already registered' });
      return p;
    });
  }

  async create(dto: CreatePersonDto, principal: Principal): Promise<PersonView> {
    const employerId = principal.kind === 'enterprise' ? (dto.employerId ?? principal.enterpriseId) : dto.employerId;
    if (!employerId)
      throw new RulesViolated([{ path: 'employerId', rule: 'required', message: 'employerId is required' }]);
    assertWritable(principal, employerId, 'enterprise', employerId);
    const entity = newPerson(dto, employerId);
    const [problems] = await this.checkNew([entity]);
    if (problems!.length) throw new RulesViolated(problems!);
    await this.people.insertMany([entity]);
    return toPersonView(entity, principal);
  }

  async list(q: PersonQuery, principal: Principal, purpose: string | null = null): Promise<Page<PersonView>> {
    const limit = q.limit ?? 50;
    const own = ownerFilter(principal);
    if (own && q.employerId && q.employerId !== own) return { items: [], nextCursor: null };
    const rows = await this.people.list({
      employerId: own ?? q.employerId,
      role: q.role,
      expiringBy: q.qualificationExpiringBy,
      after: decodeCursor(q.cursor, isUuidString),
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (p) => p.id);
    await this.logRead(
      principal,
      'person.list',
      page.items.map((p) => p.id),
      purpose,
    );
    return { items: page.items.map((p) => toPersonView(p, principal)), nextCursor: page.nextCursor };
  }

  async get(id: string, principal: Principal, purpose: string | null = null): Promise<PersonView> {
    const p = await this.people.findById(id);
    if (!p) throw new NotFound('person', id);
    assertReadable(principal, p.employerId, 'person', id);
    await this.logRead(principal, 'person.read', [id], purpose);
    return toPersonView(p, principal);
  }

  /** Every API read of a person (masked or not) is in the access log: who, which people, why. */
  private async logRead(principal: Principal, action: string, ids: string[], purpose: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.access.record([
      { principal, channel: 'api', action, subjects: ids.map((id) => `person:${id}`), purpose },
    ]);
  }

  async update(id: string, dto: UpdatePersonDto, principal: Principal): Promise<PersonView> {
    const p = await this.people.findById(id);
    if (!p) throw new NotFound('person', id);
    assertWritable(principal, p.employerId, 'person', id);
    const merged = {
      ...p,
      ...Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)),
    } as PersonEntity;
    if (!qualificationFits(merged.role, merged.qualificationKind)) {
      throw new RulesViolated([
        {
          path: 'qualificationKind',
          rule: 'QUALIFICATION_ROLE',
          message: `a ${merged.role} needs a ${merged.role} qualification`,
        },
      ]);
    }
    const { id: _id, createdAt: _c, ...patch } = merged;
    await this.people.update(id, patch);
    return this.get(id, principal);
  }
}
