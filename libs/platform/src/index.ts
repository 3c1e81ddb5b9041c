// The platform's public door: configuration, database, queue, errors, auth, logging, metrics.
export { loadProcessConfig, loadConfig, AppConfig, ConfigError } from './config/app-config.js';
export { Database } from './database/database.js';
export { describeDatabase, type EntityClass, type MigrationClass, DatabaseModule } from './database/database.module.js';
export * from './errors/domain-error.js';
export { ProblemFilter } from './errors/problem.filter.js';
export { flattenValidationErrors, createValidationPipe } from './errors/validation.js';
export { JobName } from './queue/jobs.js';
export { type Job, JobQueue } from './queue/job-queue.js';
export { JobHandler, JobRunner } from './queue/job-handler.js';
export { describePrincipal, AGENCIES, type Agency, type Principal } from './auth/principal.js';
export { Allow, Public, CurrentPrincipal } from './auth/access.decorators.js';
export { ApiKeyService } from './auth/api-key.service.js';
export { KeyWatch } from './auth/key-watch.js';
export * from './http/pagination.js';
export { PlatformLogger } from './logging/platform-logger.js';
export { HealthService } from './health/health.service.js';
export * from './metrics/metrics.service.js';
export * from './ids/uuid7.js';
export * from './platform.module.js';
export { BodyParsingMiddleware } from './http/body-parsing.middleware.js';
export * from './http/http-metrics.middleware.js';
export * from './process.js';
export { pgliteDriver, openPglite } from './database/pglite-pg-adapter.js';
export * from './database/snake-naming.strategy.js';
export { parseCsv, toCsv, CsvSyntaxError } from './csv/csv.js';
export {
  validateGeometry,
  normaliseGeometry,
  bbox,
  type PointGeometry,
  type LineStringGeometry,
  type PolygonGeometry,
  type MultiPolygonGeometry,
  type Geometry,
} from './geo/geojson.js';
export { gcj02ToWgs84, geometryFromGcj02 } from './geo/gcj02.js';
export * from './geo/distance.js';
export { judgeUrl } from './egress/address-rules.js';
export { egressPost, EgressRefused } from './egress/egress-client.js';
export { shanghaiParts, addDays, SHANGHAI_OFFSET_MS, shanghaiDate, startOfShanghaiDate } from './time/local-time.js';
export { VIOLATION_RULES, EVENTS, type EventType, type EventPayload, type ViolationRule } from './outbox/events.js';
export { t, type Schema, type Static, type JsonSchema } from './outbox/schema.js';
export { EventSchemas, EventPayloadMismatch } from './outbox/event-check.js';
export { Outbox } from './outbox/outbox.js';
export {
  shardOf,
  StreamName,
  STREAM_DEFINITIONS,
  type StreamEntry,
  type StreamConsumer,
  ConsumesStream,
  ShardedStreams,
} from './queue/streams.js';
export { REDIS } from './queue/queue.module.js';
export { ShownOnce } from './idempotency/shown-once.js';
export * from './queue/background-loops.js';
export { ACCESS_CHANNELS, type AccessChannel, ACCESS_LOG_CHAIN } from './access/access-log.js';
export { subjectsOf, Purpose, ApiPurposeHeader, AccessLog } from './access/access-log.service.js';
export {
  reaches,
  type ReadResource,
  type ViolationReach,
  type WaybillReach,
  type Reads,
  type ReadPolicy,
  READ_POLICY,
  ReadNotGranted,
  UNRESTRICTED_READS,
} from './access/read-policy.js';
export * from './http/html.js';
export { FilingKind, FILING_KINDS, type Filing } from './filings/filing-kinds.js';
export { type FilingDecision, type FilingHandler, HandlesFiling } from './filings/filing-handler.js';
export { FilingsService, toFilingView } from './filings/filings.service.js';
export { FilingView } from './filings/filing.dto.js';
export { deriveChainKeys } from './anchoring/key-derivation.js';
export { headsRoot, type ChainHeadEntry } from './anchoring/merkle.js';
export {
  signedBytes,
  duePeriods,
  CHECKPOINT_KINDS,
  type CheckpointKind,
  type SignedCheckpoint,
} from './anchoring/checkpoint.js';
export { walkChain, type Anchor, type Departure } from './anchoring/chain-walk.js';
export * from './anchoring/chain-keys.js';
export { Checkpoints } from './anchoring/checkpoints.service.js';
export type { StoredCheckpoint } from './anchoring/checkpoint.repository.js';
// for tests and benches
export { createDataSource, runMigrations, closeDataSource } from './database/database.module.js'; // test/support/global-setup.mjs
export { ACCESS_METADATA } from './auth/access.decorators.js';
export { wgs84ToGcj02 } from './geo/gcj02.js';
export { canonicalJson } from './access/access-log.js';
