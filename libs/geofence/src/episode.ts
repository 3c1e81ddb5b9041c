import type { EvidencePoint } from './types.js';

export type Detail = Record<string, number | string | boolean | null>;

/**
 * One rule+target episode, as kept in the vehicle state (plain JSON). It starts at the first fix
 * where the condition holds; `open` once the open dwell is met; while open, a clear streak
 * (`clearCount` fixes since `clearSince`) counts towards the close dwell.
 */
export interface Episode {
  target: string | null;
  open: boolean;
  /** ts of the episode's first fix: the violation's identity with (vehicle, rule, target). */
  firstTs: number;
  /** Consecutive usable fixes on which the condition held. */
  count: number;
  clearCount: number;
  clearSince: number;
  first: EvidencePoint;
  worst: EvidencePoint;
  /** What "worst" compares (deviation, speed; the ts for rules whose worst is the latest). */
  score: number;
  maxValue: number | null;
  points: EvidencePoint[];
  detail: Detail;
}

export function startEpisode(
  target: string | null,
  point: EvidencePoint,
  score: number,
  value: number | null,
  maxPoints: number,
): Episode {
  return {
    target,
    open: false,
    firstTs: point.ts,
    count: 1,
    clearCount: 0,
    clearSince: 0,
    first: point,
    worst: point,
    score,
    maxValue: value,
    points: maxPoints > 0 ? [point] : [],
    detail: {},
  };
}

/**
 * Adds a holding fix. Evidence keeps the first points and the worst: once the list is full its
 * last slot is given to each new worst point. Returns whether this point became the worst.
 */
export function extendEpisode(
  ep: Episode,
  point: EvidencePoint,
  score: number,
  value: number | null,
  maxPoints: number,
): boolean {
  ep.count++;
  ep.clearCount = 0;
  if (value !== null && (ep.maxValue === null || value > ep.maxValue)) ep.maxValue = value;
  const worse = score >= ep.score;
  if (worse) {
    ep.score = score;
    ep.worst = point;
  }
  if (ep.points.length < maxPoints) ep.points.push(point);
  else if (worse && maxPoints > 0) ep.points[maxPoints - 1] = point;
  return worse;
}
