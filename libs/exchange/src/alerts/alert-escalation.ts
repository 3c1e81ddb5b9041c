import { Injectable, Logger } from '@nestjs/common';
import { type Agency, Database, type EventPayload, JobHandler, JobName, Outbox, uuidFromName } from '@lib/platform';
import { ExchangeRepository } from '../relay/exchange.repository.js';
import { PolicyService } from '../policy/policy.service.js';

/**
 * Escalation (告警升级): a violation alert that no agency has acknowledged within the policy's
 * time goes to the next level of the policy (violation.escalated), and again after the same time
 * at each level, until someone acknowledges or the levels run out. Each (violation, level) is
 * escalated once: the escalation row and its event are written in one transaction.
 */
@Injectable()
export class AlertEscalation {
  private readonly log = new Logger('Escalation');

  constructor(
    private readonly db: Database,
    private readonly repo: ExchangeRepository,
    private readonly policies: PolicyService,
    private readonly outbox: Outbox,
  ) {}

  @JobHandler(JobName.AlertEscalation)
  async run(): Promise<void> {
    const { escalation } = (await this.policies.current()).document;
    if (escalation.levels.length === 0) return;
    const due = await this.repo.unacknowledgedAlerts({
      afterSeconds: escalation.afterSeconds,
      levels: escalation.levels.length,
      limit: 500,
    });
    for (const { event, level } of due) {
      const next = level + 1;
      const violationId = String(event.payload.violationId);
      const alerted = new Set<Agency>(event.audience as Agency[]);
      for (const l of escalation.levels.slice(0, level)) l.agencies.forEach((a) => alerted.add(a));
      const id = uuidFromName(`violation.escalated:${violationId}:${next}`);
      await this.db.transaction(async () => {
        if (!(await this.repo.recordEscalation(violationId, next, id))) return;
        // The alert as its violation.opened event published it (checked against that schema when written).
        const p = event.payload as EventPayload<'violation.opened'>;
        await this.outbox.append(
          'violation.escalated',
          {
            violationId,
            vehicleId: p.vehicleId,
            plate: p.plate,
            rule: p.rule,
            severity: p.severity,
            waybillId: p.waybillId ?? null,
            level: next,
            to: escalation.levels[next - 1]!.agencies,
            alerted: [...alerted],
            note: escalation.levels[next - 1]!.note,
            unacknowledgedSeconds: Math.round((Date.now() - Date.parse(event.publishedAt)) / 1000),
            at: new Date().toISOString(),
          },
          { id, subjectId: String(p.vehicleId ?? violationId) },
        );
      });
      this.log.warn({ violationId, level: next }, 'violation alert escalated');
    }
  }
}
