// The ledger's public door.
export * from './ledger.module.js';
export { UNITS, type Unit } from './vocabulary.js';
export { MovementService } from './movements/movement.service.js';
export { StockService } from './stock/stock.service.js';
export { type Carriage } from './ledger-writer.js';
export { toKg } from './quantity.js';
export { ManifestService } from './waste/manifest.service.js';
export type { ManifestView } from './waste/manifest.dto.js';
