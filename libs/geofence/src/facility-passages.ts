import { clearFix, closeNow, hold, openIfDue } from './dwell.js';
import type { FixContext } from './fix-context.js';
import type { EngineState } from './state.js';

/**
 * Facility passages and WRONG_DESTINATION, on every usable in-order fix (accurate or not: a fence
 * is tens of metres wide, and the trip matching this replaces took every usable fix). Only for
 * an assignment in force that names a waybill; when it no longer does, the standing is dropped
 * (and an open WRONG_DESTINATION closed). With no change of standing it allocates nothing.
 *
 * Starting standing: the first fix under a waybill the state has not seen reports 'entered' for
 * each facility covering it, and 'left' of the loading facility when that one does not cover it,
 * so that a vehicle already outside its loading fence departs at once, as the first fix outside
 * that fence always did.
 */
export function stepFacilities(ctx: FixContext): void {
  const s = ctx.state;
  const waybillId = ctx.active ? ctx.assignment!.waybillId : null;
  const seen = s.standingWaybill ?? null;
  if (waybillId === null) {
    if (seen !== null) forget(ctx, s);
    return;
  }
  ctx.locate();
  const count = ctx.index.facilities.coveringInto(ctx, ctx.cell, ctx.covering);
  if (seen !== waybillId) {
    if (seen !== null) forget(ctx, s);
    startStanding(ctx, s, waybillId, count);
  } else if (count > 0 || (s.inside ?? null) !== null) {
    reportChanges(ctx, s, waybillId, count);
  }
  // The common fix (moving, or no fence about): nothing to judge, nothing under way.
  if (count > 0 || (s.wrong ?? null) !== null) stepWrongDestination(ctx, s, count);
}

/** The waybill no longer holds the vehicle (or another does): its standing goes. */
function forget(ctx: FixContext, s: EngineState): void {
  const ep = s.wrong ?? null;
  if (ep !== null) closeNow(ctx, 'WRONG_DESTINATION', ep);
  s.standingWaybill = null;
  s.inside = null;
  s.departed = false;
  s.arrived = false;
  s.wrong = null;
}

function startStanding(ctx: FixContext, s: EngineState, waybillId: string, count: number): void {
  const ids = ctx.index.facilities.ids;
  const loading = ctx.assignment!.loadingFacilityId ?? null;
  const inside: string[] = [];
  for (let j = 0; j < count; j++) inside.push(ids[ctx.covering[j]!]!);
  const departed = loading === null || !inside.includes(loading);
  if (loading !== null && departed) ctx.passage('left', loading, waybillId);
  for (const id of inside) ctx.passage('entered', id, waybillId);
  s.standingWaybill = waybillId;
  s.inside = inside.length > 0 ? inside : null;
  s.departed = departed;
  s.arrived = departed && isUnloading(ctx, inside);
  s.wrong = null;
}

/**
 * Arrival as trip matching reads the passages: inside the unloading facility's fence once the
 * loading one has been left (on entering it after departing, or on departing while already inside
 * it where the two fences overlap). A round trip (one facility at both ends) arrives on
 * re-entering it, since leaving it took it out of `inside`.
 */
function isUnloading(ctx: FixContext, inside: readonly string[] | null): boolean {
  const unloading = ctx.assignment!.unloadingFacilityId ?? null;
  return unloading !== null && inside !== null && inside.includes(unloading);
}

function reportChanges(ctx: FixContext, s: EngineState, waybillId: string, count: number): void {
  const ids = ctx.index.facilities.ids;
  let inside = s.inside ?? null;
  if (inside !== null) {
    for (let i = 0; i < inside.length;) {
      const id = inside[i]!;
      if (covers(ctx, count, id)) {
        i++;
        continue;
      }
      inside.splice(i, 1);
      ctx.passage('left', id, waybillId);
      if (id === ctx.assignment!.loadingFacilityId) s.departed = true;
    }
  }
  for (let j = 0; j < count; j++) {
    const id = ids[ctx.covering[j]!]!;
    if (inside !== null && inside.includes(id)) continue;
    (inside ??= []).push(id);
    ctx.passage('entered', id, waybillId);
  }
  s.inside = inside !== null && inside.length > 0 ? inside : null;
  if (s.departed === true && s.arrived !== true && isUnloading(ctx, s.inside)) s.arrived = true;
}

/** Is facility `id` among the count facilities covering the fix? */
function covers(ctx: FixContext, count: number, id: string): boolean {
  const ids = ctx.index.facilities.ids;
  for (let j = 0; j < count; j++) if (ids[ctx.covering[j]!] === id) return true;
  return false;
}

/**
 * WRONG_DESTINATION: a loaded vehicle that has left its loading facility and not yet arrived at
 * its unloading facility, stopped (below stopSpeedKmh) for wrongStopSeconds inside a registered
 * facility that is neither end of its waybill; the episode starts at the first stopped fix inside
 * that facility, and movement before it opens starts the count again. Once open it holds while
 * the vehicle is inside that facility, stopped or not, and closes once it has been outside it for
 * the rule's close dwell (GPS jitter at a fence's edge does not close it), or at once when the
 * rule no longer applies (unloaded, arrived). An assignment that does not know both ends of the
 * trip (one written before it carried them) never raises it: a bay of the trip's own could not
 * be told from another enterprise's.
 */
function stepWrongDestination(ctx: FixContext, s: EngineState, count: number): void {
  const ep = s.wrong ?? null;
  const a = ctx.assignment!;
  const applies =
    ctx.loaded &&
    s.arrived !== true &&
    (a.loadingFacilityId ?? null) !== null &&
    (a.unloadingFacilityId ?? null) !== null;
  if (ep !== null && ep.open) {
    if (!applies) {
      s.wrong = closeNow(ctx, 'WRONG_DESTINATION', ep);
      return;
    }
    if (covers(ctx, count, ep.target!)) {
      hold(ctx, ep, ep.target, ctx.evidence(), ctx.ts, null);
      return;
    }
    s.wrong = clearFix(ctx, 'WRONG_DESTINATION', ep);
    if (s.wrong !== null) return;
  }
  const target =
    applies && s.departed === true && ctx.fix.speedKmh < ctx.config.stopSpeedKmh ? neitherEnd(ctx, count) : null;
  if (target === null) {
    s.wrong = null;
    return;
  }
  const pending = s.wrong?.target === target ? s.wrong! : null;
  const held = hold(ctx, pending, target, ctx.evidence(), ctx.ts, null);
  const stoppedMs = ctx.ts - held.firstTs;
  held.detail.stoppedMinutes = Math.round(stoppedMs / 60_000);
  s.wrong = held;
  if (stoppedMs >= ctx.config.wrongStopSeconds * 1000) openIfDue(ctx, 'WRONG_DESTINATION', held);
}

/**
 * A facility covering the fix that is neither end of the trip: the one a pending episode already
 * counts in when it still covers the fix (overlapping fences), else the first one.
 */
function neitherEnd(ctx: FixContext, count: number): string | null {
  const ids = ctx.index.facilities.ids;
  const a = ctx.assignment!;
  const current = ctx.state.wrong?.target ?? null;
  let found: string | null = null;
  for (let j = 0; j < count; j++) {
    const id = ids[ctx.covering[j]!]!;
    if (id === a.loadingFacilityId || id === a.unloadingFacilityId) continue;
    if (id === current) return id;
    found ??= id;
  }
  return found;
}
