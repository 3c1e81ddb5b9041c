import { Injectable } from '@nestjs/common';
import {
  Conflict,
  Database,
  describePrincipal,
  type EventType,
  Forbidden,
  JobHandler,
  JobName,
  NotFound,
  Outbox,
  type Principal,
  type ProblemItem,
  RulesViolated,
  SHANGHAI_OFFSET_MS,
  uuid7,
} from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { ViolationsService } from '@lib/telematics';
import type { DecideOrderDto, IssueOrderDto, OrderQuery, RespondOrderDto } from '../audit.dto.js';
import { OrderRepository, type SupervisionOrder } from './order.repository.js';

/** The events of a supervision order's steps: they share one payload schema. */
type OrderEvent = Extract<EventType, `audit.order.${string}`>;

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export interface OrderView {
  id: string;
  number: string;
  enterpriseId: string;
  agency: string;
  issuedBy: string;
  sourceKind: string;
  sourceRef: string;
  requirement: string;
  deadline: string;
  status: string;
  overdue: boolean;
  response: string | null;
  respondedAt: string | null;
  closedAt: string | null;
  reopened: number;
  createdAt: string;
  history?: Array<{ at: string; action: string; by: string; note: string | null }>;
}

/**
 * Supervision orders (督办): an agency orders an enterprise to rectify a finding or a violation by
 * a deadline; the enterprise answers; the agency closes or reopens. Every step is in the order's
 * history and published; an order past its deadline is published as overdue, once per deadline.
 */
@Injectable()
export class OrderService {
  constructor(
    private readonly db: Database,
    private readonly repo: OrderRepository,
    private readonly registry: RegistryLookup,
    private readonly violations: ViolationsService,
    private readonly outbox: Outbox,
  ) {}

  async issue(dto: IssueOrderDto, principal: Principal): Promise<OrderView> {
    const problems: ProblemItem[] = [];
    if (!(await this.registry.enterpriseMap([dto.enterpriseId])).has(dto.enterpriseId))
      problems.push({ path: 'enterpriseId', rule: 'ENTERPRISE_NOT_FOUND', message: 'no such enterprise' });
    const deadline = new Date(dto.deadline);
    if (deadline.getTime() <= Date.now())
      problems.push({ path: 'deadline', rule: 'IN_PAST', message: 'the deadline must be ahead' });
    if (dto.sourceKind === 'violation') {
      const found = await this.violations
        .get(dto.sourceRef, { kind: 'admin', keyId: principal.keyId })
        .catch(() => null);
      if (!found) problems.push({ path: 'sourceRef', rule: 'VIOLATION_NOT_FOUND', message: 'no such violation' });
    }
    if (problems.length) throw new RulesViolated(problems);
    const id = uuid7();
    const day = new Date(Date.now() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
    return this.db.transaction(async () => {
      await this.repo.insert({
        id,
        number: `DB${day}${id.slice(-6).toUpperCase()}`,
        enterpriseId: dto.enterpriseId,
        agency: principal.kind === 'agency' ? principal.agency : 'admin',
        issuedBy: describePrincipal(principal),
        sourceKind: dto.sourceKind,
        sourceRef: dto.sourceRef,
        requirement: dto.requirement,
        deadline,
      });
      return this.step(id, 'audit.order.issued', principal, dto.requirement);
    });
  }

  async respond(id: string, dto: RespondOrderDto, principal: Principal): Promise<OrderView> {
    return this.db.transaction(async () => {
      const o = await this.load(id, principal, true);
      if (principal.kind === 'agency') throw new Forbidden('the enterprise answers its orders', 'ENTERPRISE_ONLY');
      if (o.status === 'closed') throw new Conflict('INVALID_STATE', 'the order is closed', { state: o.status });
      await this.repo.update(id, { status: 'answered', response: dto.rectification, respondedAt: new Date() });
      return this.step(id, 'audit.order.answered', principal, dto.rectification);
    });
  }

  async close(id: string, dto: DecideOrderDto, principal: Principal): Promise<OrderView> {
    return this.db.transaction(async () => {
      const o = await this.decider(id, principal);
      if (o.status !== 'answered')
        throw new Conflict('INVALID_STATE', `the order is ${o.status}; it is closed once answered`, {
          state: o.status,
        });
      await this.repo.update(id, { status: 'closed', closedAt: new Date() });
      return this.step(id, 'audit.order.closed', principal, dto.note ?? null);
    });
  }

  async reopen(id: string, dto: DecideOrderDto, principal: Principal): Promise<OrderView> {
    return this.db.transaction(async () => {
      const o = await this.decider(id, principal);
      if (o.status === 'open') throw new Conflict('INVALID_STATE', 'the order is open already', { state: o.status });
      const deadline = dto.deadline ? new Date(dto.deadline) : null;
      if (deadline && deadline.getTime() <= Date.now())
        throw new RulesViolated([{ path: 'deadline', rule: 'IN_PAST', message: 'the new deadline must be ahead' }]);
      await this.repo.update(id, {
        status: 'open',
        closedAt: null,
        reopened: o.reopened + 1,
        ...(deadline ? { deadline } : {}),
      });
      return this.step(id, 'audit.order.reopened', principal, dto.note ?? null);
    });
  }

  async get(id: string, principal: Principal): Promise<OrderView> {
    const o = await this.load(id, principal);
    const history = await this.repo.history(id);
    return {
      ...this.view(o),
      history: history.map((h) => ({ at: iso(h.at)!, action: h.action, by: h.byPrincipal, note: h.note })),
    };
  }

  async list(q: OrderQuery, principal: Principal): Promise<OrderView[]> {
    const enterpriseId = principal.kind === 'enterprise' ? principal.enterpriseId : q.enterpriseId;
    return (await this.repo.list({ enterpriseId, status: q.status, overdue: q.overdue })).map((o) => this.view(o));
  }

  @JobHandler(JobName.SupervisionOverdue)
  async publishOverdue(): Promise<void> {
    await this.db.transaction(async () => {
      for (const o of await this.repo.overdueUnpublished(500)) {
        await this.repo.markOverduePublished(o.id);
        await this.repo.addHistory(o.id, 'overdue', 'system', null);
        await this.publish('audit.order.overdue', o);
      }
    });
  }

  private async step(id: string, type: OrderEvent, principal: Principal, note: string | null): Promise<OrderView> {
    await this.repo.addHistory(id, type.replace('audit.order.', ''), describePrincipal(principal), note);
    const o = (await this.repo.find(id))!;
    await this.publish(type, o);
    return this.get(id, { kind: 'admin', keyId: principal.keyId });
  }

  private publish(type: OrderEvent, o: SupervisionOrder) {
    return this.outbox.append(
      type,
      {
        orderId: o.id,
        number: o.number,
        enterpriseId: o.enterpriseId,
        agency: o.agency,
        sourceKind: o.sourceKind,
        sourceRef: o.sourceRef,
        status: o.status,
        deadline: iso(o.deadline)!,
        at: new Date().toISOString(),
      },
      { subjectId: o.enterpriseId },
    );
  }

  private async load(id: string, principal: Principal, lock = false): Promise<SupervisionOrder> {
    const o = await this.repo.find(id, lock);
    if (!o || (principal.kind === 'enterprise' && principal.enterpriseId !== o.enterpriseId))
      throw new NotFound('order', id);
    return o;
  }

  /** Closing and reopening belong to the issuing agency (or admin). */
  private async decider(id: string, principal: Principal): Promise<SupervisionOrder> {
    const o = await this.load(id, principal, true);
    if (principal.kind === 'enterprise' || (principal.kind === 'agency' && principal.agency !== o.agency))
      throw new Forbidden(`the issuing agency (${o.agency}) decides on this order`, 'NOT_ISSUER');
    return o;
  }

  private view(o: SupervisionOrder): OrderView {
    return {
      id: o.id,
      number: o.number,
      enterpriseId: o.enterpriseId,
      agency: o.agency,
      issuedBy: o.issuedBy,
      sourceKind: o.sourceKind,
      sourceRef: o.sourceRef,
      requirement: o.requirement,
      deadline: iso(o.deadline)!,
      status: o.status,
      overdue: o.status !== 'closed' && new Date(o.deadline).getTime() < Date.now(),
      response: o.response,
      respondedAt: iso(o.respondedAt),
      closedAt: iso(o.closedAt),
      reopened: o.reopened,
      createdAt: iso(o.createdAt)!,
    };
  }
}
