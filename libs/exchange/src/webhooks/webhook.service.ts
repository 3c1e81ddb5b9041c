import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type Agency,
  AppConfig,
  Database,
  EVENTS,
  JobName,
  JobQueue,
  judgeUrl,
  NotFound,
  type Principal,
  type ProblemItem,
  RulesViolated,
  uuid7,
} from '@lib/platform';
import type { CreatedWebhookView, DeadLetterView, RegisterWebhookDto, WebhookView } from '../exchange.dto.js';
import { PolicyService } from '../policy/policy.service.js';
import { typeProblems } from '../feed/type-filter.js';
import { covers, typeMatches } from '../policy/sharing-policy.js';
import { DeliveryShaping } from './delivery-shaping.js';
import { type Endpoint, WebhookRepository } from './webhook.repository.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * Live endpoints per agency. With five agencies this keeps every endpoint's sender in a lane of
 * its own (the exchange queue runs more jobs at once than there can be endpoints, jobs.ts), so
 * receivers that hang hold only their own lanes, however many one agency registers.
 */
export const MAX_ENDPOINTS_PER_AGENCY = 20;

/** Agencies' webhook endpoints: registration (secret shown once), the dead-letter list and replay. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly repo: WebhookRepository,
    private readonly policies: PolicyService,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
    private readonly shaping: DeliveryShaping,
  ) {}

  async register(dto: RegisterWebhookDto, principal: Principal): Promise<CreatedWebhookView> {
    const agency = principal.kind === 'agency' ? principal.agency : dto.agency;
    if (!agency)
      throw new RulesViolated([
        { path: 'agency', rule: 'REQUIRED', message: 'admin registers an endpoint for an agency' },
      ]);
    const problems: ProblemItem[] = [...this.urlProblems(dto.url), ...typeProblems(dto.types, 'types')];
    const policy = (await this.policies.current()).document.agencies[agency];
    if (!problems.some((p) => p.path.startsWith('types')))
      dto.types.forEach((t, i) => {
        if (!Object.keys(EVENTS).some((e) => typeMatches(t, e) && covers(policy, e)))
          problems.push({
            path: `types[${i}]`,
            rule: 'NOT_SHARED_WITH_AGENCY',
            message: `the sharing policy gives ${agency} no ${t} events`,
          });
      });
    if (problems.length) throw new RulesViolated(problems);
    const id = uuid7();
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.db.transaction(async () => {
      // Counted and inserted under the agency's lock, so two registrations at once cannot pass the cap.
      if ((await this.repo.lockAndCountEndpoints(agency)) >= MAX_ENDPOINTS_PER_AGENCY)
        throw new RulesViolated([
          {
            path: 'agency',
            rule: 'WEBHOOK_ENDPOINT_LIMIT',
            message: `${agency} already has ${MAX_ENDPOINTS_PER_AGENCY} webhook endpoints; delete one first`,
          },
        ]);
      await this.repo.insertEndpoint({
        id,
        agency,
        url: dto.url,
        types: dto.types,
        secret,
        createdBy: principal.keyId,
      });
    });
    const view = this.view({ ...(await this.repo.endpoint(id))!, pending: 0, dead: 0 });
    return { ...view, secret };
  }

  async list(principal: Principal): Promise<WebhookView[]> {
    const rows = await this.repo.listEndpoints(principal.kind === 'agency' ? principal.agency : null);
    return rows.map((r) => this.view(r));
  }

  async get(id: string, principal: Principal): Promise<WebhookView> {
    const ep = await this.owned(id, principal);
    const row = (await this.repo.listEndpoints(ep.agency)).find((r) => r.id === id)!;
    return this.view(row);
  }

  async remove(id: string, principal: Principal): Promise<void> {
    await this.owned(id, principal);
    await this.repo.deleteEndpoint(id);
  }

  async deadLetters(id: string, principal: Principal): Promise<DeadLetterView[]> {
    await this.owned(id, principal);
    return (await this.repo.deadLetters(id, 1000)).map((d) => ({
      cursor: d.eventSeq,
      eventId: d.eventId,
      type: d.type,
      attempts: d.attempts,
      firstAttemptAt: iso(d.firstAttemptAt),
      lastAttemptAt: iso(d.lastAttemptAt),
      lastStatus: d.lastStatus,
      lastError: d.lastError,
    }));
  }

  /**
   * A current key of the endpoint's agency (or admin) takes over an endpoint whose registering key
   * was revoked or expired: until then its deliveries are held (issue 15: a revoked key learns
   * nothing more, whether through a stream or an endpoint it registered).
   */
  async adopt(id: string, principal: Principal): Promise<WebhookView> {
    await this.owned(id, principal);
    await this.db.transaction(() => this.repo.adopt(id, principal.keyId));
    await this.queue.enqueue(JobName.WebhookDeliver, { endpointId: id });
    return this.get(id, principal);
  }

  /**
   * Puts dead letters back in line (in sequence order), shaped under the policy in force (those it
   * no longer gives the agency are withdrawn instead), and wakes the sender.
   */
  async replay(id: string, cursors: string[] | undefined, principal: Principal): Promise<{ replayed: number }> {
    await this.owned(id, principal);
    const replayed = await this.db.transaction(async () => {
      await this.shaping.reshapeDeadLetters(id, cursors ?? null);
      return this.repo.replay(id, cursors ?? null);
    });
    if (replayed > 0) await this.queue.enqueue(JobName.WebhookDeliver, { endpointId: id });
    return { replayed };
  }

  /**
   * The URL as written: http(s), no credentials, and a literal address that the egress rules allow
   * (metadata, link-local, loopback outside development and test, unlisted private ranges are
   * refused). A host name's addresses are judged at each delivery, when it is resolved.
   */
  private urlProblems(url: string): ProblemItem[] {
    const verdict = judgeUrl(url, this.config.exchange.webhook.egress);
    if (verdict.ok) return [];
    return [{ path: 'url', rule: `WEBHOOK_URL_${verdict.rule}`, message: `url ${verdict.reason}` }];
  }

  private async owned(id: string, principal: Principal): Promise<Endpoint> {
    const ep = await this.repo.endpoint(id);
    if (!ep || ep.deletedAt || (principal.kind === 'agency' && principal.agency !== (ep.agency as Agency)))
      throw new NotFound('webhook endpoint', id);
    return ep;
  }

  private view(r: Endpoint & { pending: number; dead: number }): WebhookView {
    return {
      id: r.id,
      agency: r.agency,
      url: r.url,
      types: r.types,
      createdAt: r.createdAt.toISOString(),
      pending: r.pending,
      dead: r.dead,
    };
  }
}
