import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { allowableCidr, type Cidr, CLOSED_EGRESS, type EgressPolicy } from '../egress/address-rules.js';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** Variables whose value must never be echoed in an error line (credentials inside). */
/** Keys the stored hashes of terminals' authentication codes when JT808_AUTH_SECRET is not set (refused in production). */
const DEVELOPMENT_JT808_SECRET = 'development-only-jt808-secret';
/** Keys the ledger's and the access log's hash chains when LEDGER_CHAIN_KEY is not set (refused in production). */
const DEVELOPMENT_LEDGER_CHAIN_KEY = 'development-only-ledger-chain-key';
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'ADMIN_API_KEY',
  'JT808_AUTH_SECRET',
  'LEDGER_CHAIN_KEY',
]);

/**
 * The process environment as the service understands it. Every variable the service reads is
 * declared here and validated once at start; nothing else reads process.env.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 65535' })
  @Min(0, { message: 'must be an integer between 0 and 65535' })
  @Max(65535, { message: 'must be an integer between 0 and 65535' })
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  /** Unset: embedded PostgreSQL (PGlite) under DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string = undefined;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 200' })
  @Min(1, { message: 'must be an integer between 1 and 200' })
  @Max(200, { message: 'must be an integer between 1 and 200' })
  DB_POOL_SIZE = 10;

  /** Unset: the job handlers run in-process behind the same queue interface. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string = undefined;

  @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'must be 1 to 40 letters, digits, "_" or "-"' })
  QUEUE_PREFIX = 'hc';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  /** Optional fixed admin key for a fresh database; otherwise one is generated and printed once. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^hc_[0-9a-f]{12}_[A-Za-z0-9_-]{32,}$/, {
    message: 'must look like hc_<12 hex>_<at least 32 url-safe characters>',
  })
  ADMIN_API_KEY?: string = undefined;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 100 and 60000 (milliseconds)' })
  @Min(100, { message: 'must be an integer between 100 and 60000 (milliseconds)' })
  @Max(60000, { message: 'must be an integer between 100 and 60000 (milliseconds)' })
  SHUTDOWN_GRACE_MS = 8000;

  @Matches(/^\d+(kb|mb)$/, { message: 'must be a size such as 512kb or 4mb' })
  BODY_LIMIT = '4mb';

  /** How long fixes wait after receipt so that a vehicle's fixes arriving close together are evaluated in time order. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 60000 (milliseconds)' })
  @Min(0, { message: 'must be an integer between 0 and 60000 (milliseconds)' })
  @Max(60000, { message: 'must be an integer between 0 and 60000 (milliseconds)' })
  FIX_HOLD_MS = 250;

  /** GPS fixes are kept this many days (daily partitions older than this are dropped). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 3650 (days)' })
  @Min(1, { message: 'must be an integer between 1 and 3650 (days)' })
  @Max(3650, { message: 'must be an integer between 1 and 3650 (days)' })
  FIX_RETENTION_DAYS = 180;

  /**
   * A fix stamped more than this after its own receipt has a clock ahead: it is evaluated for
   * point-in-time findings and its alarms but does not move the vehicle's watermark, so it cannot
   * make the fixes that follow it late. GNSS time is exact and a fix is always received after it
   * was taken; 10 s covers whole-second times and NTP drift.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 300 (seconds)' })
  @Min(1, { message: 'must be an integer between 1 and 300 (seconds)' })
  @Max(300, { message: 'must be an integer between 1 and 300 (seconds)' })
  FIX_CLOCK_TOLERANCE_S = 10;

  /** NOT_DEPARTED: an e-waybill whose vehicle has not left this long after its planned departure (default 2 h). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 86400 (seconds)' })
  @Min(1, { message: 'must be an integer between 1 and 86400 (seconds)' })
  @Max(86400, { message: 'must be an integer between 1 and 86400 (seconds)' })
  WAYBILL_NOT_DEPARTED_AFTER_S = 7200;

  /** WRONG_DESTINATION: a loaded vehicle stopped this long inside another registered facility (default 20 min). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 86400 (seconds)' })
  @Min(1, { message: 'must be an integer between 1 and 86400 (seconds)' })
  @Max(86400, { message: 'must be an integer between 1 and 86400 (seconds)' })
  WAYBILL_WRONG_STOP_S = 1200;

  /** A movement dated further back than this (hours) is a correction that emergency management confirms (default 72 h). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 87600 (hours)' })
  @Min(1, { message: 'must be an integer between 1 and 87600 (hours)' })
  @Max(87600, { message: 'must be an integer between 1 and 87600 (hours)' })
  LEDGER_BACKDATE_HOURS = 72;

  /** How often the exchange relay moves outbox rows to the published stream (milliseconds). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 10 and 10000 (milliseconds)' })
  @Min(10, { message: 'must be an integer between 10 and 10000 (milliseconds)' })
  @Max(10000, { message: 'must be an integer between 10 and 10000 (milliseconds)' })
  EXCHANGE_RELAY_INTERVAL_MS = 200;

  /** Webhook retries: first backoff (doubled each attempt, with jitter) ... */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 10 and 3600000 (milliseconds)' })
  @Min(10, { message: 'must be an integer between 10 and 3600000 (milliseconds)' })
  @Max(3600000, { message: 'must be an integer between 10 and 3600000 (milliseconds)' })
  WEBHOOK_RETRY_BASE_MS = 1000;

  /** ... capped at this ... */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 10 and 86400000 (milliseconds)' })
  @Min(10, { message: 'must be an integer between 10 and 86400000 (milliseconds)' })
  @Max(86400000, { message: 'must be an integer between 10 and 86400000 (milliseconds)' })
  WEBHOOK_RETRY_CAP_MS = 1_800_000;

  /** ... for at least this long after the first attempt; then the delivery goes to the dead-letter list (default 25 h). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 1209600 (seconds)' })
  @Min(1, { message: 'must be an integer between 1 and 1209600 (seconds)' })
  @Max(1209600, { message: 'must be an integer between 1 and 1209600 (seconds)' })
  WEBHOOK_RETRY_FOR_S = 90_000;

  /** A webhook receiver that has not answered in this long has failed this attempt. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 100 and 60000 (milliseconds)' })
  @Min(100, { message: 'must be an integer between 100 and 60000 (milliseconds)' })
  @Max(60000, { message: 'must be an integer between 100 and 60000 (milliseconds)' })
  WEBHOOK_TIMEOUT_MS = 5000;

  /** Private networks webhooks may reach (agency intranets): comma-separated CIDRs inside 10/8, 172.16/12, 192.168/16, 100.64/10 or fc00::/7. */
  @IsString()
  WEBHOOK_ALLOW_CIDRS = '';

  /** Loopback webhook receivers: unset means allowed in development and test, refused in production (where true is refused). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  WEBHOOK_ALLOW_LOOPBACK?: 'true' | 'false' = undefined;

  /** JT/T 808 gateway: the TCP port terminals connect to (0: any free port, tests). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 65535' })
  @Min(0, { message: 'must be an integer between 0 and 65535' })
  @Max(65535, { message: 'must be an integer between 0 and 65535' })
  JT808_PORT = 6808;

  /** JT/T 808 gateway: connections held at most; more are refused at once. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 200000' })
  @Min(1, { message: 'must be an integer between 1 and 200000' })
  @Max(200000, { message: 'must be an integer between 1 and 200000' })
  JT808_MAX_CONNECTIONS = 20000;

  /** JT/T 808 gateway: a connection silent this long is closed (terminals send heartbeats). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 5 and 3600 (seconds)' })
  @Min(5, { message: 'must be an integer between 5 and 3600 (seconds)' })
  @Max(3600, { message: 'must be an integer between 5 and 3600 (seconds)' })
  JT808_IDLE_S = 300;

  /** JT/T 808 gateway: an unauthenticated connection is closed this long after it opened, whatever it sends. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 600 (seconds)' })
  @Min(1, { message: 'must be an integer between 1 and 600 (seconds)' })
  @Max(600, { message: 'must be an integer between 1 and 600 (seconds)' })
  JT808_AUTH_TIMEOUT_S = 30;

  /** JT/T 808 gateway: connections held at most from one remote address; more are refused at once. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 200000' })
  @Min(1, { message: 'must be an integer between 1 and 200000' })
  @Max(200000, { message: 'must be an integer between 1 and 200000' })
  JT808_MAX_PER_ADDRESS = 50;

  /** JT/T 808 gateway: registrations (0x0100) one remote address may make per minute (a terminal registers once after it is bound or reset). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 100000' })
  @Min(1, { message: 'must be an integer between 1 and 100000' })
  @Max(100000, { message: 'must be an integer between 1 and 100000' })
  JT808_REGISTER_PER_MIN = 10;

  /** JT/T 808 gateway: a connection sending this many bad frames in a row is closed. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 10000' })
  @Min(1, { message: 'must be an integer between 1 and 10000' })
  @Max(10000, { message: 'must be an integer between 1 and 10000' })
  JT808_MAX_BAD_FRAMES = 10;

  /** JT/T 808 gateway: how often a gateway process renews its terminals' live sessions and closes those another process took over. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 100 and 60000 (milliseconds)' })
  @Min(100, { message: 'must be an integer between 100 and 60000 (milliseconds)' })
  @Max(60000, { message: 'must be an integer between 100 and 60000 (milliseconds)' })
  JT808_SESSION_CHECK_MS = 2000;

  /** JT/T 808 gateway: the key under which terminals' authentication codes are stored (HMAC; the codes themselves are random). Set it in production. */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  JT808_AUTH_SECRET = DEVELOPMENT_JT808_SECRET;

  /** JT/T 808 commands: a sent command not answered this long is timed out. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 3600 (seconds)' })
  @Min(1, { message: 'must be an integer between 1 and 3600 (seconds)' })
  @Max(3600, { message: 'must be an integer between 1 and 3600 (seconds)' })
  JT808_COMMAND_TIMEOUT_S = 30;

  /** JT/T 808 commands: how long a command waits for an offline terminal (a request may ask for less). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 60 and 604800 (seconds)' })
  @Min(60, { message: 'must be an integer between 60 and 604800 (seconds)' })
  @Max(604800, { message: 'must be an integer between 60 and 604800 (seconds)' })
  JT808_COMMAND_EXPIRY_S = 86400;

  /** JT/T 808 commands: how often a gateway looks for commands to the terminals it holds. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 50 and 60000 (milliseconds)' })
  @Min(50, { message: 'must be an integer between 50 and 60000 (milliseconds)' })
  @Max(60000, { message: 'must be an integer between 50 and 60000 (milliseconds)' })
  JT808_COMMAND_POLL_MS = 500;

  /** JT/T 808: report interval (0x0029) pushed to a loaded dangerous-goods vehicle's terminal after authentication; 0: none. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 3600 (seconds)' })
  @Min(0, { message: 'must be an integer between 0 and 3600 (seconds)' })
  @Max(3600, { message: 'must be an integer between 0 and 3600 (seconds)' })
  JT808_LOADED_REPORT_INTERVAL_S = 10;

  /**
   * Keys the chain links of the ledger and the access log (HMAC-SHA256) and, derived from it, the
   * Ed25519 key pair that signs the published checkpoints. Someone holding the database without
   * it cannot forge a link. Set it in production; it cannot be changed without re-keying.
   */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  LEDGER_CHAIN_KEY = DEVELOPMENT_LEDGER_CHAIN_KEY;

  /** Map console base map: a raster tile URL template ({z}/{x}/{y}), e.g. the city's own tile server; empty: plain background. */
  @IsString()
  @Matches(/^$|^https?:\/\/\S+\{z\}\S*$/, {
    message: 'must be empty or an http(s) tile URL template with {z}, {x} and {y}',
  })
  CONSOLE_TILE_URL = '';

  /** Attribution shown under the base map (required by most tile providers). */
  @IsString()
  CONSOLE_TILE_ATTRIBUTION = '';

  /** Comma-separated origins allowed by CORS; empty means CORS is closed. */
  @IsString()
  CORS_ORIGINS = '';
}

export interface ExchangeSettings {
  relayIntervalMs: number;
  webhook: { retryBaseMs: number; retryCapMs: number; retryForMs: number; timeoutMs: number; egress: EgressPolicy };
}

export const DEFAULT_EXCHANGE_SETTINGS: ExchangeSettings = {
  relayIntervalMs: 200,
  webhook: { retryBaseMs: 1000, retryCapMs: 1_800_000, retryForMs: 90_000_000, timeoutMs: 5000, egress: CLOSED_EGRESS },
};

/** Commands to JT/T 808 terminals: answer timeout, how long one waits for an offline terminal, the gateways' poll, the loaded report interval. */
export interface Jt808CommandSettings {
  timeoutMs: number;
  expiryMs: number;
  pollMs: number;
  loadedReportIntervalS: number;
}

export const DEFAULT_JT808_COMMAND_SETTINGS: Jt808CommandSettings = {
  timeoutMs: 30_000,
  expiryMs: 86_400_000,
  pollMs: 500,
  loadedReportIntervalS: 10,
};

export interface Jt808Settings {
  port: number;
  maxConnections: number;
  idleMs: number;
  authSecret: string;
  authTimeoutMs: number;
  maxPerAddress: number;
  registrationsPerMinute: number;
  maxBadFramesInRow: number;
  sessionCheckMs: number;
  commands: Jt808CommandSettings;
}

export const DEFAULT_JT808_SETTINGS: Jt808Settings = {
  port: 6808,
  maxConnections: 20000,
  idleMs: 300_000,
  authSecret: DEVELOPMENT_JT808_SECRET,
  authTimeoutMs: 30_000,
  maxPerAddress: 50,
  registrationsPerMinute: 10,
  maxBadFramesInRow: 10,
  sessionCheckMs: 2000,
  commands: DEFAULT_JT808_COMMAND_SETTINGS,
};

/** One validated, typed view of the configuration, injected where needed. */
export class AppConfig {
  constructor(
    readonly env: 'development' | 'production' | 'test',
    readonly http: { port: number; host: string; bodyLimit: string; corsOrigins: string[] },
    readonly database:
      { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string | null; template?: Blob },
    readonly queue: ({ kind: 'bullmq'; redisUrl: string; prefix: string } | { kind: 'in-process'; prefix: string }) & {
      fixHoldMs?: number;
    },
    readonly log: { level: EnvironmentVariables['LOG_LEVEL'] },
    readonly auth: { adminApiKey?: string },
    readonly shutdownGraceMs: number,
    readonly telematics: { fixRetentionDays: number; clockToleranceMs: number } = {
      fixRetentionDays: 180,
      clockToleranceMs: 10_000,
    },
    readonly waybill: { notDepartedAfterMs: number; wrongStopMs: number } = {
      notDepartedAfterMs: 7_200_000,
      wrongStopMs: 1_200_000,
    },
    readonly exchange: ExchangeSettings = DEFAULT_EXCHANGE_SETTINGS,
    readonly console: { tileUrl: string | null; attribution: string } = { tileUrl: null, attribution: '' },
    readonly jt808: Jt808Settings = DEFAULT_JT808_SETTINGS,
    readonly ledgerChain: { key: string } = { key: DEVELOPMENT_LEDGER_CHAIN_KEY },
    readonly ledger: { backdateMs: number } = { backdateMs: 72 * 3_600_000 },
  ) {}

  /**
   * Outbox.append checks every payload against its event's published schema (ajv) in development
   * and test, so that a producer departing from the schema fails in its tests; not in production,
   * where a mismatch must not refuse the change it describes.
   */
  get checksEventPayloads(): boolean {
    return this.env !== 'production';
  }

  /** Overrides for tests (a per-file database, a per-run queue prefix); never used by the apps. */
  with(
    overrides: Partial<Pick<AppConfig, 'database' | 'queue' | 'log' | 'http' | 'auth' | 'telematics' | 'jt808'>>,
  ): AppConfig {
    return new AppConfig(
      this.env,
      overrides.http ?? this.http,
      overrides.database ?? this.database,
      overrides.queue ?? this.queue,
      overrides.log ?? this.log,
      overrides.auth ?? this.auth,
      this.shutdownGraceMs,
      overrides.telematics ?? this.telematics,
      this.waybill,
      this.exchange,
      this.console,
      overrides.jt808 ?? this.jt808,
      this.ledgerChain,
      this.ledger,
    );
  }
}

/** Thrown for a bad variable; its message is the single line the process prints before it stops. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

function describe(error: ValidationError): string {
  const reason = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  if (SECRET_VARIABLES.has(error.property)) return reason;
  return `${reason} (got ${JSON.stringify(error.value)})`;
}

/**
 * The process's configuration: its environment over `defaults`, with `overrides` on top. The one
 * place that reads process.env.
 */
export function loadProcessConfig(
  defaults: Record<string, string> = {},
  overrides: Record<string, string> = {},
): AppConfig {
  return loadConfig({ ...defaults, ...process.env, ...overrides });
}

/** Validates the environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const relevant = Object.fromEntries(known.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  const vars = plainToInstance(EnvironmentVariables, relevant);
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new ConfigError(first.property, describe(first));
  }
  // Secrets come from the environment: in production the development default is not accepted.
  if (vars.NODE_ENV === 'production' && vars.JT808_AUTH_SECRET === DEVELOPMENT_JT808_SECRET) {
    throw new ConfigError('JT808_AUTH_SECRET', 'must be set in production (the default is for development only)');
  }
  if (vars.NODE_ENV === 'production' && vars.LEDGER_CHAIN_KEY === DEVELOPMENT_LEDGER_CHAIN_KEY) {
    throw new ConfigError('LEDGER_CHAIN_KEY', 'must be set in production (the default is for development only)');
  }
  // One secret per purpose: JT808_AUTH_SECRET keys the terminals' stored codes.
  if (vars.LEDGER_CHAIN_KEY === vars.JT808_AUTH_SECRET) {
    throw new ConfigError('LEDGER_CHAIN_KEY', 'must differ from JT808_AUTH_SECRET');
  }
  const egress = webhookEgress(vars);
  return new AppConfig(
    vars.NODE_ENV,
    {
      port: vars.PORT,
      host: vars.HOST,
      bodyLimit: vars.BODY_LIMIT,
      corsOrigins: vars.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    vars.DATABASE_URL
      ? { kind: 'postgres', url: vars.DATABASE_URL, poolSize: vars.DB_POOL_SIZE }
      : { kind: 'pglite', dataDir: vars.DATA_DIR },
    vars.REDIS_URL
      ? { kind: 'bullmq', redisUrl: vars.REDIS_URL, prefix: vars.QUEUE_PREFIX, fixHoldMs: vars.FIX_HOLD_MS }
      : { kind: 'in-process', prefix: vars.QUEUE_PREFIX, fixHoldMs: vars.FIX_HOLD_MS },
    { level: vars.LOG_LEVEL },
    { adminApiKey: vars.ADMIN_API_KEY },
    vars.SHUTDOWN_GRACE_MS,
    { fixRetentionDays: vars.FIX_RETENTION_DAYS, clockToleranceMs: vars.FIX_CLOCK_TOLERANCE_S * 1000 },
    { notDepartedAfterMs: vars.WAYBILL_NOT_DEPARTED_AFTER_S * 1000, wrongStopMs: vars.WAYBILL_WRONG_STOP_S * 1000 },
    {
      relayIntervalMs: vars.EXCHANGE_RELAY_INTERVAL_MS,
      webhook: {
        retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS,
        retryCapMs: vars.WEBHOOK_RETRY_CAP_MS,
        retryForMs: vars.WEBHOOK_RETRY_FOR_S * 1000,
        timeoutMs: vars.WEBHOOK_TIMEOUT_MS,
        egress,
      },
    },
    { tileUrl: vars.CONSOLE_TILE_URL || null, attribution: vars.CONSOLE_TILE_ATTRIBUTION },
    {
      port: vars.JT808_PORT,
      maxConnections: vars.JT808_MAX_CONNECTIONS,
      idleMs: vars.JT808_IDLE_S * 1000,
      authSecret: vars.JT808_AUTH_SECRET,
      authTimeoutMs: vars.JT808_AUTH_TIMEOUT_S * 1000,
      maxPerAddress: vars.JT808_MAX_PER_ADDRESS,
      registrationsPerMinute: vars.JT808_REGISTER_PER_MIN,
      maxBadFramesInRow: vars.JT808_MAX_BAD_FRAMES,
      sessionCheckMs: vars.JT808_SESSION_CHECK_MS,
      commands: {
        timeoutMs: vars.JT808_COMMAND_TIMEOUT_S * 1000,
        expiryMs: vars.JT808_COMMAND_EXPIRY_S * 1000,
        pollMs: vars.JT808_COMMAND_POLL_MS,
        loadedReportIntervalS: vars.JT808_LOADED_REPORT_INTERVAL_S,
      },
    },
    { key: vars.LEDGER_CHAIN_KEY },
    { backdateMs: vars.LEDGER_BACKDATE_HOURS * 3_600_000 },
  );
}

/** Where webhooks may go: the allowed private networks, and loopback outside production only. */
function webhookEgress(vars: EnvironmentVariables): EgressPolicy {
  const allowCidrs: Cidr[] = [];
  for (const entry of vars.WEBHOOK_ALLOW_CIDRS.split(',').map((c) => c.trim())) {
    if (!entry) continue;
    const checked = allowableCidr(entry);
    if ('error' in checked) throw new ConfigError('WEBHOOK_ALLOW_CIDRS', checked.error);
    allowCidrs.push(checked.cidr);
  }
  if (vars.NODE_ENV === 'production' && vars.WEBHOOK_ALLOW_LOOPBACK === 'true')
    throw new ConfigError(
      'WEBHOOK_ALLOW_LOOPBACK',
      'must not be true in production (loopback is for development and test)',
    );
  const allowLoopback = (vars.WEBHOOK_ALLOW_LOOPBACK ?? (vars.NODE_ENV === 'production' ? 'false' : 'true')) === 'true';
  return { allowLoopback, allowCidrs };
}

/** Strips credentials from a connection URL so it can appear in an error line. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return `${u.protocol}//${u.username ? `${u.username}${u.password ? ':***' : ''}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
