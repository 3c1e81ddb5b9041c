// The audit context's public door.
export * from './audit.module.js';
export * from './gb18218/index.js';
export { auditFacility, type FacilityAudit } from './assessment/facility-audit.js';
export { AuditRunService } from './runs/audit-run.service.js';
