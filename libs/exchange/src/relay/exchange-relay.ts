import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig, BackgroundLoops, Database, JobName, JobQueue } from '@lib/platform';
import { PolicyService } from '../policy/policy.service.js';
import { type Agency } from '@lib/platform';
import { audienceOf, deliveryFor, typeMatches } from '../policy/sharing-policy.js';
import { WebhookRepository } from '../webhooks/webhook.repository.js';
import type { PublishedEvent } from './exchange-event.js';
import { ExchangeRepository } from './exchange.repository.js';
import { PublishedSignal } from './published-signal.js';

const BATCH = 500;

/**
 * The relay (outbox → published stream): takes outbox rows in order under one advisory lock,
 * numbers them (a gap-free global cursor in commit order, and a sequence per stream), decides
 * each event's audience from the sharing policy, and creates the webhook deliveries, each with
 * the payload shaped for its agency, all in one transaction with marking the rows relayed:
 * nothing is published twice or lost in between. It publishes what the outbox row holds (its
 * writer completed it: an alert names its vehicle, target, trip and crew) and reads the policy
 * once; the webhook sender sends what was decided here. A policy change (and a replay) shapes the
 * deliveries not yet sent anew with the same function (`DeliveryShaping`), under the same lock.
 */
@Injectable()
export class ExchangeRelay implements OnModuleInit {
  private readonly log = new Logger('Relay');

  constructor(
    private readonly db: Database,
    private readonly repo: ExchangeRepository,
    private readonly policies: PolicyService,
    private readonly webhooks: WebhookRepository,
    private readonly queue: JobQueue,
    private readonly loops: BackgroundLoops,
    private readonly signal: PublishedSignal,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.loops.register('exchange-relay', this.config.exchange.relayIntervalMs, () => this.drain());
  }

  /** Relays until the outbox is empty. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayOnce();
      total += n;
      if (n < BATCH) return total;
    }
  }

  async relayOnce(): Promise<number> {
    const touched = new Set<string>();
    const published = await this.db.transaction(async () => {
      if (!(await this.repo.tryRelayLock())) return 0;
      const rows = await this.repo.pendingOutbox(BATCH);
      if (rows.length === 0) return 0;
      const policy = (await this.policies.current()).document;
      const heads = await this.repo.heads();
      let global = heads.get('*') ?? 0n;
      const events: Array<Omit<PublishedEvent, 'publishedAt'>> = rows.map((r) => {
        global += 1n;
        const streamSeq = (heads.get(r.stream) ?? 0n) + 1n;
        heads.set(r.stream, streamSeq);
        const payload = r.payload;
        return {
          seq: global.toString(),
          id: r.id,
          stream: r.stream,
          streamSeq: streamSeq.toString(),
          type: r.type,
          version: r.version,
          subjectId: r.subjectId,
          payload,
          audience: audienceOf(policy, r.type, payload),
          occurredAt: r.occurredAt.toISOString(),
        };
      });
      heads.set('*', global);
      await this.repo.insertEvents(events);
      await this.repo.saveHeads(heads);
      await this.repo.markRelayed(rows.map((r) => r.position));
      const endpoints = await this.webhooks.activeEndpoints();
      const deliveries: Parameters<WebhookRepository['insertDeliveries']>[0] = [];
      for (const e of events) {
        const shaped = new Map<string, Record<string, unknown>>();
        for (const ep of endpoints)
          if (e.audience.includes(ep.agency) && ep.types.some((p) => typeMatches(p, e.type))) {
            let data = shaped.get(ep.agency);
            if (!data) {
              data = deliveryFor(policy, ep.agency as Agency, e.type, e.payload) ?? {};
              shaped.set(ep.agency, data);
            }
            deliveries.push({ endpointId: ep.id, eventSeq: e.seq, data });
            touched.add(ep.id);
          }
      }
      await this.webhooks.insertDeliveries(deliveries);
      return rows.length;
    });
    if (published > 0) this.signal.notify();
    if (touched.size > 0) {
      // A lost enqueue only delays: the webhook sweep finds due deliveries without a sender.
      await this.queue
        .enqueueBulk([...touched].map((endpointId) => ({ name: JobName.WebhookDeliver, data: { endpointId } })))
        .catch((err: unknown) => this.log.warn({ error: (err as Error).message }, 'webhook jobs not enqueued'));
    }
    return published;
  }
}
