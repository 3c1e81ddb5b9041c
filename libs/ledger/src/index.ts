// The ledger's public door.
export * from './ledger.module.js';
export * from './vocabulary.js';
export { MovementService } from './movements/movement.service.js';
export type { MovementView, RecordMovementDto } from './movements/movement.dto.js';
export type { TransitLossRequest } from './movements/operations/transit-loss.js';
export { StockService } from './stock/stock.service.js';
export { type Carriage, LedgerWriter, type LegDraft, type OperationDraft } from './ledger-writer.js';
export { TraceService } from './lots/trace.service.js';
export { toKg, roundKg } from './quantity.js';
export { ManifestService } from './waste/manifest.service.js';
export type { ManifestView } from './waste/manifest.dto.js';
