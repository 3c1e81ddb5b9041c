import { Box, edgesContain, edgesDistanceSq, type ProjectedPoint } from './geometry.js';
import { buildCellLists, forCellsInBox, type Grid } from './grid.js';
import type { LocalProjection } from './projection.js';
import type { FacilityFence } from './types.js';

/**
 * Registered facility fences (a polygon grown by radiusM, or a circle of radiusM around a point),
 * listed in every cell their grown box overlaps. Consulted when a loaded vehicle has been stopped
 * long enough to matter, and on each fix of a vehicle on an e-waybill (its passages through the
 * fences): the exact test is a plain scan of the cell's few fences, usually none.
 */
export class FacilityIndex {
  readonly ids: string[];
  private readonly radius: Float64Array;
  /** Point facilities: projected point; polygon facilities: NaN. */
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  private readonly edges: Float64Array;
  private readonly edgeStart: Int32Array;
  private readonly boxes: Box[] = [];
  private cellStart = new Int32Array(1);
  private cellItems = new Int32Array(0);
  /**
   * One bit per grid cell: does any fence list it? Every fix of a vehicle on an e-waybill asks,
   * and most cells have none; this is 32 times smaller than cellStart, so it stays in cache.
   */
  private occupied = new Uint32Array(1);

  constructor(facilities: readonly FacilityFence[], projection: LocalProjection) {
    const n = facilities.length;
    this.ids = facilities.map((f) => f.id);
    this.radius = Float64Array.from(facilities, (f) => f.radiusM);
    this.px = new Float64Array(n).fill(NaN);
    this.py = new Float64Array(n).fill(NaN);
    this.edgeStart = new Int32Array(n + 1);
    const quads: number[] = [];
    facilities.forEach((f, i) => {
      this.edgeStart[i] = quads.length / 4;
      const box = new Box();
      if (f.polygon) {
        for (const ring of f.polygon) {
          for (let j = 0; j < ring.length; j++) {
            const a = ring[j]!;
            const b = ring[(j + 1) % ring.length]!;
            const x1 = projection.x(a[0]);
            const y1 = projection.y(a[1]);
            box.add(x1, y1);
            quads.push(x1, y1, projection.x(b[0]), projection.y(b[1]));
          }
        }
      } else if (f.point) {
        this.px[i] = projection.x(f.point[0]);
        this.py[i] = projection.y(f.point[1]);
        box.add(this.px[i]!, this.py[i]!);
      }
      this.boxes.push(box);
    });
    this.edgeStart[n] = quads.length / 4;
    this.edges = Float64Array.from(quads);
  }

  /** Extent of the fences, grown by their radius (east-west by radius / kMin). */
  extent(kMin: number): Box {
    const box = new Box();
    this.boxes.forEach((b, i) => {
      if (b.empty) return;
      const r = this.radius[i]!;
      box.add(b.minX, b.minY, r / kMin, r);
      box.add(b.maxX, b.maxY, r / kMin, r);
    });
    return box;
  }

  index(grid: Grid, kMin: number): void {
    const lists = buildCellLists(grid.cellCount, (add) => {
      this.boxes.forEach((b, i) => {
        if (b.empty) return;
        const r = this.radius[i]! + 1;
        forCellsInBox(grid, b.minX - r / kMin, b.minY - r, b.maxX + r / kMin, b.maxY + r, (cell) => add(cell, i));
      });
    });
    this.cellStart = lists.start;
    this.cellItems = lists.items;
    this.occupied = new Uint32Array((grid.cellCount + 31) >>> 5);
    for (let cell = 0; cell < grid.cellCount; cell++)
      if (lists.start[cell + 1]! > lists.start[cell]!) this.occupied[cell >>> 5]! |= 1 << (cell & 31);
  }

  /** Is the projected point within some facility's fence? */
  covers(p: ProjectedPoint, cell: number): boolean {
    if (cell < 0) return false;
    for (let i = this.cellStart[cell]!, end = this.cellStart[cell + 1]!; i < end; i++) {
      if (this.contains(this.cellItems[i]!, p)) return true;
    }
    return false;
  }

  /**
   * Which facilities' fences contain the projected point: their indexes (into `ids`) are written
   * to out[0 .. count), and the count returned. `out` must hold ids.length entries; the caller
   * reuses one array, so the per-fix path allocates nothing.
   */
  coveringInto(p: ProjectedPoint, cell: number, out: Int32Array): number {
    if (cell < 0 || (this.occupied[cell >>> 5]! & (1 << (cell & 31))) === 0) return 0;
    let count = 0;
    for (let i = this.cellStart[cell]!, end = this.cellStart[cell + 1]!; i < end; i++) {
      const f = this.cellItems[i]!;
      if (this.contains(f, p)) out[count++] = f;
    }
    return count;
  }

  /** Is the projected point within facility f's fence (its polygon or point, grown by its radius)? */
  private contains(f: number, p: ProjectedPoint): boolean {
    const { x, y, k } = p;
    const r = this.radius[f]!;
    const fx = this.px[f]!;
    if (!Number.isNaN(fx)) {
      const dx = (fx - x) * k;
      const dy = this.py[f]! - y;
      return dx * dx + dy * dy <= r * r;
    }
    const from = this.edgeStart[f]!;
    const to = this.edgeStart[f + 1]!;
    return edgesContain(this.edges, from, to, x, y) || edgesDistanceSq(this.edges, from, to, x, y, k) <= r * r;
  }
}
