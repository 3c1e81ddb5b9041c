import { clearFix, closeNow, hold, openIfDue } from './dwell.js';
import { startEpisode } from './episode.js';
import type { FixContext } from './fix-context.js';
import {
  DRIVING_MS,
  LAST_HEARD,
  LAST_LAT,
  LAST_LON,
  LAST_SPEED,
  LAST_TS,
  MOVING_SINCE,
  NONE,
  STOP_SINCE,
} from './state.js';
import { FATIGUE_BIT, OVERSPEED_BIT } from './terminal-alarms.js';
import type { EvidencePoint } from './types.js';

/**
 * Stop / movement bookkeeping shared by UNAUTHORIZED_STOP, FATIGUE_DRIVING and UNDECLARED_TRIP;
 * runs before them, on every usable fix (accurate or not).
 *
 * Driving time accumulates the time between consecutive usable fixes when the vehicle moves at
 * either end; a stop of restSeconds resets it. A silent gap of restSeconds or more counts as a
 * rest unless the vehicle was moving on both sides of it: terminals sleep with the ignition, so
 * a truck parked overnight must not wake up "fatigued", while one that went dark at speed and
 * reappeared at speed was driving (and a loaded one raised SIGNAL_LOST meanwhile).
 */
export function trackMotion(ctx: FixContext): void {
  const t = ctx.state.track;
  const { stopSpeedKmh, restSeconds } = ctx.config;
  const restMs = restSeconds * 1000;
  const ts = ctx.ts;
  const moving = ctx.fix.speedKmh >= stopSpeedKmh;
  const lastTs = t[LAST_TS]!;
  if (lastTs !== NONE) {
    const dt = ts - lastTs;
    const wasMoving = t[LAST_SPEED]! >= stopSpeedKmh;
    if (dt >= restMs && !(wasMoving && moving)) t[DRIVING_MS] = 0;
    else if (wasMoving || moving) t[DRIVING_MS]! += dt;
  }
  if (moving) {
    t[STOP_SINCE] = NONE;
    if (t[MOVING_SINCE] === NONE) t[MOVING_SINCE] = ts;
  } else {
    t[MOVING_SINCE] = NONE;
    if (t[STOP_SINCE] === NONE) t[STOP_SINCE] = ts;
    else if (ts - t[STOP_SINCE]! >= restMs) t[DRIVING_MS] = 0;
  }
}

/**
 * OVERSPEED: a loaded vehicle faster than the lowest limit that applies where it is: the class
 * default (expressway when on an expressway route's corridor), its route's own limit when on the
 * corridor, and the limit of any containing zone in force whose class filter covers the load (a
 * zone pass lifts the ban, not the limit). An inaccurate fix cannot place the vehicle: it is
 * taken to be on its corridor and zone limits are not applied.
 */
export function stepOverspeed(ctx: FixContext): void {
  const s = ctx.state;
  const speed = ctx.fix.speedKmh;
  if (ctx.loaded) {
    const limit = speedLimitAt(ctx);
    if (speed > limit) {
      const point = ctx.evidence();
      const ep = hold(ctx, s.overspeed, null, point, speed, speed);
      if (ep.worst === point) ep.detail.limitKmh = limit;
      if ((ctx.fix.alarmFlags & OVERSPEED_BIT) !== 0) ep.detail.terminalAlarm = true;
      openIfDue(ctx, 'OVERSPEED', ep);
      s.overspeed = ep;
      return;
    }
  }
  if (s.overspeed !== null) s.overspeed = clearFix(ctx, 'OVERSPEED', s.overspeed);
}

function speedLimitAt(ctx: FixContext): number {
  const { routes, zones } = ctx.index;
  const defaults = ctx.config.defaultLimitKmh;
  let limit = defaults.other;
  const r = ctx.route;
  if (r >= 0 && (ctx.inaccurate || ctx.onCorridor())) {
    if (routes.expressway[r] === 1) limit = defaults.expressway;
    const own = routes.speedLimit[r]!; // NaN (no limit) never compares lower
    if (own < limit) limit = own;
  }
  if (!ctx.inaccurate) {
    ctx.scanZones();
    for (let j = 0; j < ctx.zoneCount; j++) {
      const z = ctx.zones[j]!;
      const zoneLimit = zones.speedLimit[z]!;
      if (zoneLimit < limit && ctx.zoneAppliesToLoad(z)) limit = zoneLimit;
    }
  }
  return limit;
}

/**
 * UNAUTHORIZED_STOP: a loaded vehicle stopped for stopMaxSeconds (first stopped fix to this one)
 * outside every parking zone in force and every facility fence. Once open it holds while the
 * vehicle stays stopped, and closes by the close dwell once it moves.
 */
export function stepUnauthorizedStop(ctx: FixContext): void {
  const s = ctx.state;
  const ep = s.stop;
  const since = s.track[STOP_SINCE]!;
  let holds = false;
  if (ctx.loaded && since !== NONE) {
    holds = (ep !== null && ep.open) || (ctx.ts - since >= ctx.config.stopMaxSeconds * 1000 && !atAuthorisedPlace(ctx));
  }
  if (holds) {
    const held = hold(ctx, ep, null, ctx.evidence(), ctx.ts, null);
    held.detail.stoppedSeconds = (ctx.ts - since) / 1000;
    held.detail.stoppedSince = since;
    openIfDue(ctx, 'UNAUTHORIZED_STOP', held);
    s.stop = held;
  } else if (ep !== null) {
    s.stop = clearFix(ctx, 'UNAUTHORIZED_STOP', ep);
  }
}

function atAuthorisedPlace(ctx: FixContext): boolean {
  ctx.scanZones();
  const zones = ctx.index.zones;
  for (let j = 0; j < ctx.zoneCount; j++) if (zones.kinds[ctx.zones[j]!] === 'parking') return true;
  return ctx.index.facilities.covers(ctx, ctx.cell);
}

/** FATIGUE_DRIVING (any vehicle): continuous driving beyond fatigueDrivingSeconds, until a rest. */
export function stepFatigue(ctx: FixContext): void {
  const s = ctx.state;
  const drivingMs = s.track[DRIVING_MS]!;
  if (drivingMs > ctx.config.fatigueDrivingSeconds * 1000) {
    const ep = hold(ctx, s.fatigue, null, ctx.evidence(), ctx.ts, null);
    ep.detail.drivingSeconds = drivingMs / 1000;
    if ((ctx.fix.alarmFlags & FATIGUE_BIT) !== 0) ep.detail.terminalAlarm = true;
    openIfDue(ctx, 'FATIGUE_DRIVING', ep);
    s.fatigue = ep;
  } else if (s.fatigue !== null) {
    s.fatigue = clearFix(ctx, 'FATIGUE_DRIVING', s.fatigue);
  }
}

/**
 * UNDECLARED_TRIP: moving continuously for undeclaredMovingSeconds with no assignment in force.
 * Once open it holds while moving and closes by the close dwell of stopped fixes, or at once
 * when an assignment comes into force (the trip is declared).
 */
export function stepUndeclaredTrip(ctx: FixContext): void {
  const s = ctx.state;
  const ep = s.trip;
  if (ctx.active) {
    if (ep !== null) s.trip = closeNow(ctx, 'UNDECLARED_TRIP', ep);
    return;
  }
  const since = s.track[MOVING_SINCE]!;
  const holds =
    since !== NONE && ((ep !== null && ep.open) || ctx.ts - since >= ctx.config.undeclaredMovingSeconds * 1000);
  if (holds) {
    const held = hold(ctx, ep, null, ctx.evidence(), ctx.ts, null);
    held.detail.movingSeconds = (ctx.ts - since) / 1000;
    openIfDue(ctx, 'UNDECLARED_TRIP', held);
    s.trip = held;
  } else if (ep !== null) {
    s.trip = clearFix(ctx, 'UNDECLARED_TRIP', ep);
  }
}

/**
 * SIGNAL_LOST, opened by tick when no usable fix has been received from a loaded vehicle for
 * signalLostSeconds. The identity is the last usable fix (openedAt = its ts); the silence is
 * counted from its receipt (`silentSince`), so a backlog of old fixes arriving now is not silence.
 */
export function openSignalLost(ctx: FixContext): void {
  const s = ctx.state;
  const t = s.track;
  const last: EvidencePoint = Object.freeze({
    ts: t[LAST_TS]!,
    lon: t[LAST_LON]!,
    lat: t[LAST_LAT]!,
    speedKmh: t[LAST_SPEED]!,
  });
  const silentSince = t[LAST_HEARD] ?? last.ts;
  const ep = startEpisode(null, last, last.ts, null, ctx.config.maxEvidencePoints);
  ep.open = true;
  ep.detail.silentSince = silentSince;
  ep.detail.silentSeconds = (ctx.ts - silentSince) / 1000;
  ctx.emit('opened', 'SIGNAL_LOST', ep, null);
  s.signal = ep;
}

/**
 * SIGNAL_LOST closes on usable fixes (by its close dwell: the first one, by default); the
 * silence lasted until this fix was received.
 */
export function closeSignalLost(ctx: FixContext): void {
  const ep = ctx.state.signal;
  if (ep === null) return;
  const since = typeof ep.detail.silentSince === 'number' ? ep.detail.silentSince : ep.firstTs;
  ep.detail.silentSeconds = ((ctx.fix.receivedAt ?? ctx.ts) - since) / 1000;
  ctx.state.signal = clearFix(ctx, 'SIGNAL_LOST', ep);
}
