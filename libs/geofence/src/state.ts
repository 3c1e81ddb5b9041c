import type { CrewState } from './crew-rules.js';
import type { Episode } from './episode.js';
import type { VehicleState } from './types.js';

/**
 * Slots of EngineState.track, the vehicle's running numbers. They are packed in one array of
 * doubles rather than spread over named fields because V8 boxes every double-valued property in
 * its own heap object: a dozen fields read on every fix would be a dozen scattered cache lines
 * across 10,000 vehicles, where one array is two. "None" is -1 (all times are positive epoch ms).
 */
/** The last usable fix: anchor for jumps, fatigue and SIGNAL_LOST evidence. */
export const LAST_TS = 0;
export const LAST_LON = 1;
export const LAST_LAT = 2;
export const LAST_SPEED = 3;
export const LAST_ACCURACY = 4;
/** The last usable fix that was also accurate: where the next sparse segment starts. */
export const SPATIAL_TS = 5;
export const SPATIAL_LON = 6;
export const SPATIAL_LAT = 7;
export const SPATIAL_SPEED = 8;
/** First fix of the current stop, and of the current movement (-1 while moving / stopped). */
export const STOP_SINCE = 9;
export const MOVING_SINCE = 10;
/** Continuous driving time since the last rest, ms. */
export const DRIVING_MS = 11;
/**
 * Hints only (they never change a result, only where a search starts): the world index of the
 * assigned route, checked against its id on use; the segment of that route the vehicle was last
 * found on, and its last advance, so the corridor test usually checks a segment or two.
 */
export const ROUTE_INDEX = 12;
export const ROUTE_SEGMENT = 13;
/** How many segments the vehicle advanced along its route between its last two fixes. */
export const ROUTE_STEP = 14;
/** Consecutive jump fixes agreeing with one another, and the latest of them (re-anchoring). */
export const JUMP_RUN = 15;
export const JUMP_TS = 16;
export const JUMP_LON = 17;
export const JUMP_LAT = 18;
/**
 * When the vehicle was last heard from: the receipt of its last usable fix (the one in LAST_TS).
 * SIGNAL_LOST measures silence from here, not from that fix's GPS time, because a terminal
 * re-sending what it stored out of coverage (JT/T 808 0x0704, blind-area re-send) is reporting
 * its track although the fixes are old. Late fixes and jumps do not count: they say nothing of
 * where the vehicle is, and must not keep an alarm away. Absent in checkpoints written before it
 * existed.
 */
export const LAST_HEARD = 19;
const TRACK_SLOTS = 20;
export const NONE = -1;

/**
 * The engine's view of VehicleState: numbers and small episode records, nothing but plain JSON,
 * so a checkpoint (JSON.stringify) restored elsewhere continues exactly where it stopped.
 */
export interface EngineState extends VehicleState {
  track: number[];
  /** Episodes under way (pending or open); null when none, which is almost always. */
  route: Episode | null;
  zones: Episode[] | null;
  overspeed: Episode | null;
  stop: Episode | null;
  fatigue: Episode | null;
  trip: Episode | null;
  /** TERMINAL_ALARM of the emergency button (its slot since before the other alarm groups). */
  alarm: Episode | null;
  /** TERMINAL_ALARM of the other alarm groups, by group; absent in checkpoints from before them. */
  alarms?: Record<string, Episode> | null;
  signal: Episode | null;
  /** Driver cards (CREW_MISMATCH): null until the vehicle reports one; absent in older checkpoints. */
  crew?: CrewState | null;
  /**
   * Where the vehicle stands among the facility fences under its e-waybill (facility passages,
   * WRONG_DESTINATION): the waybill this standing belongs to (null while none is assigned), the
   * facilities containing its last usable fix (null when none, which is almost always), whether
   * it has been outside its loading facility under that waybill, whether it has since been inside
   * its unloading facility (arrived: no WRONG_DESTINATION after that, while the assignment stays
   * loaded until the consignee records receipt), and WRONG_DESTINATION under way. Fields of the
   * state itself, not a nested record, so the common fix touches no further object. Absent in
   * older checkpoints (read as none: their next fix reports the starting standing; `arrived`
   * alone absent reads as not arrived).
   */
  standingWaybill?: string | null;
  inside?: string[] | null;
  departed?: boolean;
  arrived?: boolean;
  wrong?: Episode | null;
}

export function newEngineState(vehicleId: string): EngineState {
  // Created from -0, then set to 0: -0 is not a small integer, so V8 lays the track out as an
  // array of doubles and the watermark as a double field from the start, next to the state,
  // instead of moving them elsewhere at the first timestamp (fewer scattered cache lines per
  // fix, across 10,000 vehicles). The values themselves are plain 0.
  const track = Array.from({ length: TRACK_SLOTS }, () => -0).fill(0);
  for (const slot of [LAST_TS, SPATIAL_TS, STOP_SINCE, MOVING_SINCE, ROUTE_INDEX, ROUTE_SEGMENT, LAST_HEARD])
    track[slot] = NONE;
  const state: EngineState = {
    vehicleId,
    watermark: -0,
    recent: [],
    track,
    route: null,
    zones: null,
    overspeed: null,
    stop: null,
    fatigue: null,
    trip: null,
    alarm: null,
    alarms: null,
    signal: null,
    crew: null,
    standingWaybill: null,
    inside: null,
    departed: false,
    arrived: false,
    wrong: null,
  };
  state.watermark = 0;
  return state;
}
