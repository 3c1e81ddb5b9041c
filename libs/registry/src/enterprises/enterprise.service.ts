import { Injectable } from '@nestjs/common';
import {
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
  uuid7,
} from '@lib/platform';
import { assertReadable, assertWritable, ownerFilter } from '../access.js';
import { ClaimFiler, type GatedGroup, splitChange } from '../gating.js';
import { maskPersonal } from '../identifiers/citizen-id.js';
import { CERTIFICATE_ISSUERS } from '../issuers.js';
import { RegistryError } from '../registry.error.js';
import type {
  CreateEnterpriseDto,
  CreditEventView,
  EnterpriseQuery,
  EnterpriseView,
  SetCreditStatusDto,
  UpdateEnterpriseDto,
} from './enterprise.dto.js';
import type { EnterpriseEntity } from './enterprise.entity.js';
import { EnterpriseRepository } from './enterprise.repository.js';

export function toEnterpriseView(e: EnterpriseEntity, principal: Principal | null): EnterpriseView {
  const fullContacts =
    principal === null ||
    principal.kind === 'admin' ||
    (principal.kind === 'enterprise' && principal.enterpriseId === e.id);
  return {
    id: e.id,
    creditCode: e.creditCode,
    name: e.name,
    roles: e.roles,
    district: e.district,
    sector: e.sector,
    usesAboveThreshold: e.usesAboveThreshold,
    address: e.address,
    contacts: e.contacts.map((c) => ({
      ...c,
      ...(c.phone ? { phone: fullContacts ? c.phone : maskPersonal(c.phone)! } : {}),
    })),
    creditStatus: e.creditStatus,
    creditReason: e.creditReason,
    creditSince: e.creditSince?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function newEnterprise(dto: CreateEnterpriseDto): EnterpriseEntity {
  const now = new Date();
  return {
    id: uuid7(),
    creditCode: dto.creditCode,
    name: dto.name.trim(),
    roles: [...new Set(dto.roles)],
    district: dto.district,
    sector: dto.sector ?? 'chemical',
    usesAboveThreshold: dto.usesAboveThreshold ?? true,
    address: dto.address.trim(),
    contacts: (dto.contacts ?? []).map((c) => ({ ...c })),
    creditStatus: 'normal',
    creditReason: null,
    creditSince: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * An enterprise's district (禁限控 by district), roles (who may carry), sector and use above the
 * thresholds (whether Decree 591 Art. 29 asks it for a safe use licence) are emergency
 * management's to confirm.
 */
const REGISTRATION: GatedGroup<EnterpriseEntity> = {
  kind: FilingKind.EnterpriseRegistration,
  agency: CERTIFICATE_ISSUERS.enterprise_registration.agency,
  fields: ['district', 'roles', 'sector', 'usesAboveThreshold'],
  label: CERTIFICATE_ISSUERS.enterprise_registration.nameZh,
};

@Injectable()
export class EnterpriseService {
  constructor(
    private readonly enterprises: EnterpriseRepository,
    private readonly db: Database,
    private readonly claims: ClaimFiler,
  ) {}

  async create(dto: CreateEnterpriseDto): Promise<EnterpriseView> {
    const entity = newEnterprise(dto);
    await this.enterprises.insertMany([entity]);
    return toEnterpriseView(entity, null);
  }

  async list(query: EnterpriseQuery, principal: Principal): Promise<Page<EnterpriseView>> {
    const own = ownerFilter(principal);
    const page = await pageById(query, (window) =>
      this.enterprises.list({
        ...query,
        ids: own ? [own] : undefined,
        ...window,
      }),
    );
    return { items: page.items.map((e) => toEnterpriseView(e, principal)), nextCursor: page.nextCursor };
  }

  async get(id: string, principal: Principal): Promise<EnterpriseView> {
    const e = await this.enterprises.findById(id);
    if (!e) throw new NotFound('enterprise', id);
    assertReadable(principal, e.id, 'enterprise', id);
    const pending = await this.claims.pendingBySubject([id]);
    return { ...toEnterpriseView(e, principal), pendingChanges: pending.get(id) ?? [] };
  }

  /** Name, address and contacts change directly; district, roles, sector and use above the thresholds are filed. */
  async update(
    id: string,
    patch: UpdateEnterpriseDto,
    principal: Principal,
  ): Promise<{ view: EnterpriseView; filed: boolean }> {
    const filed = await this.db.transaction(async () => {
      const e = await this.enterprises.findForUpdate(id);
      if (!e) throw new NotFound('enterprise', id);
      if (principal.kind !== 'agency') assertWritable(principal, e.id, 'enterprise', id);
      const merged: EnterpriseEntity = {
        ...e,
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.address !== undefined ? { address: patch.address.trim() } : {}),
        ...(patch.contacts !== undefined ? { contacts: patch.contacts } : {}),
        ...(patch.roles !== undefined ? { roles: [...new Set(patch.roles)] } : {}),
        ...(patch.district !== undefined ? { district: patch.district } : {}),
        ...(patch.sector !== undefined ? { sector: patch.sector } : {}),
        ...(patch.usesAboveThreshold !== undefined ? { usesAboveThreshold: patch.usesAboveThreshold } : {}),
      };
      const split = splitChange(principal, e, merged, [REGISTRATION], ['name', 'address', 'contacts']);
      const subject = { type: 'enterprise', id, enterpriseId: id, name: e.name };
      return this.claims.apply(split, e, subject, principal, patch.reason ?? null, (change) =>
        this.enterprises.update(id, change),
      );
    });
    return { view: await this.get(id, principal), filed };
  }

  async applyConfirmed(id: string, proposed: Partial<EnterpriseEntity>): Promise<Record<string, unknown>> {
    if (!(await this.enterprises.findForUpdate(id))) throw new NotFound('enterprise', id);
    await this.enterprises.update(id, proposed);
    return { enterpriseId: id, applied: Object.keys(proposed) };
  }

  /** Admin sets the credit status; the history keeps every change (who, when, why). */
  async setCreditStatus(id: string, dto: SetCreditStatusDto, by: Principal): Promise<EnterpriseView> {
    const effectiveAt = dto.effectiveAt ? new Date(dto.effectiveAt) : new Date();
    await this.db.transaction(async () => {
      const e = await this.enterprises.findForUpdate(id);
      if (!e) throw new NotFound('enterprise', id);
      await this.enterprises.update(id, {
        creditStatus: dto.status,
        creditReason: dto.status === 'normal' ? null : dto.reason!,
        creditSince: dto.status === 'normal' ? null : effectiveAt,
      });
      await this.enterprises.addCreditEvent({
        id: uuid7(),
        enterpriseId: id,
        status: dto.status,
        reason: dto.reason ?? null,
        effectiveAt,
        recordedAt: new Date(),
        recordedBy: by.keyId,
      });
    });
    return this.get(id, by);
  }

  async creditHistory(id: string, principal: Principal): Promise<CreditEventView[]> {
    await this.get(id, principal);
    return (await this.enterprises.creditHistory(id)).map((h) => ({
      status: h.status,
      reason: h.reason,
      effectiveAt: h.effectiveAt.toISOString(),
      recordedAt: h.recordedAt.toISOString(),
    }));
  }

  /**
   * The one gate for starting anything new (a lifecycle movement, a waybill): a blacklisted
   * enterprise can still be read but starts nothing. Call it inside the transaction that writes.
   */
  async assertMayStart(enterpriseId: string, at: Date = new Date()): Promise<void> {
    const e = await this.enterprises.findById(enterpriseId);
    if (!e) throw new RegistryError('ENTERPRISE_NOT_FOUND', 422, `enterprise ${enterpriseId} does not exist`);
    if (isBlacklisted(e, at)) {
      throw new RegistryError(
        'ENTERPRISE_BLACKLISTED',
        422,
        `enterprise ${e.name} (${e.creditCode}) is blacklisted: ${e.creditReason ?? ''}`.trim(),
        {
          enterpriseId,
        },
      );
    }
  }
}

export const isBlacklisted = (e: EnterpriseEntity, at: Date): boolean =>
  e.creditStatus === 'blacklisted' && (e.creditSince === null || e.creditSince.getTime() <= at.getTime());

@Injectable()
@HandlesFiling(FilingKind.EnterpriseRegistration)
export class EnterpriseRegistrationFilingHandler implements FilingHandler {
  constructor(private readonly enterprises: EnterpriseService) {}

  confirm(f: Filing, _d: FilingDecision): Promise<Record<string, unknown>> {
    return this.enterprises.applyConfirmed(f.subjectId, f.proposed as Partial<EnterpriseEntity>);
  }
}
