// The e-waybill context's public door.
export * from './waybill.module.js';
export { WaybillService } from './waybill.service.js';
export type { WaybillView } from './waybill.dto.js';
export { WAYBILL_STATUSES, type WaybillStatus } from './waybill.entity.js';
