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
import { ApiKeySecrets1795942800000 } from './1795942800000-api-key-secrets.js';
import { ChainAnchoring1795950000000 } from './1795950000000-chain-anchoring.js';
import { AgencyReads1795953600000 } from './1795953600000-agency-reads.js';
import { Supervision1795957200000 } from './1795957200000-supervision.js';
import { LedgerCorrections1795964400000 } from './1795964400000-ledger-corrections.js';
import { TerminalBindings1796000000000 } from './1796000000000-terminal-bindings.js';
import { TerminalConflictPolicy1796000100000 } from './1796000100000-terminal-conflict-policy.js';
import { WaybillReports1796003600000 } from './1796003600000-waybill-reports.js';
import { TerminalCommands1796007200000 } from './1796007200000-terminal-commands.js';
import { SpokenWarnings1796007300000 } from './1796007300000-spoken-warnings.js';
import { DriverCards1796010800000 } from './1796010800000-driver-cards.js';
import { Gb18218Exact1797000000000 } from './1797000000000-gb18218-exact.js';
import { TransportRules1797001000000 } from './1797001000000-transport-rules.js';
import { ControlledChemicals1797002000000 } from './1797002000000-controlled-chemicals.js';
import { ClosingCarriageWaste1797003000000 } from './1797003000000-closing-carriage-waste.js';
import { FacilityProvince1797004000000 } from './1797004000000-facility-province.js';
import { PermitUseLocks1797005000000 } from './1797005000000-permit-use-locks.js';
import { OneWaybillPerManifest1797006000000 } from './1797006000000-one-waybill-per-manifest.js';
import { FacilityPassages1797100000000 } from './1797100000000-facility-passages.js';
import { AlertFacts1797110000000 } from './1797110000000-alert-facts.js';

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
  ApiKeySecrets1795942800000,
  ChainAnchoring1795950000000,
  AgencyReads1795953600000,
  Supervision1795957200000,
  LedgerCorrections1795964400000,
  TerminalBindings1796000000000,
  TerminalConflictPolicy1796000100000,
  WaybillReports1796003600000,
  TerminalCommands1796007200000,
  SpokenWarnings1796007300000,
  DriverCards1796010800000,
  Gb18218Exact1797000000000,
  TransportRules1797001000000,
  ControlledChemicals1797002000000,
  ClosingCarriageWaste1797003000000,
  FacilityProvince1797004000000,
  PermitUseLocks1797005000000,
  OneWaybillPerManifest1797006000000,
  FacilityPassages1797100000000,
  AlertFacts1797110000000,
];
