import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { describePrincipal, type Principal } from '../auth/principal.js';
import { Database } from '../database/database.js';
import { Conflict, DomainError, Forbidden, NotFound } from '../errors/domain-error.js';
import { decodeCursor, type Page, toPage } from '../http/pagination.js';
import { uuid7 } from '../ids/uuid7.js';
import type { FilingDecisionDto, FilingDecisionResult, FilingQuery, FilingView } from './filing.dto.js';
import { type FilingDecision, type FilingHandler, FilingHandlerRegistry } from './filing-handler.js';
import type { Filing, FilingKind } from './filing-kinds.js';
import { FilingRepository } from './filing.repository.js';

/** What a context files: the claim; status, filer and decision are the queue's. */
export type NewFiling = Pick<
  Filing,
  'kind' | 'agency' | 'subjectType' | 'subjectId' | 'enterpriseId' | 'proposed' | 'current' | 'summary'
> & { documents?: string[] };

export function toFilingView(f: Filing): FilingView {
  return {
    id: f.id,
    kind: f.kind,
    agency: f.agency,
    subjectType: f.subjectType,
    subjectId: f.subjectId,
    enterpriseId: f.enterpriseId,
    proposed: f.proposed,
    current: f.current,
    summary: f.summary,
    documents: f.documents,
    status: f.status,
    filedBy: f.filedBy,
    filedAt: f.filedAt.toISOString(),
    decidedBy: f.decidedBy,
    decidedAt: f.decidedAt?.toISOString() ?? null,
    reason: f.reason,
    outcome: f.outcome,
  };
}

const isFilingCursor = (k: unknown): k is { at: string; id: string } =>
  typeof k === 'object' &&
  k !== null &&
  typeof (k as { at?: unknown }).at === 'string' &&
  typeof (k as { id?: unknown }).id === 'string';

/**
 * The supervision work queue (待审核事项): what a supervised party claims about itself waits here
 * for the agency entitled to assert it. Until that agency (or admin) confirms, the old value rules;
 * a refusal keeps its reason for the filer. Filing again before a decision supersedes the earlier
 * filing, so a queue never holds two answers to one question.
 */
@Injectable()
export class FilingsService implements OnApplicationBootstrap {
  private handlers = new Map<FilingKind, FilingHandler>();

  constructor(
    private readonly db: Database,
    private readonly repo: FilingRepository,
    private readonly registry: FilingHandlerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.handlers = this.registry.collect();
  }

  /** Files a claim (inside the caller's transaction when there is one); a pending one about the same thing is superseded. */
  async file(input: NewFiling, principal: Principal): Promise<Filing> {
    return this.db.transaction(async () => {
      const now = new Date();
      const earlier = await this.repo.pendingFor(input.kind, input.subjectId);
      await this.repo.supersede(
        earlier.map((f) => f.id),
        now,
      );
      const filing: Filing = {
        id: uuid7(),
        ...input,
        documents: input.documents ?? [],
        status: 'pending',
        filedByKeyId: principal.keyId || null,
        filedBy: describePrincipal(principal),
        filedAt: now,
        decidedByKeyId: null,
        decidedBy: null,
        decidedAt: null,
        reason: null,
        outcome: null,
      };
      await this.repo.insert(filing);
      return filing;
    });
  }

  /**
   * Records a change the entitled party asserted itself (the issuing agency or admin writing a
   * gating fact directly) as a decided filing, so that a subject's filings are the whole history
   * of its gating facts: who, when, why.
   */
  async recordAsserted(input: NewFiling, principal: Principal, reason: string | null): Promise<Filing> {
    const now = new Date();
    const filing: Filing = {
      id: uuid7(),
      ...input,
      documents: input.documents ?? [],
      status: 'confirmed',
      filedByKeyId: principal.keyId || null,
      filedBy: describePrincipal(principal),
      filedAt: now,
      decidedByKeyId: principal.keyId || null,
      decidedBy: describePrincipal(principal),
      decidedAt: now,
      reason,
      outcome: { asserted: true },
    };
    await this.repo.insert(filing);
    return filing;
  }

  /** What awaits confirmation about these subjects (for the subjects' own views). */
  pendingAbout(subjectIds: string[]): Promise<Filing[]> {
    return this.repo.pendingAbout(subjectIds);
  }

  async list(q: FilingQuery, principal: Principal): Promise<Page<FilingView>> {
    const limit = q.limit ?? 50;
    if (principal.kind === 'agency' && q.agency && q.agency !== principal.agency)
      return { items: [], nextCursor: null };
    if (principal.kind === 'enterprise' && q.enterpriseId && q.enterpriseId !== principal.enterpriseId)
      return { items: [], nextCursor: null };
    const rows = await this.repo.list({
      agency: principal.kind === 'agency' ? principal.agency : q.agency,
      enterpriseId: principal.kind === 'enterprise' ? principal.enterpriseId : q.enterpriseId,
      kind: q.kind,
      status: q.status,
      subjectId: q.subjectId,
      after: decodeCursor(q.cursor, isFilingCursor),
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (f) => ({ at: f.filedAt.toISOString(), id: f.id }));
    return { items: page.items.map(toFilingView), nextCursor: page.nextCursor };
  }

  async get(id: string, principal: Principal): Promise<FilingView> {
    const f = await this.repo.findById(id);
    if (!f || !this.mayRead(f, principal)) throw new NotFound('filing', id);
    return toFilingView(f);
  }

  async confirm(id: string, reason: string | null, principal: Principal): Promise<FilingView> {
    return this.decide(
      id,
      principal,
      async (f, decision) => {
        const outcome = await this.handlers.get(f.kind)!.confirm(f, decision);
        return { status: 'confirmed', outcome: outcome ?? null };
      },
      reason,
    );
  }

  async refuse(id: string, reason: string, principal: Principal): Promise<FilingView> {
    return this.decide(
      id,
      principal,
      async (f, decision) => {
        await this.handlers.get(f.kind)!.refuse?.(f, decision);
        return { status: 'refused', outcome: null };
      },
      reason,
    );
  }

  /**
   * A batch of decisions (an agency working through its queue, or its register imported): each
   * is taken on its own, in its own transaction, and answered with its outcome.
   */
  async decideMany(decisions: FilingDecisionDto[], principal: Principal): Promise<FilingDecisionResult[]> {
    const out: FilingDecisionResult[] = [];
    for (const d of decisions) {
      try {
        if (d.decision === 'confirm') await this.confirm(d.filingId, d.reason ?? null, principal);
        else await this.refuse(d.filingId, d.reason!, principal);
        out.push({ filingId: d.filingId, outcome: d.decision === 'confirm' ? 'confirmed' : 'refused' });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        out.push({ filingId: d.filingId, outcome: 'failed', code: err.code, detail: err.detail });
      }
    }
    return out;
  }

  /** The filer takes its claim back before a decision. */
  async withdraw(id: string, principal: Principal): Promise<FilingView> {
    return this.db.transaction(async () => {
      const f = await this.repo.findForUpdate(id);
      if (!f || !this.mayRead(f, principal) || principal.kind === 'agency') throw new NotFound('filing', id);
      if (f.status !== 'pending') throw this.decided(f);
      const patch = {
        status: 'withdrawn' as const,
        decidedByKeyId: principal.keyId || null,
        decidedBy: describePrincipal(principal),
        decidedAt: new Date(),
      };
      await this.repo.update(id, patch);
      return toFilingView({ ...f, ...patch });
    });
  }

  private async decide(
    id: string,
    principal: Principal,
    work: (f: Filing, d: FilingDecision) => Promise<Pick<Filing, 'status' | 'outcome'>>,
    reason: string | null,
  ): Promise<FilingView> {
    return this.db.transaction(async () => {
      const f = await this.repo.findForUpdate(id);
      if (!f || !this.mayRead(f, principal)) throw new NotFound('filing', id);
      if (!this.mayDecide(f, principal))
        throw new Forbidden(
          `only ${f.agency} (the agency that issues it) or admin decides this filing`,
          'NOT_THE_ISSUER',
        );
      if (f.status !== 'pending') throw this.decided(f);
      const at = new Date();
      const result = await work(f, { principal, reason, at });
      const patch = {
        ...result,
        decidedByKeyId: principal.keyId || null,
        decidedBy: describePrincipal(principal),
        decidedAt: at,
        reason,
      };
      await this.repo.update(id, patch);
      return toFilingView({ ...f, ...patch });
    });
  }

  private decided(f: Filing): Conflict {
    return new Conflict('FILING_DECIDED', `this filing is ${f.status} already`, { filingStatus: f.status });
  }

  /** Agencies read their own queue; an enterprise its own filings; admin everything. */
  private mayRead(f: Filing, p: Principal): boolean {
    if (p.kind === 'admin') return true;
    if (p.kind === 'agency') return p.agency === f.agency;
    return p.enterpriseId === f.enterpriseId;
  }

  private mayDecide(f: Filing, p: Principal): boolean {
    return p.kind === 'admin' || (p.kind === 'agency' && p.agency === f.agency);
  }
}
