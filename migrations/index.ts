import type { MigrationClass } from '@lib/platform';
import { Platform1795910400000 } from './1795910400000-platform.js';
import { Registry1795914000000 } from './1795914000000-registry.js';
import { ChemicalCatalogueSeed1795917600000 } from './1795917600000-chemical-catalogue-seed.js';
import { Ledger1795921200000 } from './1795921200000-ledger.js';
import { Telematics1795924800000 } from './1795924800000-telematics.js';
import { Idempotency1795928400000 } from './1795928400000-idempotency.js';
import { Waybills1795932000000 } from './1795932000000-waybills.js';
import { Exchange1795935600000 } from './1795935600000-exchange.js';
import { Audit1795939200000 } from './1795939200000-audit.js';

/** Every migration, in order. A new migration is added here as well as in its own file. */
export const migrations: MigrationClass[] = [
  Platform1795910400000,
  Registry1795914000000,
  ChemicalCatalogueSeed1795917600000,
  Ledger1795921200000,
  Telematics1795924800000,
  Idempotency1795928400000,
  Waybills1795932000000,
  Exchange1795935600000,
  Audit1795939200000,
];
