import { Box, originToSegmentSq, type ProjectedPoint } from './geometry.js';
import { buildCellLists, forCellsInBox, type Grid } from './grid.js';
import type { LocalProjection } from './projection.js';
import type { RouteDef } from './types.js';

/** See geometry.ts: a local literal, not Infinity, keeps the search's best distance unboxed. */
const FAR = 1e300;

/** Segments per block in whole-route scans. */
const BLOCK = 16;

/** How many segments either way the corridor test walks from the last known segment. */
const WALK = 24;

/**
 * Permitted routes as flat projected polylines, and a cell → segment index. Each segment is
 * listed in every cell its box, grown by the widest corridor, overlaps; so the nearest segment
 * of any route within `margin` metres of a point is always in the point's own cell, and an exact
 * distance within the corridor is one cell scan. Within a cell, entries are ordered by route
 * (routes are visited in order), so a route's segments are one contiguous run found by binary
 * search. Most fixes do not even need that: `segmentWithin` walks from where the vehicle was.
 */
export class RouteIndex {
  readonly ids: string[];
  readonly byId = new Map<string, number>();
  readonly halfWidth: Float64Array;
  /** NaN when the route has no limit of its own. */
  readonly speedLimit: Float64Array;
  readonly expressway: Uint8Array;
  /**
   * Projected vertices of every route, back to back, interleaved (x, y): vertex v at 2v, 2v + 1,
   * so a segment is four adjacent numbers. Segment g joins vertex g and g + 1.
   */
  readonly xy: Float64Array;
  /** Route r's vertices are first[r] .. first[r + 1] - 1. */
  readonly first: Int32Array;
  /** Route r's segment blocks are blockFirst[r] .. blockFirst[r + 1] - 1; boxes as quads. */
  private readonly blockFirst: Int32Array;
  private readonly blockBox: Float64Array;
  /** The widest corridor half-width: the distance up to which cell lookups are exact. */
  readonly margin: number;
  private marginSq: number;
  private cellStart = new Int32Array(1);
  private cellSeg = new Int32Array(0);
  private cellRoute = new Int32Array(0);

  constructor(routes: readonly RouteDef[], projection: LocalProjection) {
    const n = routes.length;
    this.ids = routes.map((r) => r.id);
    this.halfWidth = new Float64Array(n);
    this.speedLimit = new Float64Array(n);
    this.expressway = new Uint8Array(n);
    this.first = new Int32Array(n + 1);
    let vertices = 0;
    for (const r of routes) vertices += r.coordinates.length;
    this.xy = new Float64Array(2 * vertices);
    let v = 0;
    let margin = 0;
    routes.forEach((route, r) => {
      this.byId.set(route.id, r);
      this.halfWidth[r] = route.halfWidthM;
      this.speedLimit[r] = route.speedLimitKmh ?? NaN;
      this.expressway[r] = route.expressway ? 1 : 0;
      margin = Math.max(margin, route.halfWidthM);
      this.first[r] = v;
      for (const [lon, lat] of route.coordinates) {
        this.xy[2 * v] = projection.x(lon);
        this.xy[2 * v + 1] = projection.y(lat);
        v++;
      }
    });
    this.first[n] = v;
    // Boxes of BLOCK consecutive segments per route, for scans of the whole route.
    this.blockFirst = new Int32Array(n + 1);
    const boxes: number[] = [];
    for (let r = 0; r < n; r++) {
      this.blockFirst[r] = boxes.length / 4;
      const last = this.first[r + 1]! - 1;
      for (let from = this.first[r]!; from < last; from += BLOCK) {
        const box = new Box();
        for (let g = from; g <= Math.min(from + BLOCK, last); g++) box.add(this.xy[2 * g]!, this.xy[2 * g + 1]!);
        boxes.push(box.minX, box.minY, box.maxX, box.maxY);
      }
    }
    this.blockFirst[n] = boxes.length / 4;
    this.blockBox = Float64Array.from(boxes);
    this.margin = margin;
    this.marginSq = margin * margin;
  }

  /** Extent of the routes grown by the corridor margin (east-west margin widened by 1 / kMin). */
  extent(kMin: number): Box {
    const box = new Box();
    for (let i = 0; i < this.xy.length; i += 2) box.add(this.xy[i]!, this.xy[i + 1]!, this.margin / kMin, this.margin);
    return box;
  }

  /** Registers every segment in the cells within `margin` (east-west: margin / kMin) of it. */
  index(grid: Grid, kMin: number): void {
    const padX = this.margin / kMin + 1;
    const padY = this.margin + 1;
    const { xy, first } = this;
    const segRoute = new Int32Array(xy.length / 2);
    const lists = buildCellLists(grid.cellCount, (add) => {
      for (let r = 0; r < this.ids.length; r++) {
        for (let g = first[r]!, last = first[r + 1]! - 1; g < last; g++) {
          segRoute[g] = r;
          const x1 = xy[2 * g]!;
          const y1 = xy[2 * g + 1]!;
          const x2 = xy[2 * g + 2]!;
          const y2 = xy[2 * g + 3]!;
          forCellsInBox(
            grid,
            Math.min(x1, x2) - padX,
            Math.min(y1, y2) - padY,
            Math.max(x1, x2) + padX,
            Math.max(y1, y2) + padY,
            (cell) => add(cell, g),
          );
        }
      }
    });
    this.cellStart = lists.start;
    this.cellSeg = lists.items;
    this.cellRoute = new Int32Array(lists.items.length);
    for (let i = 0; i < lists.items.length; i++) this.cellRoute[i] = segRoute[lists.items[i]!]!;
  }

  /** Segment (offset within its route) found nearest by the last `distance` call. */
  nearestSegment = -1;

  /**
   * A segment of route r within its corridor of p, searched outward from segment `expected`
   * (where the vehicle should be, from its last fixes): the offset of the first one found, or -1
   * if none lies within WALK segments. Vehicles move along their route, so this is a short
   * sequential read instead of a grid search; a miss proves nothing (callers fall back).
   */
  segmentWithin(r: number, p: ProjectedPoint, expected: number): number {
    const first = this.first[r]!;
    const segments = this.first[r + 1]! - first - 1;
    if (expected < 0) return -1;
    const hint = expected < segments ? expected : segments - 1;
    const xy = this.xy;
    const { x, y, k } = p;
    const limit = this.halfWidth[r]!;
    const limitSq = limit * limit;
    for (let step = 0; step <= WALK; step++) {
      const ahead = hint + step;
      if (ahead < segments) {
        const g = first + ahead;
        const o = 2 * g;
        if (originToSegmentSq((xy[o]! - x) * k, xy[o + 1]! - y, (xy[o + 2]! - x) * k, xy[o + 3]! - y) <= limitSq) {
          return ahead;
        }
      }
      const behind = hint - step;
      if (step > 0 && behind >= 0) {
        const g = first + behind;
        const o = 2 * g;
        if (originToSegmentSq((xy[o]! - x) * k, xy[o + 1]! - y, (xy[o + 2]! - x) * k, xy[o + 3]! - y) <= limitSq) {
          return behind;
        }
      }
    }
    return -1;
  }

  /**
   * Distance in metres from the projected point (x, y) to route r; k is the east-west scale at
   * the point's latitude. One cell scan when the route passes within `margin`; otherwise (the
   * vehicle is well off its corridor, rare) an exact scan of the whole route.
   */
  distance(r: number, p: ProjectedPoint, cell: number): number {
    const xy = this.xy;
    const { x, y, k } = p;
    if (cell >= 0) {
      const routeOf = this.cellRoute;
      let lo = this.cellStart[cell]!;
      let hi = this.cellStart[cell + 1]!;
      // First entry of route r in this cell.
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (routeOf[mid]! < r) lo = mid + 1;
        else hi = mid;
      }
      const end = this.cellStart[cell + 1]!;
      let best = FAR;
      let nearest = -1;
      for (let i = lo; i < end && routeOf[i] === r; i++) {
        const g = this.cellSeg[i]!;
        const o = 2 * g;
        const d = originToSegmentSq((xy[o]! - x) * k, xy[o + 1]! - y, (xy[o + 2]! - x) * k, xy[o + 3]! - y);
        if (d < best) {
          best = d;
          nearest = g;
        }
      }
      if (best <= this.marginSq) {
        this.nearestSegment = nearest - this.first[r]!;
        return Math.sqrt(best);
      }
    }
    return Math.sqrt(this.scan(r, x, y, k));
  }

  /**
   * Squared distance to the whole route (a vehicle well off its corridor): blocks of segments
   * whose box is already farther than the best so far are skipped, so a long route costs a
   * pass over its block boxes and a few blocks, not every segment.
   */
  private scan(r: number, x: number, y: number, k: number): number {
    const { xy, blockBox } = this;
    const first = this.first[r]!;
    const last = this.first[r + 1]! - 1;
    let best = FAR;
    let nearest = -1;
    for (let b = this.blockFirst[r]!, end = this.blockFirst[r + 1]!; b < end; b++) {
      const q = 4 * b;
      const bx = x < blockBox[q]! ? blockBox[q]! - x : x > blockBox[q + 2]! ? x - blockBox[q + 2]! : 0;
      const by = y < blockBox[q + 1]! ? blockBox[q + 1]! - y : y > blockBox[q + 3]! ? y - blockBox[q + 3]! : 0;
      if (bx * bx * k * k + by * by >= best) continue;
      const from = first + (b - this.blockFirst[r]!) * BLOCK;
      const to = Math.min(from + BLOCK, last);
      for (let g = from; g < to; g++) {
        const o = 2 * g;
        const d = originToSegmentSq((xy[o]! - x) * k, xy[o + 1]! - y, (xy[o + 2]! - x) * k, xy[o + 3]! - y);
        if (d < best) {
          best = d;
          nearest = g;
        }
      }
    }
    this.nearestSegment = nearest - first;
    return best;
  }
}
