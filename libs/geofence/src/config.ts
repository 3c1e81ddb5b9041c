import type { Dwell, EngineConfig, RuleCode, RuleThresholds, Severity } from './types.js';
import { RULE_CODES } from './types.js';

const rule = (open: Dwell, close: Dwell, severity: Severity): RuleThresholds => ({ open, close, severity });

export const DEFAULT_ENGINE_CONFIG: EngineConfig = deepFreeze({
  rules: {
    ROUTE_DEVIATION: rule({ points: 3, seconds: 20 }, { points: 3, seconds: 20 }, 'high'),
    ZONE_INTRUSION: rule({ points: 2, seconds: 10 }, { points: 2, seconds: 10 }, 'high'),
    OVERSPEED: rule({ points: 3, seconds: 30 }, { points: 3, seconds: 30 }, 'medium'),
    UNAUTHORIZED_STOP: rule({ points: 1, seconds: 0 }, { points: 2, seconds: 10 }, 'medium'),
    FATIGUE_DRIVING: rule({ points: 1, seconds: 0 }, { points: 1, seconds: 0 }, 'medium'),
    SIGNAL_LOST: rule({ points: 1, seconds: 0 }, { points: 1, seconds: 0 }, 'high'),
    UNDECLARED_TRIP: rule({ points: 2, seconds: 0 }, { points: 2, seconds: 60 }, 'low'),
    TERMINAL_ALARM: rule({ points: 1, seconds: 0 }, { points: 2, seconds: 10 }, 'critical'),
    // Two moving fixes: one speed reading of a parked tanker is not a trip. Closing is by a crew
    // card or the end of the trip, not by a dwell.
    CREW_MISMATCH: rule({ points: 2, seconds: 0 }, { points: 1, seconds: 0 }, 'high'),
    // The stop's own length (wrongStopSeconds) is the open dwell. Closing wants three fixes in a
    // row outside the facility (ROUTE_DEVIATION's count) over a minute (UNDECLARED_TRIP's): a
    // parked truck at a fence's edge reports slowly and now and then 20 m out, which must not
    // close and reopen it; after a 20-minute stop a minute's delay in closing costs nothing.
    WRONG_DESTINATION: rule({ points: 1, seconds: 0 }, { points: 3, seconds: 60 }, 'high'),
  },
  stopSpeedKmh: 5,
  stopMaxSeconds: 1200,
  fatigueDrivingSeconds: 14_400,
  restSeconds: 1200,
  signalLostSeconds: 300,
  undeclaredMovingSeconds: 300,
  crewNoCardSeconds: 600,
  maxImpliedSpeedKmh: 200,
  defaultLimitKmh: { expressway: 80, other: 60 },
  sparseSegmentM: 200,
  recentWindowMs: 600_000,
  // GNSS time is exact and a fix is received after it is taken, so a fix ahead of its receipt is a
  // clock error. The whole seconds of JT/T 808 times and an API client's NTP drift stay well within
  // 10 s; a wrong fix this far ahead makes at most the next fix or two late, fewer than any rule's
  // open dwell (ROUTE_DEVIATION: 3 points over 20 s), so it cannot hide an episode.
  clockToleranceMs: 10_000,
  maxEvidencePoints: 100,
  wrongStopSeconds: 1200,
});

/** What the engine constructor accepts: any subset of the config, rules merged per field. */
export type EngineOptions = Partial<Omit<EngineConfig, 'rules'>> & {
  rules?: Partial<Record<RuleCode, Partial<RuleThresholds>>>;
};

/** A rule's dwell thresholds in the units the engine compares (ms), resolved once per engine. */
export interface RulePolicy {
  openPoints: number;
  openMs: number;
  closePoints: number;
  closeMs: number;
  severity: Severity;
}

export function resolveConfig(options: EngineOptions = {}): EngineConfig {
  const { rules: ruleOptions, ...rest } = options;
  const rules = {} as Record<RuleCode, RuleThresholds>;
  for (const code of RULE_CODES) {
    const merged = { ...DEFAULT_ENGINE_CONFIG.rules[code], ...ruleOptions?.[code] };
    checkDwell(`rules.${code}.open`, merged.open);
    checkDwell(`rules.${code}.close`, merged.close);
    rules[code] = merged;
  }
  const config: EngineConfig = {
    ...DEFAULT_ENGINE_CONFIG,
    ...rest,
    defaultLimitKmh: { ...DEFAULT_ENGINE_CONFIG.defaultLimitKmh, ...rest.defaultLimitKmh },
    rules,
  };
  for (const key of [
    'stopSpeedKmh',
    'stopMaxSeconds',
    'fatigueDrivingSeconds',
    'restSeconds',
    'signalLostSeconds',
    'undeclaredMovingSeconds',
    'crewNoCardSeconds',
    'maxImpliedSpeedKmh',
    'sparseSegmentM',
    'recentWindowMs',
    'clockToleranceMs',
    'maxEvidencePoints',
    'wrongStopSeconds',
  ] as const) {
    if (!Number.isFinite(config[key]) || config[key] < 0) throw new RangeError(`geofence config: bad ${key}`);
  }
  return config;
}

export function rulePolicies(config: EngineConfig): Record<RuleCode, RulePolicy> {
  const policies = {} as Record<RuleCode, RulePolicy>;
  for (const code of RULE_CODES) {
    const r = config.rules[code];
    policies[code] = {
      // A dwell of 0 points would open on a fix where the condition does not hold: 1 is the floor.
      openPoints: Math.max(1, r.open.points),
      openMs: r.open.seconds * 1000,
      closePoints: Math.max(1, r.close.points),
      closeMs: r.close.seconds * 1000,
      severity: r.severity,
    };
  }
  return policies;
}

function checkDwell(name: string, d: Dwell): void {
  if (!Number.isFinite(d?.points) || !Number.isFinite(d?.seconds) || d.points < 0 || d.seconds < 0) {
    throw new RangeError(`geofence config: bad ${name}`);
  }
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v !== null && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}
