// The e-waybill context's public door.
export * from './waybill.module.js';
export { WaybillService } from './waybill.service.js';
