import type { Grid } from './grid.js';

/**
 * Where the restricted zones are not, per grid cell: most sparse segments (consecutive fixes
 * hundreds of metres apart) lie far from every intrusion-kind zone, and these answers spare them
 * the grid walk of the crossing test.
 */
export class ZoneProximity {
  /** Chebyshev distance, in cells, to the nearest cell a restricted zone meets (capped at 255). */
  private readonly clearance: Uint8Array;
  /** Summed-area table of the cells restricted zones meet, (cols + 1) × (rows + 1). */
  private readonly sums: Int32Array;

  /** `occupied[cell]` is 1 where some intrusion-kind (not parking) zone meets the cell. */
  constructor(
    private readonly grid: Grid,
    occupied: Uint8Array,
  ) {
    const { cols, rows } = grid;
    const w = cols + 1;
    this.sums = new Int32Array(w * (rows + 1));
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const S = this.sums;
        S[(r + 1) * w + c + 1] = occupied[r * cols + c]! + S[r * w + c + 1]! + S[(r + 1) * w + c]! - S[r * w + c]!;
      }
    }
    // Breadth-first from every occupied cell over the 8 neighbours: Chebyshev distances.
    this.clearance = new Uint8Array(grid.cellCount).fill(255);
    const queue = new Int32Array(grid.cellCount);
    let head = 0;
    let tail = 0;
    for (let cell = 0; cell < grid.cellCount; cell++) {
      if (occupied[cell] === 1) {
        this.clearance[cell] = 0;
        queue[tail++] = cell;
      }
    }
    while (head < tail) {
      const cell = queue[head++]!;
      const next = this.clearance[cell]! + 1;
      if (next >= 255) continue;
      const c = cell % cols;
      const r = (cell - c) / cols;
      for (let nr = Math.max(0, r - 1); nr <= Math.min(rows - 1, r + 1); nr++) {
        for (let nc = Math.max(0, c - 1); nc <= Math.min(cols - 1, c + 1); nc++) {
          const n = nr * cols + nc;
          if (this.clearance[n]! > next) {
            this.clearance[n] = next;
            queue[tail++] = n;
          }
        }
      }
    }
  }

  /** Does no restricted zone meet any cell within `cells` (Chebyshev) of `cell`? One read. */
  clearAround(cell: number, cells: number): boolean {
    return this.clearance[cell]! > cells;
  }

  /** Does a restricted zone meet the block of cells cols c0..c1, rows r0..r1 (clamped)? Four reads. */
  anyIn(c0: number, r0: number, c1: number, r1: number): boolean {
    const g = this.grid;
    const w = g.cols + 1;
    const x0 = g.clampCol(c0);
    const x1 = g.clampCol(c1) + 1;
    const y0 = g.clampRow(r0);
    const y1 = g.clampRow(r1) + 1;
    const S = this.sums;
    return S[y1 * w + x1]! - S[y0 * w + x1]! - S[y1 * w + x0]! + S[y0 * w + x0]! > 0;
  }
}
