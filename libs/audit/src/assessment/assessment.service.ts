import { Injectable } from '@nestjs/common';
import { type Principal, NotFound } from '@lib/platform';
import { type FacilityView, LicenceService, RegistryLookup } from '@lib/registry';
import { ViolationsService } from '@lib/telematics';
import { assessUnit, colourOf } from '../gb18218/assessment.js';
import { AuditRunRepository } from '../runs/audit-run.repository.js';
import { OrderService } from '../orders/order.service.js';
import { AuditInputs, facilityFacts } from './audit-inputs.js';
import { designItems } from './design-quantities.js';
import type { FacilityAudit, Tolerance } from './facility-audit.js';

/**
 * What an inspector reads live: one facility's or one enterprise's audit (reconciliation and
 * GB 18218), the four-colour risk map (四色图) and the one-page list per enterprise (一企一清单).
 */
@Injectable()
export class AssessmentService {
  constructor(
    private readonly inputs: AuditInputs,
    private readonly registry: RegistryLookup,
    private readonly licences: LicenceService,
    private readonly violations: ViolationsService,
    private readonly runs: AuditRunRepository,
    private readonly orders: OrderService,
  ) {}

  async facility(id: string, at: Date, tolerance: Tolerance | undefined, principal: Principal): Promise<FacilityAudit> {
    const f = (await this.registry.facilityMap([id])).get(id);
    if (!f || (principal.kind === 'enterprise' && principal.enterpriseId !== f.enterpriseId))
      throw new NotFound('facility', id);
    return (await this.inputs.audit([f], at, tolerance))[0]!;
  }

  async enterprise(
    id: string,
    at: Date,
    tolerance: Tolerance | undefined,
    principal: Principal,
  ): Promise<FacilityAudit[]> {
    if (principal.kind === 'enterprise' && principal.enterpriseId !== id) throw new NotFound('enterprise', id);
    const facilities = (await this.registry.activeFacilities()).filter((f) => f.enterpriseId === id);
    return this.inputs.audit(facilities, at, tolerance);
  }

  /**
   * The risk map: each active facility coloured by its GB 18218 grade on its design quantities
   * (what the standard grades, known without reading the ledger), with `flagged` where the latest
   * completed audit found the unit held more than it declared (its colour there is the worse one).
   */
  async riskMap(district: string | undefined): Promise<Record<string, unknown>> {
    const facilities = (await this.registry.activeFacilities()).filter((f) => !district || f.district === district);
    const chemicalIds = facilities.flatMap((f) => f.capacities.flatMap((c) => (c.chemicalId ? [c.chemicalId] : [])));
    const chemicals = await this.inputs.substances(chemicalIds);
    const latest = await this.runs.latestResults(facilities.map((f) => f.id));
    return {
      type: 'FeatureCollection',
      features: facilities.map((f) => {
        const design = this.design(f, chemicals);
        const audited = latest.get(f.id);
        const auditedGrade = (audited?.grade ?? null) as 1 | 2 | 3 | 4 | null;
        const grade =
          auditedGrade !== null && (design.grade === null || auditedGrade < design.grade) ? auditedGrade : design.grade;
        return {
          type: 'Feature',
          id: f.id,
          geometry: f.geometry,
          properties: {
            facilityId: f.id,
            name: f.name,
            enterpriseId: f.enterpriseId,
            district: f.district,
            hazardUnitKind: f.hazardUnitKind,
            S: round(design.S),
            R: design.R === null ? null : round(design.R),
            grade,
            colour: colourOf(grade),
            flagged: (audited?.flags ?? 0) > 0,
            auditedAt: audited?.at ?? null,
          },
        };
      }),
    };
  }

  /** 一企一清单: facilities with grades and stock, findings and flags, expiring licences, open violations and orders. */
  async riskList(enterpriseId: string, principal: Principal): Promise<Record<string, unknown>> {
    if (principal.kind === 'enterprise' && principal.enterpriseId !== enterpriseId)
      throw new NotFound('enterprise', enterpriseId);
    const enterprise = (await this.registry.enterpriseMap([enterpriseId])).get(enterpriseId);
    if (!enterprise) throw new NotFound('enterprise', enterpriseId);
    const now = new Date();
    const audits = await this.enterprise(enterpriseId, now, undefined, principal);
    const asEnterprise: Principal = { kind: 'enterprise', enterpriseId, keyId: principal.keyId };
    const [licences, violations, orders] = await Promise.all([
      this.licences.list(
        enterpriseId,
        { expiringWithinDays: 60, limit: 200 } as Parameters<LicenceService['list']>[1],
        asEnterprise,
      ),
      // As the reader may read them: an agency's sharing policy decides which, if any.
      this.violations.openOf(enterpriseId, principal),
      this.orders.list({ enterpriseId }, principal),
    ]);
    return {
      enterprise: {
        id: enterprise.id,
        name: enterprise.name,
        creditCode: enterprise.creditCode,
        district: enterprise.district,
      },
      at: now.toISOString(),
      facilities: audits.map((a) => ({
        facilityId: a.facilityId,
        name: a.name,
        hazardUnitKind: a.hazardUnitKind,
        grade: a.grade,
        colour: a.colour,
        S: round(a.design.S),
        R: a.design.R === null ? null : round(a.design.R),
        actualS: round(a.actual.S),
        chemicals: a.lines.map((l) => ({ chemicalId: l.chemicalId, name: l.name, stockKg: l.ledgerKg })),
        flags: a.flags,
      })),
      findings: audits.flatMap((a) => a.findings),
      expiringLicences: licences.items,
      openViolations: violations,
      openOrders: orders.filter((o) => o.status !== 'closed'),
    };
  }

  /** On design quantities alone (no ledger read): a class capacity counts as its class's most severe row. */
  private design(f: FacilityView, chemicals: Awaited<ReturnType<AuditInputs['substances']>>) {
    const facts = facilityFacts(f);
    return assessUnit(
      designItems(facts.capacities, chemicals, [], facts.processConditions),
      f.peopleWithin500m,
      facts.processConditions,
    );
  }
}

const round = (x: number): number => Math.round(x * 10000) / 10000;
