// The exchange context's public door.
export * from './exchange.module.js';
export { ExchangeRelay } from './relay/exchange-relay.js';
export { PolicyService } from './policy/policy.service.js';
export * from './policy/sharing-policy.js';
export { sign, verifySignature } from './webhooks/signature.js';
export { retryDelayMs } from './webhooks/webhook-sender.js';
export type { EventEnvelope } from './relay/exchange-event.js';
