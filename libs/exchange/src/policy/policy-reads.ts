import { Injectable } from '@nestjs/common';
import { type Agency, AGENCIES, type Principal, type ReadPolicy, type Reads, UNRESTRICTED_READS } from '@lib/platform';
import { AlertAudienceRepository } from '../alerts/alert-audience.repository.js';
import { PolicyService } from './policy.service.js';
import { AgencyReads, readGrants } from './read-grants.js';
import { audienceOf } from './sharing-policy.js';

/**
 * The exchange's side of the READ_POLICY port: the policy version in force at the time of the
 * request decides, so a change through PUT /v1/exchange/policy applies to the next read.
 */
@Injectable()
export class PolicyReads implements ReadPolicy {
  constructor(
    private readonly policies: PolicyService,
    private readonly alerts: AlertAudienceRepository,
  ) {}

  async readsOf(principal: Principal): Promise<Reads> {
    if (principal.kind !== 'agency') return UNRESTRICTED_READS;
    const { version, document } = await this.policies.current();
    const grants = readGrants(document, principal.agency);
    const escalated = grants.violations?.escalations ? await this.alerts.escalatedTo(principal.agency) : [];
    return new AgencyReads(principal.agency, version, grants, escalated);
  }

  async alertAudience(alert: { violationId: string; rule: string; severity: string }): Promise<Agency[]> {
    const recorded = await this.alerts.audience(alert.violationId);
    if (recorded) return AGENCIES.filter((a) => recorded.includes(a));
    // Not relayed yet (the relay runs every EXCHANGE_RELAY_INTERVAL_MS): the audience it will record.
    const { document } = await this.policies.current();
    return audienceOf(document, 'violation.opened', { rule: alert.rule, severity: alert.severity });
  }
}
