import { extendEpisode, startEpisode, type Episode } from './episode.js';
import type { FixContext } from './fix-context.js';
import type { EvidencePoint, RuleCode } from './types.js';

/**
 * Dwell and hysteresis shared by every rule. A rule calls `hold` on a fix where its condition
 * holds (then sets the episode's detail and calls `openIfDue`), or `clearFix` where it does not.
 */
export function hold(
  ctx: FixContext,
  ep: Episode | null,
  target: string | null,
  point: EvidencePoint,
  score: number,
  value: number | null,
): Episode {
  const max = ctx.config.maxEvidencePoints;
  if (ep === null) return startEpisode(target, point, score, value, max);
  extendEpisode(ep, point, score, value, max);
  return ep;
}

/** Opens the episode once it has held for open.points fixes spanning open.seconds. */
export function openIfDue(ctx: FixContext, rule: RuleCode, ep: Episode): void {
  if (ep.open) return;
  const policy = ctx.policies[rule];
  if (ep.count >= policy.openPoints && ctx.ts - ep.firstTs >= policy.openMs) {
    ep.open = true;
    ctx.emit('opened', rule, ep, null);
  }
}

/**
 * A fix where the condition does not hold. Before opening it ends the episode silently; once
 * open it extends the clear streak and closes when close.points fixes span close.seconds.
 * Returns the episode still running, or null.
 */
export function clearFix(ctx: FixContext, rule: RuleCode, ep: Episode): Episode | null {
  if (!ep.open) return null;
  if (ep.clearCount === 0) ep.clearSince = ctx.ts;
  ep.clearCount++;
  const policy = ctx.policies[rule];
  if (ep.clearCount >= policy.closePoints && ctx.ts - ep.clearSince >= policy.closeMs) {
    ctx.emit('closed', rule, ep, ctx.ts);
    return null;
  }
  return ep;
}

/** Ends an open episode at once (the rule no longer applies at all). */
export function closeNow(ctx: FixContext, rule: RuleCode, ep: Episode): null {
  if (ep.open) ctx.emit('closed', rule, ep, ctx.ts);
  return null;
}
