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
  /** 1 when this receipt stored it for the first time */
  n: 0 | 1;
}

/** A validated fix ready to store. */
export interface IncomingFix {
  vehicleId: string;
  ts: number;
  lon: number;
  lat: number;
  speedKmh: number;
  heading: number;
  altitudeM: number | null;
  accuracyM: number | null;
  alarmFlags: number;
  /** Blind-area re-sends and other knowingly old points (JT/T 808 0x0704 type 1). */
  late?: boolean;
  extra?: Record<string, unknown> | null;
}

export const FIX_FLAG = { late: 1, jump: 2, inaccurate: 4, duplicateIgnored: 8 } as const;
