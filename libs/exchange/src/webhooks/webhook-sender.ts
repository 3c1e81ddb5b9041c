import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  AccessLog,
  ApiKeyService,
  AppConfig,
  type Agency,
  Database,
  egressPost,
  EgressRefused,
  type Job,
  JobHandler,
  JobName,
  JobQueue,
  subjectsOf,
} from '@lib/platform';
import { envelope, type PublishedEvent } from '../relay/exchange-event.js';
import { DeliveryShaping } from './delivery-shaping.js';
import { sign } from './signature.js';
import { type Delivery, type Endpoint, WebhookRepository } from './webhook.repository.js';

const LEASE_MS = 60_000;
const MAX_PER_TURN = 500;
/**
 * A turn ends after this long and the endpoint's next job takes over: a slow receiver that does
 * answer (just inside WEBHOOK_TIMEOUT_MS, at most 60 s) never runs its job into its 120 s timeout.
 */
const TURN_MS = 50_000;
/** Of a receiver's answer only the status matters; at most this much of its body is read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** The next retry: doubling from the base, capped, with jitter (half fixed, half random) so receivers coming back are not stampeded. */
export function retryDelayMs(attempt: number, baseMs: number, capMs: number, random = Math.random()): number {
  const full = Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(full / 2 + (full / 2) * random);
}

/**
 * Sends one endpoint's deliveries in sequence order, one sender per endpoint (a lease in the
 * database). A refused delivery is retried on the configured schedule and holds back the ones
 * after it (ordering); once its retry budget is spent it goes to the dead-letter list and the
 * next one is sent. Each delivery carries the event id as Idempotency-Key and an HMAC signature.
 */
@Injectable()
export class WebhookSender {
  private readonly log = new Logger('Webhooks');

  constructor(
    private readonly db: Database,
    private readonly repo: WebhookRepository,
    private readonly access: AccessLog,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
    private readonly shaping: DeliveryShaping,
  ) {}

  @JobHandler(JobName.WebhookDeliver)
  async deliver(job: Job<JobName.WebhookDeliver>): Promise<void> {
    const { endpointId } = job.data;
    const owner = randomUUID();
    if (!(await this.repo.lease(endpointId, owner, LEASE_MS))) {
      // Another sender is at work on this endpoint; look again shortly in case it is just finishing.
      const slot = Math.floor(Date.now() / 500);
      await this.queue.enqueue(
        JobName.WebhookDeliver,
        { endpointId },
        { delayMs: 500, jobId: `wh-busy-${endpointId}-${slot}` },
      );
      return;
    }
    try {
      const endpoint = await this.repo.endpoint(endpointId);
      if (!endpoint || endpoint.deletedAt) return;
      const turnEnds = Date.now() + TURN_MS;
      for (let sent = 0; sent < MAX_PER_TURN && Date.now() < turnEnds; sent++) {
        const head = await this.repo.head(endpointId);
        if (!head) return;
        const due = head.delivery.nextAttemptAt;
        if (due.getTime() > Date.now()) {
          await this.retryAt(endpointId, due);
          return;
        }
        let { delivery } = head;
        if (delivery.data === null) {
          // Made before the relay shaped deliveries: shaped once now (or withdrawn), then sent as any other.
          const data = await this.shaping.shapeUnshaped(endpointId, delivery.eventSeq);
          if (!data) continue;
          delivery = { ...delivery, data };
        }
        const ok = await this.send(endpoint, head.event, delivery);
        if (!ok) return;
        await this.repo.lease(endpointId, owner, LEASE_MS);
      }
      await this.queue.enqueue(JobName.WebhookDeliver, { endpointId });
    } finally {
      await this.repo.release(endpointId, owner);
    }
  }

  /**
   * One attempt; true when the endpoint may go on to its next delivery (delivered, or dead-lettered).
   * It sends what the delivery's data says the agency sees: the relay shaped it, and a policy change
   * or a replay since shaped it anew (DeliveryShaping); the sender does not read the policy.
   */
  private async send(endpoint: Endpoint, event: PublishedEvent, delivery: Delivery): Promise<boolean> {
    const { firstAttemptAt, attempts } = delivery;
    const agency = endpoint.agency as Agency;
    const body = JSON.stringify(envelope(event, delivery.data ?? {}));
    const { timeoutMs, retryBaseMs, retryCapMs, retryForMs, egress } = this.config.exchange.webhook;
    let status: number | null = null;
    let error = '';
    // An endpoint speaks for the key that registered it: once that key is revoked or expired its
    // deliveries are held (failed attempts, nothing dropped) until a current key adopts it.
    const ownerActive = (await this.keys.stillActive([endpoint.createdBy])).has(endpoint.createdBy);
    if (!ownerActive)
      error = `WEBHOOK_OWNER_INACTIVE: the key that registered this endpoint was revoked or has expired; a current key of ${agency} adopts it (POST /v1/exchange/webhooks/${endpoint.id}/adopt)`;
    else {
      try {
        // The URL was judged at registration; it is judged again here, with the addresses its host
        // resolves to now, and the connection goes to an address so judged. No redirect is followed.
        const res = await egressPost(endpoint.url, {
          timeoutMs,
          maxResponseBytes: MAX_RESPONSE_BYTES,
          policy: egress,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'hazchem-exchange/1',
            'idempotency-key': event.id,
            'x-hazchem-event': event.type,
            'x-hazchem-delivery': `${endpoint.id}:${event.seq}`,
            'x-hazchem-signature': sign(endpoint.secret, body),
          },
          body,
        });
        status = res.status;
        if (res.status >= 200 && res.status < 300) {
          await this.db.transaction(async () => {
            await this.repo.delivered(endpoint.id, event.seq, res.status);
            await this.access.record([
              {
                principal: { kind: 'agency', agency, keyId: endpoint.createdBy },
                channel: 'webhook',
                action: event.type,
                subjects: subjectsOf(event.payload),
                detail: { eventId: event.id, cursor: event.seq, endpointId: endpoint.id },
              },
            ]);
          });
          return true;
        }
        error =
          res.status >= 300 && res.status < 400
            ? `HTTP ${res.status} (redirects are not followed)`
            : `HTTP ${res.status}`;
      } catch (err) {
        // A refused address is a failed attempt like any other (retried, then dead-lettered): a DNS
        // answer or WEBHOOK_ALLOW_CIDRS may be corrected meanwhile, and nothing is dropped unseen.
        error =
          err instanceof EgressRefused
            ? `WEBHOOK_URL_${err.rule}: ${err.message}`
            : err instanceof Error
              ? `${err.name}: ${err.message}`
              : String(err);
      }
    }
    const first = firstAttemptAt ?? new Date();
    const dead = Date.now() - first.getTime() >= retryForMs;
    const next = new Date(Date.now() + retryDelayMs(attempts + 1, retryBaseMs, retryCapMs));
    await this.repo.failed(endpoint.id, event.seq, { status, error, nextAttemptAt: next, dead, firstAttemptAt: first });
    if (dead) {
      this.log.warn(
        { endpointId: endpoint.id, eventId: event.id, attempts: attempts + 1 },
        'webhook delivery dead-lettered',
      );
      return true;
    }
    await this.retryAt(endpoint.id, next);
    return false;
  }

  /** One job per endpoint and retry time, however many events are waiting behind the head. */
  private retryAt(endpointId: string, at: Date): Promise<void> {
    return this.queue.enqueue(
      JobName.WebhookDeliver,
      { endpointId },
      { delayMs: Math.max(0, at.getTime() - Date.now()), jobId: `wh-retry-${endpointId}-${at.getTime()}` },
    );
  }

  @JobHandler(JobName.WebhookSweep)
  async sweep(): Promise<void> {
    const due = await this.repo.dueEndpoints(1000);
    if (due.length)
      await this.queue.enqueueBulk(due.map((endpointId) => ({ name: JobName.WebhookDeliver, data: { endpointId } })));
  }
}
