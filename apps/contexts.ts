import { AuditModule } from '@lib/audit';
import { ExchangeModule } from '@lib/exchange';
import { LEDGER_ENTITIES, LedgerModule } from '@lib/ledger';
import { type EntityClass, PLATFORM_ENTITIES } from '@lib/platform';
import { REGISTRY_ENTITIES, RegistryModule } from '@lib/registry';
import { TELEMATICS_ENTITIES, TelematicsModule } from '@lib/telematics';
import { WAYBILL_ENTITIES, WaybillModule } from '@lib/waybill';

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

/**
 * Every TypeORM entity, listed by the context that owns it: the data source of every process and
 * of the TypeORM CLI (migrations/data-source.ts) is built with this one list. Audit and exchange
 * have no entities (they read and write through their repositories' SQL only).
 */
export const ENTITIES: EntityClass[] = [
  ...PLATFORM_ENTITIES,
  ...REGISTRY_ENTITIES,
  ...LEDGER_ENTITIES,
  ...TELEMATICS_ENTITIES,
  ...WAYBILL_ENTITIES,
];
