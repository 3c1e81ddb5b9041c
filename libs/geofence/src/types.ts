/**
 * The geofence engine's contract. Pure data in, pure data out: no Nest, no I/O, no clock (time
 * comes in with each fix, or as `now` for ticks). Coordinates are WGS-84 degrees; times are epoch
 * milliseconds (UTC); rules that speak of local time use Asia/Shanghai (UTC+8, no DST).
 */

export type RuleCode =
  | 'ROUTE_DEVIATION'
  | 'ZONE_INTRUSION'
  | 'OVERSPEED'
  | 'UNAUTHORIZED_STOP'
  | 'FATIGUE_DRIVING'
  | 'SIGNAL_LOST'
  | 'UNDECLARED_TRIP'
  | 'TERMINAL_ALARM'
  | 'CREW_MISMATCH'
  | 'WRONG_DESTINATION';

export const RULE_CODES: readonly RuleCode[] = [
  'ROUTE_DEVIATION',
  'ZONE_INTRUSION',
  'OVERSPEED',
  'UNAUTHORIZED_STOP',
  'FATIGUE_DRIVING',
  'SIGNAL_LOST',
  'UNDECLARED_TRIP',
  'TERMINAL_ALARM',
  'CREW_MISMATCH',
  'WRONG_DESTINATION',
];

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** One GPS fix, as the engine sees it (the caller has validated ranges and resolved the vehicle). */
export interface Fix {
  vehicleId: string;
  /** Epoch milliseconds, UTC. */
  ts: number;
  lon: number;
  lat: number;
  speedKmh: number;
  /** Degrees clockwise from north, 0..359. */
  heading: number;
  /** Horizontal accuracy in metres (from the device, or hdop × 5 by the caller); null when unknown. */
  accuracyM: number | null;
  /** JT/T 808 alarm bits (bit 0: emergency button). 0 when none. */
  alarmFlags: number;
  /**
   * When the service received the fix (epoch ms); the fix's own ts when not given. SIGNAL_LOST
   * counts silence from the receipt of the last usable fix, however old that fix's ts.
   */
  receivedAt?: number;
  /**
   * false: the terminal says it has no GNSS position (JT/T 808 status bit 1 clear), so lon/lat
   * mean nothing. Such a report only raises its alarms, at the last usable position.
   */
  located?: boolean;
}

/** A permitted route (transport bureau), approved and in force. */
export interface RouteDef {
  id: string;
  /** LineString coordinates, [lon, lat]. */
  coordinates: Array<[number, number]>;
  /** Corridor half-width, metres. */
  halfWidthM: number;
  speedLimitKmh: number | null;
  /** An expressway route: class default 80 km/h instead of 60. */
  expressway: boolean;
}

export type ZoneKind = 'ban' | 'water_source' | 'school' | 'tunnel' | 'parking';

/** Local-time schedule: minutes of day [from, to) (to < from wraps midnight) on ISO weekdays (1 = Monday). */
export interface Schedule {
  minutes: Array<[number, number]>;
  weekdays: number[];
}

export interface ZoneDef {
  id: string;
  kind: ZoneKind;
  /** MultiPolygon coordinates: polygons → rings (first outer, rest holes) → [lon, lat]. */
  polygons: Array<Array<Array<[number, number]>>>;
  /** ADR classes affected ("2.3", "3", "2" covers 2.x); empty = every dangerous load. */
  hazardClasses: string[];
  /** null = always active. */
  schedule: Schedule | null;
  /** Vehicles holding a pass for this zone. */
  exemptVehicleIds: string[];
  speedLimitKmh: number | null;
}

/** A registered facility: a stop inside its fence is not an unauthorised stop. */
export interface FacilityFence {
  id: string;
  /** Polygon rings, or null for a point facility. */
  polygon: Array<Array<[number, number]>> | null;
  /** Point facilities: the point; polygons: ignored. */
  point: [number, number] | null;
  /** Fence distance around the polygon or point, metres. */
  radiusM: number;
}

export interface World {
  routes: RouteDef[];
  zones: ZoneDef[];
  facilities: FacilityFence[];
}

/** What a vehicle carries and must keep to (set by transport, the carrier, or its active e-waybill). */
export interface Assignment {
  routeId: string | null;
  loaded: boolean;
  /** ADR classes of the load (for zone applicability). */
  hazardClasses: string[];
  chemicalIds: string[];
  waybillId: string | null;
  /** Epoch ms; outside [validFrom, validTo] the vehicle counts as unassigned. */
  validFrom: number;
  validTo: number;
  /**
   * Qualification certificate numbers (从业资格证号) of the e-waybill's driver and escort, as
   * normalised by the caller (no spaces, upper case). Absent or empty: the crew is not known, and
   * no inserted card can be found wrong.
   */
  crewQualifications?: string[];
  /**
   * The e-waybill's two ends (registered facility ids): the engine reports the vehicle's passages
   * through facility fences, and WRONG_DESTINATION spares these two. Absent or null: unknown (a
   * hand-set assignment), so every facility counts as neither end.
   */
  loadingFacilityId?: string | null;
  unloadingFacilityId?: string | null;
}

/**
 * A driver card inserted or removed (JT/T 808 0x0702), in the vehicle's time like its fixes. A
 * card that could not be read is an insertion with no qualification number: nobody identified.
 */
export interface DriverCardEvent {
  vehicleId: string;
  /** Epoch ms of the insertion or removal. */
  ts: number;
  inserted: boolean;
  qualificationNumber: string | null;
  name: string | null;
}

export interface Dwell {
  /** The condition must hold for at least this many consecutive usable points... */
  points: number;
  /** ...spanning at least this many seconds (first to last of them). */
  seconds: number;
}

export interface RuleThresholds {
  open: Dwell;
  close: Dwell;
  severity: Severity;
}

export interface EngineConfig {
  rules: Record<RuleCode, RuleThresholds>;
  /** Below this speed a vehicle is stopped. */
  stopSpeedKmh: number;
  /** UNAUTHORIZED_STOP: a loaded stop longer than this, outside parking zones and facilities. */
  stopMaxSeconds: number;
  /** FATIGUE_DRIVING: driving longer than this without a rest... */
  fatigueDrivingSeconds: number;
  /** ...where a rest is a stop at least this long. */
  restSeconds: number;
  /** SIGNAL_LOST: no usable fix received for longer than this while loaded (checked by tick). */
  signalLostSeconds: number;
  /** UNDECLARED_TRIP: moving longer than this with no active assignment. */
  undeclaredMovingSeconds: number;
  /** CREW_MISMATCH: a loaded vehicle driven this long (moving time) with no driver card inserted. */
  crewNoCardSeconds: number;
  /** A fix implying a higher speed from the previous usable one is a jump: kept, flagged, ignored. */
  maxImpliedSpeedKmh: number;
  /** OVERSPEED class defaults. */
  defaultLimitKmh: { expressway: number; other: number };
  /** Consecutive fixes farther apart than this are tested for crossing a zone between them. */
  sparseSegmentM: number;
  /** Late fixes within this many ms of the newest are told apart from duplicates. */
  recentWindowMs: number;
  /**
   * A fix stamped more than this many ms after its own receipt (receivedAt) has a clock that runs
   * ahead: it is evaluated for point-in-time findings and its alarms, flagged, and does not move
   * the watermark, so it cannot make the vehicle's next fixes late.
   */
  clockToleranceMs: number;
  /** At most this many evidence points are kept per violation. */
  maxEvidencePoints: number;
  /**
   * WRONG_DESTINATION: a loaded vehicle that has left its loading facility, stopped this long
   * inside a registered facility that is neither end of its e-waybill.
   */
  wrongStopSeconds: number;
}

export interface EvidencePoint {
  ts: number;
  lon: number;
  lat: number;
  speedKmh: number;
  /** Distance from the route (ROUTE_DEVIATION), metres. */
  deviationM?: number;
}

/** A violation opening or closing. Ids are made by the caller from (vehicle, rule, target, openedAt). */
export interface ViolationEvent {
  kind: 'opened' | 'closed';
  rule: RuleCode;
  vehicleId: string;
  /** Route or zone id; null for rules without a target (speed, stop, fatigue, signal, alarm). */
  targetId: string | null;
  severity: Severity;
  /** ts of the first point of the episode: with (vehicle, rule, target) it identifies the violation. */
  openedAt: number;
  /** ts of the fix (or tick) that met the open dwell; for closed events, the one that met the close dwell. */
  at: number;
  closedAt: number | null;
  firstPoint: EvidencePoint;
  worstPoint: EvidencePoint;
  /** ROUTE_DEVIATION: max distance from the corridor centre line; OVERSPEED: max speed; else null. */
  maxValue: number | null;
  points: EvidencePoint[];
  /** The load at the time (from the assignment). */
  waybillId: string | null;
  chemicalIds: string[];
  /** Free detail: the limit that applied, the stop duration, the alarm bits... */
  detail: Record<string, number | string | boolean | null>;
}

/**
 * evaluated / inaccurate: in order and usable. late: older than the watermark. jump: implausibly
 * far from the last usable fix. ahead: stamped after its receipt beyond the clock tolerance.
 * unlocated: no GNSS position. Only evaluated and inaccurate fixes move the watermark; every
 * disposition but duplicate raises the fix's alarm bits.
 */
export type Disposition = 'evaluated' | 'duplicate' | 'late' | 'jump' | 'inaccurate' | 'ahead' | 'unlocated';

/**
 * A vehicle on an e-waybill entering or leaving a registered facility's fence, at an in-order
 * usable fix (the fix's own position and speed). Reported only while the assignment names a
 * waybill. On the first usable fix under a waybill the state has not seen, the engine reports
 * where the vehicle stands: 'entered' for each facility covering it, and 'left' of the loading
 * facility when it is already outside that one (so the trip departs, as from the first fix
 * outside the loading fence). Later fixes report only changes.
 */
export interface FacilityPassage {
  kind: 'entered' | 'left';
  vehicleId: string;
  facilityId: string;
  waybillId: string;
  ts: number;
  lon: number;
  lat: number;
  speedKmh: number;
}

export interface EvaluationResult {
  disposition: Disposition;
  events: ViolationEvent[];
  /** Facility fences entered or left at this fix (in-order usable fixes of vehicles on an e-waybill). */
  passages: FacilityPassage[];
  /** For late and ahead fixes: what the point-in-time checks found (no live alert is raised but alarms). */
  lateFindings?: Array<{ rule: RuleCode; targetId: string | null }>;
}

/**
 * Everything the engine remembers about one vehicle between fixes. Plain JSON (serialisable as
 * is), so the caller can checkpoint it and restore it on another worker.
 */
export interface VehicleState {
  vehicleId: string;
  /** ts of the newest evaluated fix (0 before the first). */
  watermark: number;
  /** ts of recently evaluated fixes (within recentWindowMs of the newest), to tell duplicates from late fixes. */
  recent: number[];
  /** Engine-private; the caller never reads it. */
  [key: string]: unknown;
}
