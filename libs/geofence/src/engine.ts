import { resolveConfig, rulePolicies, type EngineOptions } from './config.js';
import { applyCard, crewCursor, stepCrew } from './crew-rules.js';
import { stepFacilities } from './facility-passages.js';
import { FixContext } from './fix-context.js';
import {
  closeSignalLost,
  openSignalLost,
  stepFatigue,
  stepOverspeed,
  stepUnauthorizedStop,
  stepUndeclaredTrip,
  trackMotion,
} from './motion-rules.js';
import { METRES_PER_DEGREE } from './projection.js';
import { checkCrossings, lateFindings, stepRouteDeviation, stepZoneIntrusion } from './spatial-rules.js';
import {
  JUMP_LAT,
  JUMP_LON,
  JUMP_RUN,
  JUMP_TS,
  LAST_ACCURACY,
  LAST_HEARD,
  LAST_LAT,
  LAST_LON,
  LAST_SPEED,
  LAST_TS,
  NONE,
  SPATIAL_LAT,
  SPATIAL_LON,
  SPATIAL_SPEED,
  SPATIAL_TS,
  newEngineState,
  type EngineState,
} from './state.js';
import { raiseAlarms, stepTerminalAlarm, type AlarmNote } from './terminal-alarms.js';
import type {
  Assignment,
  Disposition,
  DriverCardEvent,
  EngineConfig,
  EvaluationResult,
  FacilityPassage,
  Fix,
  VehicleState,
  ViolationEvent,
  World,
} from './types.js';
import { WorldIndex } from './world-index.js';

/** Shared, frozen answers for the common no-event cases: the fast path allocates nothing. */
const NO_EVENTS = Object.freeze([]) as unknown as ViolationEvent[];
const NO_PASSAGES = Object.freeze([]) as unknown as FacilityPassage[];
const quiet = (disposition: Disposition): EvaluationResult =>
  Object.freeze({ disposition, events: NO_EVENTS, passages: NO_PASSAGES });
const DUPLICATE = quiet('duplicate');
const EVALUATED = quiet('evaluated');
const INACCURATE = quiet('inaccurate');

/**
 * After this many consecutive jump fixes that agree with one another, it is the anchor that was
 * wrong (a bad fix accepted after a long gap): the vehicle would otherwise stay blind until time
 * alone made the stale anchor plausible again.
 */
const REANCHOR_AFTER = 3;

/**
 * The geofence engine: a fixed world (routes, zones, facilities) indexed once, and per-vehicle
 * state owned by the caller. Pure: no clock, no I/O; time comes with the fixes (and `now` for
 * ticks), so the same inputs always give the same events.
 */
export class GeofenceEngine {
  private readonly config: EngineConfig;
  private readonly index: WorldIndex;
  private readonly ctx: FixContext;
  private readonly maxMetresPerMs: number;
  private readonly signalLostMs: number;

  constructor(world: World, options?: EngineOptions) {
    this.config = resolveConfig(options);
    this.index = new WorldIndex(world);
    this.ctx = new FixContext(this.index, this.config, rulePolicies(this.config));
    this.maxMetresPerMs = this.config.maxImpliedSpeedKmh / 3600;
    this.signalLostMs = this.config.signalLostSeconds * 1000;
  }

  newState(vehicleId: string): VehicleState {
    return newEngineState(vehicleId);
  }

  /**
   * Mutates `state` in place (the caller owns it); returns the events caused by this fix. The
   * watermark moves only on an in-order usable fix: a fix ahead of its receipt (a clock running
   * ahead) or a jump leaves it where it was, so neither can make the vehicle's next fixes late.
   * Every fix but a duplicate raises its alarm bits (a late, ahead, jump or unlocated one outside
   * the in-order rules, see terminal-alarms.ts).
   */
  evaluate(state: VehicleState, assignment: Assignment | null, fix: Fix): EvaluationResult {
    const s = state as EngineState;
    const ctx = this.ctx;
    const ts = fix.ts;
    ctx.begin(s, assignment, fix);
    if (fix.located === false) return this.outOfBand(ctx, 'unlocated', null);
    if (ts <= s.watermark) return wasSeen(s.recent, ts) ? DUPLICATE : this.outOfBand(ctx, 'late', lateFindings(ctx));
    // Jumps and fixes ahead of their receipt are remembered without moving the watermark: seen
    // again (a resend), they are duplicates.
    if (wasSeen(s.recent, ts)) return DUPLICATE;
    rememberRecent(s.recent, ts, this.config.recentWindowMs);
    if (fix.receivedAt !== undefined && ts - fix.receivedAt > this.config.clockToleranceMs)
      return this.outOfBand(ctx, 'ahead', lateFindings(ctx));
    if (this.isJump(s, fix)) return this.outOfBand(ctx, 'jump', null);
    s.watermark = ts;

    ctx.commit();
    closeSignalLost(ctx);
    stepRouteDeviation(ctx);
    stepZoneIntrusion(ctx);
    checkCrossings(ctx);
    stepOverspeed(ctx);
    trackMotion(ctx);
    stepUnauthorizedStop(ctx);
    stepFatigue(ctx);
    stepUndeclaredTrip(ctx);
    stepTerminalAlarm(ctx);
    stepCrew(ctx);
    stepFacilities(ctx);
    rememberFix(s, fix, ctx.inaccurate);

    const events = ctx.events;
    const passages = ctx.passages;
    ctx.events = null;
    ctx.passages = null;
    if (events === null && passages === null) return ctx.inaccurate ? INACCURATE : EVALUATED;
    return {
      disposition: ctx.inaccurate ? 'inaccurate' : 'evaluated',
      events: events ?? NO_EVENTS,
      passages: passages ?? NO_PASSAGES,
    };
  }

  /**
   * A driver card inserted or removed (CREW_MISMATCH). The caller applies a vehicle's card events
   * in time order with its fixes: each before the first fix at or after its ts. Events at or
   * before `cardCursor` were applied already and change nothing, so a replay is harmless.
   */
  applyCard(state: VehicleState, assignment: Assignment | null, card: DriverCardEvent): ViolationEvent[] {
    const ctx = this.ctx;
    ctx.beginTick(state as EngineState, assignment, card.ts);
    applyCard(ctx, card);
    const events = ctx.events ?? NO_EVENTS;
    ctx.events = null;
    return events;
  }

  /** The ts of the newest card event applied to this vehicle (0 before any). */
  cardCursor(state: VehicleState): number {
    return crewCursor(state as EngineState);
  }

  /** Time-driven rules (SIGNAL_LOST, and closing nothing else): call periodically with the current time. */
  tick(state: VehicleState, assignment: Assignment | null, now: number): ViolationEvent[] {
    const s = state as EngineState;
    const lastTs = s.track[LAST_TS]!;
    if (s.signal !== null || lastTs === NONE || now - this.lastHeard(s) <= this.signalLostMs) return NO_EVENTS;
    if (assignment === null || !assignment.loaded || now < assignment.validFrom || now > assignment.validTo) {
      return NO_EVENTS;
    }
    const ctx = this.ctx;
    ctx.beginTick(s, assignment, now);
    openSignalLost(ctx);
    const events = ctx.events ?? NO_EVENTS;
    ctx.events = null;
    return events;
  }

  /**
   * When the vehicle was last heard from (receipt of its last usable fix), 0 before any: what tick
   * measures silence from, so a caller may skip vehicles heard from recently.
   */
  lastHeard(state: VehicleState): number {
    const t = (state as EngineState).track;
    // A checkpoint from before LAST_HEARD existed: its last usable fix is the best it knows.
    return Math.max(t[LAST_HEARD] ?? t[LAST_TS]!, 0);
  }

  /**
   * New alarm bits merged into a fix already stored and evaluated (a report of the same second
   * as the one before it): they are raised at that fix's position; nothing else is evaluated.
   */
  mergeAlarms(state: VehicleState, assignment: Assignment | null, fix: Fix): ViolationEvent[] {
    const ctx = this.ctx;
    ctx.begin(state as EngineState, assignment, fix);
    raiseAlarms(ctx, fix.located === false ? 'unlocated' : 'merged');
    const events = ctx.events ?? NO_EVENTS;
    ctx.events = null;
    return events;
  }

  /**
   * A fix outside the in-order path (late, ahead, jump, unlocated): point-in-time findings where
   * it has a place, its alarms raised; the rest of the state untouched.
   */
  private outOfBand(
    ctx: FixContext,
    disposition: 'late' | 'ahead' | 'jump' | 'unlocated',
    findings: EvaluationResult['lateFindings'] | null,
  ): EvaluationResult {
    const note: AlarmNote = disposition === 'ahead' ? 'clock_ahead' : disposition;
    raiseAlarms(ctx, note);
    const events = ctx.events ?? NO_EVENTS;
    ctx.events = null;
    return findings === null
      ? { disposition, events, passages: NO_PASSAGES }
      : { disposition, events, passages: NO_PASSAGES, lateFindings: findings };
  }

  /**
   * Is the fix farther from the last usable one than maxImpliedSpeedKmh allows? Both positions
   * are only known to within their reported accuracy, which is allowed for, so a fix after an
   * inaccurate one is not mistaken for a jump.
   */
  private isJump(s: EngineState, fix: Fix): boolean {
    const t = s.track;
    const lastTs = t[LAST_TS]!;
    if (lastTs === NONE) return false;
    // Local metric distances, written out: a helper returning a double would box it per fix.
    const mx = this.ctx.k * this.index.projection.mx;
    const reach = this.maxMetresPerMs * (fix.ts - lastTs) + t[LAST_ACCURACY]! + (fix.accuracyM ?? 0);
    let dx = (fix.lon - t[LAST_LON]!) * mx;
    let dy = (fix.lat - t[LAST_LAT]!) * METRES_PER_DEGREE;
    if (dx * dx + dy * dy <= reach * reach) {
      if (t[JUMP_RUN] !== 0) t[JUMP_RUN] = 0;
      return false;
    }
    dx = (fix.lon - t[JUMP_LON]!) * mx;
    dy = (fix.lat - t[JUMP_LAT]!) * METRES_PER_DEGREE;
    const jumpReach = this.maxMetresPerMs * (fix.ts - t[JUMP_TS]!);
    const agrees = t[JUMP_RUN]! > 0 && dx * dx + dy * dy <= jumpReach * jumpReach;
    t[JUMP_RUN] = agrees ? t[JUMP_RUN]! + 1 : 1;
    t[JUMP_TS] = fix.ts;
    t[JUMP_LON] = fix.lon;
    t[JUMP_LAT] = fix.lat;
    if (t[JUMP_RUN]! < REANCHOR_AFTER) return true;
    // Re-anchor: accept this fix; no sparse segment back to the discredited anchor.
    t[JUMP_RUN] = 0;
    t[SPATIAL_TS] = NONE;
    return false;
  }
}

function wasSeen(recent: readonly number[], ts: number): boolean {
  for (let i = recent.length - 1; i >= 0; i--) {
    const seen = recent[i]!;
    if (seen === ts) return true;
    if (seen < ts) return false;
  }
  return false;
}

/**
 * Inserts ts in order (jumps and fixes ahead of their receipt are remembered too, so a fix may
 * come after a newer one) and drops what fell out of the window below the newest.
 */
function rememberRecent(recent: number[], ts: number, windowMs: number): void {
  let i = recent.length;
  while (i > 0 && recent[i - 1]! > ts) i--;
  if (i === recent.length) recent.push(ts);
  else recent.splice(i, 0, ts);
  const oldest = recent[recent.length - 1]! - windowMs;
  while (recent.length > 0 && recent[0]! < oldest) recent.shift();
}

function rememberFix(s: EngineState, fix: Fix, inaccurate: boolean): void {
  const t = s.track;
  // The newest receipt (fixes arriving close together are evaluated in time order, not receipt
  // order). A checkpoint from before LAST_HEARD existed has none: undefined never compares greater.
  const heard = fix.receivedAt ?? fix.ts;
  if (!(t[LAST_HEARD]! >= heard)) t[LAST_HEARD] = heard;
  t[LAST_TS] = fix.ts;
  t[LAST_LON] = fix.lon;
  t[LAST_LAT] = fix.lat;
  t[LAST_SPEED] = fix.speedKmh;
  t[LAST_ACCURACY] = fix.accuracyM ?? 0;
  if (!inaccurate) {
    t[SPATIAL_TS] = fix.ts;
    t[SPATIAL_LON] = fix.lon;
    t[SPATIAL_LAT] = fix.lat;
    t[SPATIAL_SPEED] = fix.speedKmh;
  }
}
