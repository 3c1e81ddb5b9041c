import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type Agency,
  Database,
  EVENTS,
  JobName,
  JobQueue,
  NotFound,
  type Principal,
  RulesViolated,
  uuid7,
} from '@lib/platform';
import type { CreatedWebhookView, DeadLetterView, RegisterWebhookDto, WebhookView } from '../exchange.dto.js';
import { PolicyService } from '../policy/policy.service.js';
import { typeProblems } from '../feed/type-filter.js';
import { covers, typeMatches } from '../policy/sharing-policy.js';
import { type EndpointRow, WebhookRepository } from './webhook.repository.js';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** Agencies' webhook endpoints: registration (secret shown once), the dead-letter list and replay. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly repo: WebhookRepository,
    private readonly policies: PolicyService,
    private readonly queue: JobQueue,
  ) {}

  async register(dto: RegisterWebhookDto, principal: Principal): Promise<CreatedWebhookView> {
    const agency = principal.kind === 'agency' ? principal.agency : dto.agency;
    if (!agency)
      throw new RulesViolated([
        { path: 'agency', rule: 'REQUIRED', message: 'admin registers an endpoint for an agency' },
      ]);
    const problems = typeProblems(dto.types, 'types');
    const policy = (await this.policies.current()).document.agencies[agency];
    if (problems.length === 0)
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
    await this.repo.insertEndpoint({ id, agency, url: dto.url, types: dto.types, secret, created_by: principal.keyId });
    const view = this.view({ ...(await this.repo.endpoint(id))!, pending: '0', dead: '0' });
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
      cursor: String(d.event_seq),
      eventId: d.event_id,
      type: d.type,
      attempts: d.attempts,
      firstAttemptAt: iso(d.first_attempt_at),
      lastAttemptAt: iso(d.last_attempt_at),
      lastStatus: d.last_status,
      lastError: d.last_error,
    }));
  }

  /** Puts dead letters back in line (in sequence order) and wakes the sender. */
  async replay(id: string, cursors: string[] | undefined, principal: Principal): Promise<{ replayed: number }> {
    await this.owned(id, principal);
    const replayed = await this.db.transaction(() => this.repo.replay(id, cursors ?? null));
    if (replayed > 0) await this.queue.enqueue(JobName.WebhookDeliver, { endpointId: id });
    return { replayed };
  }

  private async owned(id: string, principal: Principal): Promise<EndpointRow> {
    const ep = await this.repo.endpoint(id);
    if (!ep || ep.deleted_at || (principal.kind === 'agency' && principal.agency !== (ep.agency as Agency)))
      throw new NotFound('webhook endpoint', id);
    return ep;
  }

  private view(r: EndpointRow & { pending: string; dead: string }): WebhookView {
    return {
      id: r.id,
      agency: r.agency,
      url: r.url,
      types: r.types,
      createdAt: new Date(r.created_at).toISOString(),
      pending: Number(r.pending),
      dead: Number(r.dead),
    };
  }
}
