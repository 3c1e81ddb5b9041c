// The exchange context's public door.
export * from './exchange.module.js';
// for tests and benches
export { verifySignature } from './webhooks/signature.js';
