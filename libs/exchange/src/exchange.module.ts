import { Module } from '@nestjs/common';
import { RegistryModule } from '@lib/registry';
import { TelematicsModule } from '@lib/telematics';
import { AccessLogController } from './access/access-log.controller.js';
import { AlertEscalation } from './alerts/alert-escalation.js';
import { FeedController } from './feed/feed.controller.js';
import { FeedService } from './feed/feed.service.js';
import { PolicyController } from './policy/policy.controller.js';
import { SharingPolicyModule } from './policy/sharing-policy.module.js';
import { ExchangeRelay } from './relay/exchange-relay.js';
import { ExchangeRepository } from './relay/exchange.repository.js';
import { PublishedSignal } from './relay/published-signal.js';
import { DataRequestRepository } from './requests/data-request.repository.js';
import { DataRequestService } from './requests/data-request.service.js';
import { DataRequestsController } from './requests/data-requests.controller.js';
import { DeliveryShaping } from './webhooks/delivery-shaping.js';
import { WebhookSender } from './webhooks/webhook-sender.js';
import { WebhookRepository } from './webhooks/webhook.repository.js';
import { WebhookService } from './webhooks/webhook.service.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';

/**
 * The multi-agency exchange (多部门数据共享): the relay from the outbox to the published stream,
 * the sharing policy, webhooks, the pull feed, the live stream, alert escalation, data requests
 * and the access log's API.
 */
@Module({
  imports: [SharingPolicyModule, RegistryModule, TelematicsModule],
  controllers: [FeedController, WebhooksController, PolicyController, AccessLogController, DataRequestsController],
  providers: [
    ExchangeRepository,
    PublishedSignal,
    ExchangeRelay,
    FeedService,
    WebhookRepository,
    DeliveryShaping,
    WebhookService,
    WebhookSender,
    AlertEscalation,
    DataRequestRepository,
    DataRequestService,
  ],
  exports: [ExchangeRelay, SharingPolicyModule],
})
export class ExchangeModule {}
