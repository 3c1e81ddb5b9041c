import { Injectable } from '@nestjs/common';
import { Database, JobHandler, JobName, Outbox, uuidFromName } from '@lib/platform';
import { LicenceRepository } from './licence.repository.js';

const WARN_DAYS = 30;
const DAY_MS = 86_400_000;

/** The date in Asia/Shanghai (licences run to a local calendar date). */
function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * licence.expiring: a valid licence that ends within 30 days is announced once per licence and
 * expiry date (the event id is derived from both, so repeated runs write nothing new), for
 * market supervision and the licence holder's regulators.
 */
@Injectable()
export class LicenceExpiryJob {
  constructor(
    private readonly db: Database,
    private readonly licences: LicenceRepository,
    private readonly outbox: Outbox,
  ) {}

  @JobHandler(JobName.LicenceExpiry)
  async run(): Promise<void> {
    const now = new Date();
    const today = shanghaiDate(now);
    const horizon = shanghaiDate(new Date(now.getTime() + WARN_DAYS * DAY_MS));
    for (const l of await this.licences.expiringBetween(today, horizon)) {
      const daysLeft = Math.round((Date.parse(l.validTo) - Date.parse(today)) / DAY_MS);
      await this.db.transaction(() =>
        this.outbox.append(
          'licence.expiring',
          {
            licenceId: l.id,
            enterpriseId: l.enterpriseId,
            kind: l.kind,
            number: l.number,
            validTo: l.validTo,
            daysLeft,
          },
          { id: uuidFromName(`licence.expiring:${l.id}:${l.validTo}`), subjectId: l.enterpriseId },
        ),
      );
    }
  }
}
