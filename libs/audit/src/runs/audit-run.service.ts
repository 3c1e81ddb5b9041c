import { Injectable } from '@nestjs/common';
import {
  Conflict,
  Database,
  describePrincipal,
  JobName,
  JobQueue,
  NotFound,
  Outbox,
  type Principal,
  RulesViolated,
  toCsv,
  uuid7,
} from '@lib/platform';
import { type FacilityView, RegistryLookup } from '@lib/registry';
import type { StartAuditDto } from '../audit.dto.js';
import { AuditInputs } from '../assessment/audit-inputs.js';
import { type FacilityAudit, type StoredAudit, storedAudit } from '../assessment/facility-audit.js';
import { assessUnit } from '../gb18218/assessment.js';
import { designItems } from '../assessment/design-quantities.js';
import { type AuditRun, AuditRunRepository } from './audit-run.repository.js';
import { renderAuditReport } from './audit-report.js';

const CHUNK = 500;
const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export interface AuditRunView {
  id: string;
  scope: string;
  enterpriseId: string | null;
  district: string | null;
  at: string;
  status: string;
  startedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { percent: number; done: number; total: number; findings: number; majorHazards: number; flagged: number };
  error: string | null;
}

/**
 * Audit runs (检查任务): an agency audits one enterprise, a district or the city as a queued job;
 * progress is readable while it runs; the result (every facility's audit, inputs included) is
 * stored and exported as JSON, CSV and a printable report; audit.completed is published.
 */
@Injectable()
export class AuditRunService {
  constructor(
    private readonly db: Database,
    private readonly repo: AuditRunRepository,
    private readonly registry: RegistryLookup,
    private readonly inputs: AuditInputs,
    private readonly queue: JobQueue,
    private readonly outbox: Outbox,
  ) {}

  async start(dto: StartAuditDto, principal: Principal): Promise<AuditRunView> {
    const problems = [];
    if (dto.scope === 'enterprise' && !dto.enterpriseId)
      problems.push({ path: 'enterpriseId', rule: 'REQUIRED', message: 'an enterprise audit names the enterprise' });
    if (dto.scope === 'district' && !dto.district)
      problems.push({ path: 'district', rule: 'REQUIRED', message: 'a district audit names the district' });
    if (dto.enterpriseId && !(await this.registry.enterpriseMap([dto.enterpriseId])).has(dto.enterpriseId))
      problems.push({ path: 'enterpriseId', rule: 'ENTERPRISE_NOT_FOUND', message: 'no such enterprise' });
    const at = dto.at ? new Date(dto.at) : new Date();
    if (at.getTime() > Date.now() + 300_000)
      problems.push({ path: 'at', rule: 'IN_FUTURE', message: 'at is ahead of the clock' });
    if (problems.length) throw new RulesViolated(problems);
    const id = uuid7();
    await this.repo.insert({
      id,
      scope: dto.scope,
      enterpriseId: dto.scope === 'enterprise' ? dto.enterpriseId! : null,
      district: dto.scope === 'district' ? dto.district! : null,
      at,
      startedBy: describePrincipal(principal),
      agency: principal.kind === 'agency' ? principal.agency : null,
    });
    await this.queue.enqueue(JobName.AuditRun, { auditId: id });
    return this.view((await this.repo.find(id))!);
  }

  async get(id: string): Promise<AuditRunView> {
    return this.view(await this.found(id));
  }

  async list(): Promise<AuditRunView[]> {
    return (await this.repo.list(100)).map((r) => this.view(r));
  }

  /** Runs an audit (the job's work): facility batches audited and stored, progress after each. */
  async run(id: string): Promise<void> {
    const run = await this.repo.find(id);
    if (!run || run.status === 'completed') return;
    const facilities = (await this.registry.activeFacilities()).filter((f) => inScope(run, f));
    await this.repo.start(id, facilities.length);
    try {
      // Reading the next batch overlaps storing the previous one.
      // A store never rejects here: it resolves to its error, rethrown once awaited (no unhandled rejection).
      let stored: Promise<unknown> = Promise.resolve(null);
      const settle = async (): Promise<void> => {
        const err = await stored;
        if (err) throw err;
      };
      for (let i = 0; i < facilities.length; i += CHUNK) {
        const audits = await this.inputs.audit(facilities.slice(i, i + CHUNK), new Date(run.at));
        await settle();
        stored = this.store(id, audits).then(
          () => null,
          (err: unknown) => err ?? new Error('storing audit results failed'),
        );
      }
      await settle();
      await this.db.transaction(async () => {
        await this.repo.finish(id, 'completed');
        const done = (await this.repo.find(id))!;
        await this.outbox.append(
          'audit.completed',
          {
            auditId: id,
            scope: done.scope,
            enterpriseId: done.enterpriseId,
            district: done.district,
            at: iso(done.at)!,
            facilities: done.total,
            findings: done.findings,
            majorHazards: done.majorHazards,
            flagged: done.flagged,
            // finish() has just stamped it.
            completedAt: iso(done.finishedAt)!,
          },
          { id, subjectId: done.enterpriseId ?? done.district ?? 'city' },
        );
      });
    } catch (err) {
      await this.repo.finish(id, 'failed', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  private async store(id: string, audits: FacilityAudit[]): Promise<void> {
    await this.db.transaction(() =>
      this.repo.addResults(
        id,
        audits.map((a) => ({
          facilityId: a.facilityId,
          enterpriseId: a.enterpriseId,
          district: a.district,
          grade: a.grade,
          findings: a.findings.length,
          flags: a.flags.length,
          result: storedAudit(a) as unknown as Record<string, unknown>,
        })),
        {
          findings: audits.reduce((n, a) => n + a.findings.length, 0),
          major: audits.filter((a) => a.grade !== null).length,
          flagged: audits.filter((a) => a.flags.length > 0).length,
        },
      ),
    );
  }

  async results(id: string): Promise<StoredAudit[]> {
    const run = await this.found(id);
    if (run.status !== 'completed')
      throw new Conflict('AUDIT_NOT_COMPLETED', `the audit is ${run.status}`, { state: run.status });
    const out: StoredAudit[] = [];
    let after: string | null = null;
    for (;;) {
      const rows = await this.repo.results(id, after, 2000);
      out.push(...rows.map((r) => r.result as unknown as StoredAudit));
      if (rows.length < 2000) return out;
      after = rows[rows.length - 1]!.facilityId;
    }
  }

  /** CSV: one row per facility, or (rows=findings) one row per finding and flag. */
  async csv(id: string, rows: 'facilities' | 'findings'): Promise<string> {
    const results = await this.results(id);
    if (rows === 'findings')
      return toCsv(
        [
          'facility_id',
          'facility',
          'enterprise_id',
          'kind',
          'chemical_id',
          'ledger_kg',
          'recorded_kg',
          'difference_kg',
          'difference_pct',
          'tolerance_kg',
          'record_id',
          'detail',
        ],
        results.flatMap((a) => [
          ...a.findings.map((f) => [
            a.facilityId,
            a.name,
            a.enterpriseId,
            f.kind,
            f.chemicalId,
            f.ledgerKg,
            f.recordedKg,
            f.differenceKg,
            f.differencePct,
            f.toleranceKg,
            f.recordId,
            '',
          ]),
          ...a.flags.map((f) => [
            a.facilityId,
            a.name,
            a.enterpriseId,
            f.kind,
            f.chemicalId ?? '',
            '',
            '',
            '',
            '',
            '',
            '',
            f.detail,
          ]),
        ]),
      );
    return toCsv(
      [
        'facility_id',
        'facility',
        'enterprise_id',
        'district',
        'unit',
        'design_S',
        'design_R',
        'alpha',
        'actual_S',
        'grade',
        'colour',
        'findings',
        'flags',
      ],
      results.map((a) => [
        a.facilityId,
        a.name,
        a.enterpriseId,
        a.district,
        a.hazardUnitKind,
        a.design.S,
        a.design.R,
        a.design.alpha,
        a.actual.S,
        a.grade,
        a.colour,
        a.findings.length,
        a.flags.length,
      ]),
    );
  }

  /** The printable report; the GB 18218 terms of each major or flagged unit are recomputed from its stored inputs. */
  async report(id: string): Promise<string> {
    const run = await this.found(id);
    const results = await this.results(id);
    const shown = results.filter((a) => a.grade !== null || a.findings.length > 0 || a.flags.length > 0);
    const chemicals = await this.inputs.substances(shown.flatMap((a) => a.inputs.map((i) => i[0])));
    return renderAuditReport(
      this.view(run),
      shown.map((a) => ({
        audit: a,
        terms: assessUnit(
          designItems(
            [
              ...a.inputs.flatMap((i) => (i[3] !== null ? [{ chemicalId: i[0], maxKg: i[3] }] : [])),
              // Runs stored before class capacities and process conditions were kept have neither.
              ...(a.classCapacities ?? []).map(([unClass, maxKg]) => ({ unClass, maxKg })),
            ],
            chemicals,
            a.inputs.filter((i) => i[2] > 0).map((i) => i[0]),
            a.processConditions,
          ),
          a.peopleWithin500m,
          a.processConditions,
        ).terms,
      })),
    );
  }

  private async found(id: string): Promise<AuditRun> {
    const run = await this.repo.find(id);
    if (!run) throw new NotFound('audit', id);
    return run;
  }

  private view(r: AuditRun): AuditRunView {
    return {
      id: r.id,
      scope: r.scope,
      enterpriseId: r.enterpriseId,
      district: r.district,
      at: iso(r.at)!,
      status: r.status,
      startedBy: r.startedBy,
      createdAt: iso(r.createdAt)!,
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
      progress: {
        percent: r.total === 0 ? (r.status === 'completed' ? 100 : 0) : Math.floor((r.done / r.total) * 100),
        done: r.done,
        total: r.total,
        findings: r.findings,
        majorHazards: r.majorHazards,
        flagged: r.flagged,
      },
      error: r.error,
    };
  }
}

function inScope(run: AuditRun, f: FacilityView): boolean {
  if (run.scope === 'enterprise') return f.enterpriseId === run.enterpriseId;
  if (run.scope === 'district') return f.district === run.district;
  return true;
}
