import { AuditModule } from '@lib/audit';
import { ExchangeModule } from '@lib/exchange';
import { LedgerModule } from '@lib/ledger';
import { RegistryModule } from '@lib/registry';
import { TelematicsModule } from '@lib/telematics';
import { WaybillModule } from '@lib/waybill';

/**
 * The bounded contexts every process (api, worker) loads, in one list so the processes cannot
 * drift apart (a job whose handler lives in a context missing from the worker would never run).
 * Order matters for HTTP routing: telematics' GET /v1/vehicles/positions must be registered
 * before the registry's GET /v1/vehicles/:id (Nest registers routes in module order).
 */
export const CONTEXT_MODULES = [
  TelematicsModule,
  RegistryModule,
  LedgerModule,
  WaybillModule,
  ExchangeModule,
  AuditModule,
];
