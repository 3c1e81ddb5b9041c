/**
 * Planar geometry on projected metres. Hot-path helpers take plain numbers (no tuples) so nothing
 * is allocated per fix; edges and segments live in flat Float64Arrays of [x1, y1, x2, y2] quads.
 */

/**
 * A fix (or segment end) in projected metres, with k the east-west scale at its latitude
 * (LocalProjection.eastScale). Hot-path indexes take points as objects rather than loose
 * doubles: a double passed to a call V8 does not inline is boxed into a fresh heap object.
 */
export interface ProjectedPoint {
  x: number;
  y: number;
  k: number;
}

/** A reusable ProjectedPoint. */
export class PointScratch implements ProjectedPoint {
  x = NaN;
  y = NaN;
  k = NaN;
}

/**
 * "Farther than anything", as a module-local literal: `Infinity` (a global) or an imported
 * constant is a tagged load, and a loop variable that may hold one gets boxed by V8 on every
 * update, a heap allocation per step. Each hot module declares its own.
 */
const FAR = 1e300;

/** Squared distance from the origin to the segment a–b (coordinates already relative to the point). */
export function originToSegmentSq(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = ax + t * dx;
  const ey = ay + t * dy;
  return ex * ex + ey * ey;
}

/**
 * Even–odd ray cast (the PNPOLY rule): does the edge cross the ray from (px, py) towards +x?
 * The half-open test on y counts a vertex on the ray exactly once.
 */
export function crossesRay(px: number, py: number, x1: number, y1: number, x2: number, y2: number): boolean {
  return y1 > py !== y2 > py && px < ((x2 - x1) * (py - y1)) / (y2 - y1) + x1;
}

/** Even–odd containment over the quads edges[4·from .. 4·to) (all rings of a polygon, holes included). */
export function edgesContain(edges: Float64Array, from: number, to: number, px: number, py: number): boolean {
  let inside = false;
  for (let e = from * 4, end = to * 4; e < end; e += 4) {
    if (crossesRay(px, py, edges[e]!, edges[e + 1]!, edges[e + 2]!, edges[e + 3]!)) inside = !inside;
  }
  return inside;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function within(a: number, b: number, v: number): boolean {
  return a < b ? a <= v && v <= b : b <= v && v <= a;
}

/** Do the closed segments a–b and c–d share a point (touching counts)? */
export function segmentsIntersect(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): boolean {
  const d1 = orient(cx, cy, dx, dy, ax, ay);
  const d2 = orient(cx, cy, dx, dy, bx, by);
  const d3 = orient(ax, ay, bx, by, cx, cy);
  const d4 = orient(ax, ay, bx, by, dx, dy);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  // Collinear or touching cases: an endpoint lying on the other segment.
  if (d1 === 0 && within(cx, dx, ax) && within(cy, dy, ay)) return true;
  if (d2 === 0 && within(cx, dx, bx) && within(cy, dy, by)) return true;
  if (d3 === 0 && within(ax, bx, cx) && within(ay, by, cy)) return true;
  if (d4 === 0 && within(ax, bx, dx) && within(ay, by, dy)) return true;
  return false;
}

/** Does the segment touch the closed box? (Liang–Barsky clipping, without allocating.) */
export function segmentTouchesBox(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): boolean {
  const dx = x2 - x1;
  const dy = y2 - y1;
  let t0 = 0;
  let t1 = 1;
  // The four sides as p·t <= q: left, right, bottom, top.
  for (let side = 0; side < 4; side++) {
    const p = side === 0 ? -dx : side === 1 ? dx : side === 2 ? -dy : dy;
    const q = side === 0 ? x1 - minX : side === 1 ? maxX - x1 : side === 2 ? y1 - minY : maxY - y1;
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
  }
  return true;
}

/** Squared distance from (px, py) to the nearest of the quads edges[4·from .. 4·to), x scaled by k. */
export function edgesDistanceSq(
  edges: Float64Array,
  from: number,
  to: number,
  px: number,
  py: number,
  k: number,
): number {
  let best = FAR;
  for (let e = from * 4, end = to * 4; e < end; e += 4) {
    const d = originToSegmentSq((edges[e]! - px) * k, edges[e + 1]! - py, (edges[e + 2]! - px) * k, edges[e + 3]! - py);
    if (d < best) best = d;
  }
  return best;
}

/** A bounding box grown point by point. */
export class Box {
  minX = Infinity;
  minY = Infinity;
  maxX = -Infinity;
  maxY = -Infinity;

  get empty(): boolean {
    return this.minX > this.maxX;
  }

  add(x: number, y: number, padX = 0, padY = 0): void {
    if (x - padX < this.minX) this.minX = x - padX;
    if (x + padX > this.maxX) this.maxX = x + padX;
    if (y - padY < this.minY) this.minY = y - padY;
    if (y + padY > this.maxY) this.maxY = y + padY;
  }

  addBox(b: Box): void {
    if (b.empty) return;
    this.add(b.minX, b.minY);
    this.add(b.maxX, b.maxY);
  }
}
