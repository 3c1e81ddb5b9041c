import type { ProjectedPoint } from './geometry.js';

/** See geometry.ts: a local literal, not Infinity, keeps the walk's loop variables unboxed. */
const FAR = 1e300;

/**
 * A uniform grid over the projected world. Every index (route segments, zone edges, facilities)
 * is a compressed cell → items list (CSR: `start[cell]..start[cell + 1]` into `items`), built in
 * two passes over the same visitor so it costs two flat typed arrays and no per-cell objects.
 */
export class Grid {
  readonly cellCount: number;
  private readonly inv: number;

  constructor(
    readonly minX: number,
    readonly minY: number,
    readonly cellSize: number,
    readonly cols: number,
    readonly rows: number,
  ) {
    this.cellCount = cols * rows;
    this.inv = 1 / cellSize;
  }

  /** Column of x, unclamped (may be outside 0..cols-1). */
  colOf(x: number): number {
    return Math.floor((x - this.minX) * this.inv);
  }

  rowOf(y: number): number {
    return Math.floor((y - this.minY) * this.inv);
  }

  clampCol(c: number): number {
    return c < 0 ? 0 : c >= this.cols ? this.cols - 1 : c;
  }

  clampRow(r: number): number {
    return r < 0 ? 0 : r >= this.rows ? this.rows - 1 : r;
  }

  /** The cell holding (x, y), or -1 outside the grid. */
  cellAt(x: number, y: number): number {
    const c = Math.floor((x - this.minX) * this.inv);
    const r = Math.floor((y - this.minY) * this.inv);
    if (c < 0 || r < 0 || c >= this.cols || r >= this.rows) return -1;
    return r * this.cols + c;
  }

  /** cellAt for a point (an object, not loose doubles: see ProjectedPoint). */
  cellOf(p: ProjectedPoint): number {
    return this.cellAt(p.x, p.y);
  }

  /** Column of a point, unclamped. */
  colOfPoint(p: ProjectedPoint): number {
    return Math.floor((p.x - this.minX) * this.inv);
  }

  /** Row of a point, unclamped. */
  rowOfPoint(p: ProjectedPoint): number {
    return Math.floor((p.y - this.minY) * this.inv);
  }

  /** Scratch big enough for any segment's cells. */
  segmentScratch(): Int32Array {
    return new Int32Array(this.cols + this.rows + 4);
  }

  /**
   * Writes into `out` the cells the segment a→b passes through, in order (a grid walk after
   * Amanatides & Woo, clipped to the grid); returns how many. Cells only touched at a corner may
   * be skipped: callers test edges registered in every cell they touch, so nothing is missed.
   */
  cellsOnSegment(a: ProjectedPoint, b: ProjectedPoint, out: Int32Array): number {
    const inv = this.inv;
    const cols = this.cols;
    const rows = this.rows;
    let x0 = (a.x - this.minX) * inv;
    let y0 = (a.y - this.minY) * inv;
    let x1 = (b.x - this.minX) * inv;
    let y1 = (b.y - this.minY) * inv;
    if (!(x0 >= 0 && x0 < cols && y0 >= 0 && y0 < rows && x1 >= 0 && x1 < cols && y1 >= 0 && y1 < rows)) {
      // Rare: an end outside the grid. Clip to it (Liang–Barsky), in grid units.
      const dx = x1 - x0;
      const dy = y1 - y0;
      let t0 = 0;
      let t1 = 1;
      for (let side = 0; side < 4; side++) {
        const p = side === 0 ? -dx : side === 1 ? dx : side === 2 ? -dy : dy;
        const q = side === 0 ? x0 : side === 1 ? cols - x0 : side === 2 ? y0 : rows - y0;
        if (p === 0) {
          if (q < 0) return 0;
        } else if (p < 0) {
          if (q / p > t1) return 0;
          if (q / p > t0) t0 = q / p;
        } else {
          if (q / p < t0) return 0;
          if (q / p < t1) t1 = q / p;
        }
      }
      x1 = x0 + t1 * dx;
      y1 = y0 + t1 * dy;
      x0 += t0 * dx;
      y0 += t0 * dy;
    }
    let cx = this.clampCol(Math.floor(x0));
    let cy = this.clampRow(Math.floor(y0));
    const ex = this.clampCol(Math.floor(x1));
    const ey = this.clampRow(Math.floor(y1));
    const dx = x1 - x0;
    const dy = y1 - y0;
    const stepX = dx > 0 ? 1 : -1;
    const stepY = dy > 0 ? 1 : -1;
    const tDeltaX = dx === 0 ? FAR : Math.abs(1 / dx);
    const tDeltaY = dy === 0 ? FAR : Math.abs(1 / dy);
    let tMaxX = dx === 0 ? FAR : (dx > 0 ? cx + 1 - x0 : x0 - cx) * tDeltaX;
    let tMaxY = dy === 0 ? FAR : (dy > 0 ? cy + 1 - y0 : y0 - cy) * tDeltaY;
    let n = 0;
    out[n++] = cy * cols + cx;
    // A 4-connected walk from the first cell to the last takes exactly this many steps.
    for (let steps = Math.abs(ex - cx) + Math.abs(ey - cy); steps > 0 && n < out.length; steps--) {
      if (tMaxX < tMaxY ? cx !== ex : cy === ey) {
        cx += stepX;
        tMaxX += tDeltaX;
      } else {
        cy += stepY;
        tMaxY += tDeltaY;
      }
      out[n++] = cy * cols + cx;
    }
    return n;
  }
}

/** Cell lists in CSR form. */
export interface CellLists {
  start: Int32Array<ArrayBuffer>;
  items: Int32Array<ArrayBuffer>;
}

export type CellVisitor = (add: (cell: number, item: number) => void) => void;

/** Builds cell lists from a deterministic visitor (called twice: count, then fill). Items keep visit order. */
export function buildCellLists(cellCount: number, visit: CellVisitor): CellLists {
  const start = new Int32Array(cellCount + 1);
  visit((cell) => {
    start[cell + 1]!++;
  });
  for (let i = 0; i < cellCount; i++) start[i + 1]! += start[i]!;
  const items = new Int32Array(start[cellCount]!);
  const fill = start.slice(0, cellCount);
  visit((cell, item) => {
    items[fill[cell]!++] = item;
  });
  return { start, items };
}

/** Calls fn for every cell of the grid overlapping the box (clamped to the grid). */
export function forCellsInBox(
  grid: Grid,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
  fn: (cell: number, col: number, row: number) => void,
): void {
  const c0 = grid.colOf(minX);
  const c1 = grid.colOf(maxX);
  const r0 = grid.rowOf(minY);
  const r1 = grid.rowOf(maxY);
  if (c1 < 0 || r1 < 0 || c0 >= grid.cols || r0 >= grid.rows) return;
  const cc0 = grid.clampCol(c0);
  const cc1 = grid.clampCol(c1);
  const rr1 = grid.clampRow(r1);
  for (let r = grid.clampRow(r0); r <= rr1; r++) {
    for (let c = cc0; c <= cc1; c++) fn(r * grid.cols + c, c, r);
  }
}
