// The audit context's public door.
export * from './audit.module.js';
