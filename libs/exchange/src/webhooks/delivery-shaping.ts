import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type Agency, Database } from '@lib/platform';
import { PolicyService } from '../policy/policy.service.js';
import { deliveryFor, type SharingPolicy } from '../policy/sharing-policy.js';
import { ExchangeRepository } from '../relay/exchange.repository.js';
import { type UnsentDelivery, WebhookRepository } from './webhook.repository.js';

const BATCH = 1000;

/**
 * Keeps every webhook delivery not yet sent (pending, retrying, held for an inactive owner, or
 * dead-lettered) shaped as the sharing policy in force says, as the pull feed is at read time:
 * the relay shapes a delivery when it creates it; a policy change shapes all the unsent ones anew
 * in its own transaction, and withdraws those whose event the agency no longer receives; a replay
 * shapes its dead letters anew before they go back in line; a delivery made before deliveries were
 * shaped (data NULL) is shaped before it is first sent. The sender itself never reads the policy.
 * All of it uses `deliveryFor`, under the relay lock, so no relay turn shapes under a policy that
 * a change is replacing.
 */
@Injectable()
export class DeliveryShaping implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly policies: PolicyService,
    private readonly deliveries: WebhookRepository,
    private readonly stream: ExchangeRepository,
  ) {}

  onModuleInit(): void {
    this.policies.alsoOnChange((v) => this.reshapeUnsent(v.document, v.version));
  }

  /** Inside the policy change's transaction: every unsent delivery, shaped under the new version. */
  private async reshapeUnsent(policy: SharingPolicy, version: number): Promise<void> {
    await this.stream.waitForRelayLock();
    let after: UnsentDelivery | null = null;
    for (;;) {
      const batch = await this.deliveries.unsent({
        endpointId: null,
        seqs: null,
        statuses: ['pending', 'dead'],
        unshaped: false,
        after,
        limit: BATCH,
      });
      await this.apply(policy, version, batch);
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1]!;
    }
  }

  /** Before a replay puts them back in line (in the replay's transaction): its dead letters, shaped under the policy in force. */
  async reshapeDeadLetters(endpointId: string, seqs: string[] | null): Promise<void> {
    await this.db.transaction(async () => {
      await this.stream.waitForRelayLock();
      const { version, document } = await this.policies.current();
      let after: UnsentDelivery | null = null;
      for (;;) {
        const batch = await this.deliveries.unsent({
          endpointId,
          seqs,
          statuses: ['dead'],
          unshaped: false,
          after,
          limit: BATCH,
        });
        await this.apply(document, version, batch);
        if (batch.length < BATCH) return;
        after = batch[batch.length - 1]!;
      }
    });
  }

  /**
   * A delivery made before the relay shaped deliveries (its data NULL), shaped once under the policy
   * in force and stored; null when that policy withdraws it. Only such old rows come here.
   */
  async shapeUnshaped(endpointId: string, eventSeq: string): Promise<Record<string, unknown> | null> {
    return this.db.transaction(async () => {
      await this.stream.waitForRelayLock();
      const [row] = await this.deliveries.unsent({
        endpointId,
        seqs: [eventSeq],
        statuses: ['pending'],
        unshaped: true,
        after: null,
        limit: 1,
      });
      if (!row) return null;
      const { version, document } = await this.policies.current();
      return (await this.apply(document, version, [row])).get(row.eventSeq) ?? null;
    });
  }

  private async apply(
    policy: SharingPolicy,
    version: number,
    rows: UnsentDelivery[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const shaped: Array<UnsentDelivery & { data: Record<string, unknown> }> = [];
    const withdrawn = new Map<string, UnsentDelivery[]>();
    for (const r of rows) {
      const data = deliveryFor(policy, r.agency as Agency, r.type, r.payload);
      if (data) shaped.push({ ...r, data });
      else withdrawn.set(`${r.agency} ${r.type}`, [...(withdrawn.get(`${r.agency} ${r.type}`) ?? []), r]);
    }
    await this.deliveries.reshape(shaped);
    for (const [, group] of withdrawn) {
      const { agency, type } = group[0]!;
      await this.deliveries.withdraw(
        group,
        `WITHDRAWN_BY_POLICY: sharing policy version ${version} no longer gives ${agency} this ${type} event`,
      );
    }
    return new Map(shaped.map((r) => [r.eventSeq, r.data]));
  }
}
