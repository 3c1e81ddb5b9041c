import { Inject, Injectable } from '@nestjs/common';
import {
  AccessLog,
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
  READ_POLICY,
  type ReadPolicy,
  RulesViolated,
  uuid7,
} from '@lib/platform';
import { assertReadable, assertWritable, ownerFilter, seesPersonalData } from '../access.js';
import { EnterpriseRepository } from '../enterprises/enterprise.repository.js';
import { ClaimFiler, type GatedGroup, splitChange } from '../gating.js';
import { CERTIFICATE_ISSUERS } from '../issuers.js';
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

const qualificationFits = (role: string, kind: string | null): boolean =>
  kind === null || (role === 'driver' ? kind.startsWith('dg_driver') : kind.startsWith('dg_escort'));

/** The qualification (从业资格证) is transport's to confirm; name, phone and status are the employer's. */
export const PERSON_GATES: ReadonlyArray<GatedGroup<PersonEntity>> = [
  {
    kind: FilingKind.PersonQualification,
    agency: CERTIFICATE_ISSUERS.qualification.agency,
    fields: ['qualificationKind', 'qualificationNumber', 'qualificationExpiry'],
    label: CERTIFICATE_ISSUERS.qualification.nameZh,
  },
];
const PERSON_DIRECT = ['name', 'phone', 'status'] as const;

@Injectable()
export class PersonService {
  constructor(
    private readonly db: Database,
    private readonly people: PersonRepository,
    private readonly enterprises: EnterpriseRepository,
    private readonly access: AccessLog,
    private readonly claims: ClaimFiler,
    @Inject(READ_POLICY) private readonly reads: ReadPolicy,
  ) {}

  // ── Crew reads under the sharing policy (issue 15) ──────────────────────────────────────────
  /**
   * The view of people for this reader: an agency reads crew only when its sharing policy gives
   * it crew (403 otherwise), with id numbers and phones in clear only where the policy says; the
   * employer and admin by the registry's rule (toPersonView).
   */
  private async crewView(principal: Principal): Promise<(p: PersonEntity) => PersonView> {
    const reads = await this.reads.readsOf(principal);
    reads.require('crew');
    if (principal.kind !== 'agency') return (p) => toPersonView(p, principal);
    return (p) => reads.shape('crew', toPersonView(p, null));
  }
  // ────────────────────────────────────────────────────────────────────────────────────────────

  async checkNew(rows: PersonEntity[]): Promise<ProblemItem[][]> {
    const employers = new Map(
      (await this.enterprises.findByIds([...new Set(rows.map((r) => r.employerId))])).map((e) => [e.id, e]),
    );
    // Only the employer's own records: whether another carrier employs this person is not its business.
    const taken = await this.people.takenIdNumbers(
      rows.map((r) => ({ employerId: r.employerId, idNumber: r.idNumber })),
    );
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
      if (taken.has(`${r.employerId}|${r.idNumber}`))
        p.push({
          path: 'idNumber',
          rule: 'DUPLICATE',
          message: 'you have registered a person with this idNumber already',
        });
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
    await this.db.transaction(() => this.store([entity], principal));
    return this.get(entity.id, principal);
  }

  /**
   * Stores new employment records (checked); an employer's own registration leaves the
   * qualification empty and files it for transport to confirm (the import uses this too).
   */
  async store(rows: PersonEntity[], principal: Principal): Promise<void> {
    if (principal.kind !== 'enterprise') return this.people.insertMany(rows);
    const stored = rows.map((r) => ({
      ...r,
      qualificationKind: null,
      qualificationNumber: null,
      qualificationExpiry: null,
    }));
    await this.people.insertMany(stored);
    for (const [i, p] of stored.entries()) {
      const { claims } = splitChange(principal, p, rows[i]!, PERSON_GATES, []);
      await this.claims.file(claims, p, this.subject(p), principal);
    }
  }

  private subject(p: PersonEntity) {
    return { type: 'person', id: p.id, enterpriseId: p.employerId, name: p.name };
  }

  async list(q: PersonQuery, principal: Principal, purpose: string | null = null): Promise<Page<PersonView>> {
    const view = await this.crewView(principal);
    const own = ownerFilter(principal);
    if (own && q.employerId && q.employerId !== own) return { items: [], nextCursor: null };
    const page = await pageById(q, (window) =>
      this.people.list({
        employerId: own ?? q.employerId,
        role: q.role,
        expiringBy: q.qualificationExpiringBy,
        ...window,
      }),
    );
    await this.logRead(
      principal,
      'person.list',
      page.items.map((p) => p.id),
      purpose,
    );
    const pending = await this.claims.pendingBySubject(page.items.map((p) => p.id));
    return {
      items: page.items.map((p) => ({ ...view(p), pendingChanges: pending.get(p.id) ?? [] })),
      nextCursor: page.nextCursor,
    };
  }

  async get(id: string, principal: Principal, purpose: string | null = null): Promise<PersonView> {
    const view = await this.crewView(principal);
    const p = await this.people.findById(id);
    if (!p) throw new NotFound('person', id);
    assertReadable(principal, p.employerId, 'person', id);
    await this.logRead(principal, 'person.read', [id], purpose);
    const pending = await this.claims.pendingBySubject([id]);
    return { ...view(p), pendingChanges: pending.get(id) ?? [] };
  }

  /** Every API read of a person (masked or not) is in the access log: who, which people, why. */
  private async logRead(principal: Principal, action: string, ids: string[], purpose: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.access.record([
      { principal, channel: 'api', action, subjects: ids.map((id) => `person:${id}`), purpose },
    ]);
  }

  /**
   * Changes a person. The employer's change of the qualification is filed for transport (202) and
   * the confirmed qualification rules meanwhile; transport or admin write it directly.
   */
  async update(id: string, dto: UpdatePersonDto, principal: Principal): Promise<{ view: PersonView; filed: boolean }> {
    const filed = await this.db.transaction(async () => {
      const p = await this.people.findForUpdate(id);
      if (!p) throw new NotFound('person', id);
      if (principal.kind === 'agency') {
        // Transport confirms qualifications of anyone's staff; other agencies change nothing here.
        if (principal.agency !== PERSON_GATES[0]!.agency) throw new NotFound('person', id);
      } else assertWritable(principal, p.employerId, 'person', id);
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
      const split = splitChange(principal, p, merged, PERSON_GATES, PERSON_DIRECT);
      return this.claims.apply(split, p, this.subject(p), principal, dto.reason ?? null, (patch) =>
        this.people.update(id, patch),
      );
    });
    return { view: await this.get(id, principal), filed };
  }

  /** Applies a confirmed qualification (the filing's handler). */
  async applyConfirmed(id: string, proposed: Partial<PersonEntity>): Promise<Record<string, unknown>> {
    const p = await this.people.findForUpdate(id);
    if (!p) throw new NotFound('person', id);
    const merged = { ...p, ...proposed };
    if (!qualificationFits(merged.role, merged.qualificationKind))
      throw new Conflict('FILING_NO_LONGER_FITS', `a ${merged.role} needs a ${merged.role} qualification`);
    await this.people.update(id, proposed);
    return { personId: id, applied: Object.keys(proposed) };
  }
}

@Injectable()
@HandlesFiling(FilingKind.PersonQualification)
export class PersonQualificationFilingHandler implements FilingHandler {
  constructor(private readonly people: PersonService) {}

  confirm(f: Filing, _d: FilingDecision): Promise<Record<string, unknown>> {
    return this.people.applyConfirmed(f.subjectId, f.proposed as Partial<PersonEntity>);
  }
}
