import { clearFix, closeNow, hold, openIfDue } from './dwell.js';
import type { Episode } from './episode.js';
import type { FixContext } from './fix-context.js';
import { LAST_SPEED, LAST_TS, NONE } from './state.js';
import type { DriverCardEvent } from './types.js';

/**
 * Who is driving (CREW_MISMATCH), from the driver cards the terminal reports (JT/T 808 0x0702)
 * and the e-waybill's crew carried in the assignment. Plain JSON, kept in the vehicle's state.
 */
export interface CrewState {
  /** ts of the newest card event applied: older or equal ones are replays, ignored. */
  cardTs: number;
  /** The card in the reader, when one was inserted and read. */
  card: { qualificationNumber: string; name: string | null } | null;
  /** Moving time of the loaded vehicle since the last readable card came out, ms. */
  noCardMs: number;
  /** Up to where noCardMs has been counted (a fix or the removal), ms; -1 before any. */
  countedTo: number;
  episode: Episode | null;
}

const RULE = 'CREW_MISMATCH';

/** The ts up to which the vehicle's card events are applied: the caller passes newer ones only. */
export function crewCursor(state: { crew?: CrewState | null }): number {
  return state.crew?.cardTs ?? 0;
}

function onCrew(ctx: FixContext, qualificationNumber: string): boolean {
  return ctx.assignment?.crewQualifications?.includes(qualificationNumber) ?? false;
}

/**
 * A card inserted or removed (ctx begun at the event's ts). A crew member's card closes an open
 * mismatch at once, and ends one that was not open yet.
 */
export function applyCard(ctx: FixContext, e: DriverCardEvent): void {
  const s = ctx.state;
  const crew: CrewState = (s.crew ??= { cardTs: 0, card: null, noCardMs: 0, countedTo: NONE, episode: null });
  if (e.ts <= crew.cardTs) return;
  crew.cardTs = e.ts;
  const had = crew.card !== null;
  crew.card = e.inserted && e.qualificationNumber ? { qualificationNumber: e.qualificationNumber, name: e.name } : null;
  if (crew.card !== null) crew.noCardMs = 0;
  else if (had) {
    // The count starts when the last readable card came out (an unreadable one does not restart it).
    crew.noCardMs = 0;
    crew.countedTo = e.ts;
  }
  const ep = crew.episode;
  if (ep !== null && crew.card !== null && ctx.loaded && onCrew(ctx, crew.card.qualificationNumber)) {
    describe(ep, crew, ctx);
    crew.episode = closeNow(ctx, RULE, ep);
  }
}

/**
 * CREW_MISMATCH, on every usable fix of a vehicle whose terminal reports driver cards: a loaded
 * vehicle moving with a card that is not its waybill's driver's or escort's, or driven for
 * crewNoCardSeconds with no card. Once open it holds until a crew member's card is inserted or
 * the trip ends. Vehicles that never reported a card (no IC card reader, or fixes from a
 * carrier's platform) are not judged on cards they cannot send.
 */
export function stepCrew(ctx: FixContext): void {
  const crew = ctx.state.crew;
  if (crew === null || crew === undefined) return;
  const ts = ctx.ts;
  const ep = crew.episode;
  if (!ctx.loaded) {
    crew.noCardMs = 0;
    crew.countedTo = ts;
    if (ep !== null) crew.episode = closeNow(ctx, RULE, ep);
    return;
  }
  const { stopSpeedKmh, restSeconds, crewNoCardSeconds } = ctx.config;
  const t = ctx.state.track;
  const moving = ctx.fix.speedKmh >= stopSpeedKmh;
  if (crew.card === null) {
    // Moving time, as FATIGUE_DRIVING counts driving: a gap of a rest's length counts only when
    // the vehicle was moving on both sides of it.
    const lastTs = t[LAST_TS]!;
    const from = Math.max(crew.countedTo, lastTs === NONE ? NONE : lastTs);
    if (from !== NONE && ts > from) {
      const wasMoving = lastTs !== NONE && t[LAST_SPEED]! >= stopSpeedKmh;
      const dt = ts - from;
      if ((wasMoving || moving) && (dt < restSeconds * 1000 || (wasMoving && moving))) crew.noCardMs += dt;
    }
  }
  crew.countedTo = ts;
  const card = crew.card;
  const crewKnown = (ctx.assignment?.crewQualifications?.length ?? 0) > 0;
  const wrongCard = card !== null && crewKnown && !onCrew(ctx, card.qualificationNumber);
  const noCard = card === null && crew.noCardMs >= crewNoCardSeconds * 1000;
  if (ep !== null && ep.open) {
    if (card !== null && onCrew(ctx, card.qualificationNumber)) {
      describe(ep, crew, ctx);
      crew.episode = closeNow(ctx, RULE, ep);
      return;
    }
    if (moving) hold(ctx, ep, null, ctx.evidence(), ts, null);
    describe(ep, crew, ctx);
    return;
  }
  if (moving && (wrongCard || noCard)) {
    const held = hold(ctx, ep, null, ctx.evidence(), ts, null);
    describe(held, crew, ctx);
    openIfDue(ctx, RULE, held);
    crew.episode = held;
  } else if (ep !== null) {
    crew.episode = clearFix(ctx, RULE, ep);
  }
}

/** Who is on board, for the alert: the card in the reader (never the citizen id). */
function describe(ep: Episode, crew: CrewState, ctx: FixContext): void {
  const card = crew.card;
  // Why it opened stays; who is in the reader is kept current.
  if (!ep.open) ep.detail.reason = card === null ? 'no_card' : 'card_not_on_waybill';
  ep.detail.driverName = card?.name ?? null;
  ep.detail.driverQualificationNumber = card?.qualificationNumber ?? null;
  ep.detail.onWaybill = card !== null && onCrew(ctx, card.qualificationNumber);
  ep.detail.noCardSeconds = card === null ? Math.round(crew.noCardMs / 1000) : 0;
}
