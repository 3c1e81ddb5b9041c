import type { Fix } from '@lib/geofence';

/** A fix as it travels from ingest to the evaluator (compact: it crosses Redis at line rate). */
export interface PackedFix {
  /** vehicle id */
  v: string;
  /** ts, epoch ms */
  t: number;
  x: number;
  y: number;
  /** speed km/h */
  s: number;
  /** heading degrees */
  h: number;
  /** accuracy m, or null */
  a: number | null;
  /** alarm flags */
  f: number;
  /** received at, epoch ms */
  r: number;
  /** 1 when this receipt stored it for the first time; 2 when it added alarm bits to a fix stored before (same second) */
  n: 0 | 1 | 2;
  /** 0 when the report has no GNSS position (lon/lat mean nothing); absent otherwise */
  l?: 0;
}

/**
 * A validated fix ready to store: the engine's fix (its receipt is stamped when stored) and what
 * only storage keeps. An unlocated one (`located: false`) is stored, flagged, for its alarm bits and
 * never becomes a track point, latest position or spatial input.
 */
export interface IncomingFix extends Omit<Fix, 'receivedAt'> {
  altitudeM: number | null;
  /** Blind-area re-sends and other knowingly old points (JT/T 808 0x0704 type 1). */
  late?: boolean;
  extra?: Record<string, unknown> | null;
}

/**
 * Flags of a stored fix. unlocated: set at insert, the report has no position. ahead: stamped
 * ahead of its receipt beyond the engine's clock tolerance (evaluated for findings and alarms,
 * not as the vehicle's position).
 */
export const FIX_FLAG = { late: 1, jump: 2, inaccurate: 4, duplicateIgnored: 8, unlocated: 16, ahead: 32 } as const;

/** Flags of fixes that are not where the vehicle is now: never a track line point or latest position. */
export const NOT_A_POSITION = FIX_FLAG.late | FIX_FLAG.jump | FIX_FLAG.unlocated | FIX_FLAG.ahead;
