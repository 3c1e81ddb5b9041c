import {
  Box,
  crossesRay,
  PointScratch,
  segmentTouchesBox,
  segmentsIntersect,
  type ProjectedPoint,
} from './geometry.js';
import { buildCellLists, forCellsInBox, Grid } from './grid.js';
import { normaliseClass } from './hazard-class.js';
import { compileSchedule } from './local-time.js';
import type { LocalProjection } from './projection.js';
import type { ZoneDef, ZoneKind } from './types.js';
import { ZoneProximity } from './zone-proximity.js';

export const CELL_INSIDE = 1;
export const CELL_BOUNDARY = 2;

/**
 * Zones as flat projected edges, with two indexes:
 * - per zone and grid row, the edges whose y-range meets the row: an exact even–odd ray cast for
 *   a point only needs its own row's edges (a handful, not the whole ring);
 * - per cell, the zones it meets, each classified inside (no edge touches the cell and its centre
 *   is inside: every point of the cell is) or boundary (some edge touches the cell; those edges
 *   are kept for segment crossing tests). Cells wholly outside a zone are not listed.
 * So most containment tests are a cell lookup; boundary cells cost one row ray cast.
 */
export class ZoneIndex {
  readonly ids: string[];
  readonly kinds: ZoneKind[];
  readonly speedLimit: Float64Array;
  /** One byte per minute of the local week, or null for zones always in force. */
  readonly schedules: Array<Uint8Array | null>;
  readonly classes: string[][];
  readonly exempt: Array<ReadonlySet<string> | null>;
  /** Edge quads [x1, y1, x2, y2] of every ring of zone z: edgeStart[z] .. edgeStart[z + 1] - 1. */
  readonly edges: Float64Array;
  readonly edgeStart: Int32Array;
  readonly boxes: Box[];

  private grid = new Grid(0, 0, 1, 1, 1);
  private rowFirst = new Int32Array(0);
  private rowCount = new Int32Array(0);
  private rowBase = new Int32Array(0);
  private rowPtr = new Int32Array(1);
  private rowEdges = new Int32Array(0);

  cellStart = new Int32Array(1);
  entryZone = new Int32Array(0);
  entryStatus = new Uint8Array(0);
  /** Where restricted (intrusion-kind) zones are not: see ZoneProximity. */
  proximity: ZoneProximity;
  private entryEdgeStart = new Int32Array(0);
  private entryEdgeEnd = new Int32Array(0);
  private cellEdges = new Int32Array(0);

  constructor(zones: readonly ZoneDef[], projection: LocalProjection) {
    const n = zones.length;
    this.ids = zones.map((z) => z.id);
    this.kinds = zones.map((z) => z.kind);
    this.speedLimit = Float64Array.from(zones, (z) => z.speedLimitKmh ?? NaN);
    this.schedules = zones.map((z) => (z.schedule ? compileSchedule(z.schedule) : null));
    this.classes = zones.map((z) => z.hazardClasses.map(normaliseClass));
    this.exempt = zones.map((z) => (z.exemptVehicleIds.length > 0 ? new Set(z.exemptVehicleIds) : null));
    this.edgeStart = new Int32Array(n + 1);
    this.boxes = [];
    const quads: number[] = [];
    zones.forEach((zone, z) => {
      this.edgeStart[z] = quads.length / 4;
      const box = new Box();
      for (const polygon of zone.polygons) {
        for (const ring of polygon) {
          // Rings may or may not repeat their first position at the end; both close the ring.
          const closed = ring.length > 1 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1];
          const m = closed ? ring.length - 1 : ring.length;
          for (let i = 0; i < m; i++) {
            const [lon1, lat1] = ring[i]!;
            const [lon2, lat2] = ring[(i + 1) % m]!;
            const x1 = projection.x(lon1);
            const y1 = projection.y(lat1);
            const x2 = projection.x(lon2);
            const y2 = projection.y(lat2);
            box.add(x1, y1);
            if (x1 !== x2 || y1 !== y2) quads.push(x1, y1, x2, y2);
          }
        }
      }
      this.boxes.push(box);
    });
    this.edgeStart[n] = quads.length / 4;
    this.edges = Float64Array.from(quads);
  }

  extent(): Box {
    const box = new Box();
    for (const b of this.boxes) box.addBox(b);
    return box;
  }

  index(grid: Grid): void {
    this.grid = grid;
    this.indexRows(grid);
    this.indexCells(grid);
  }

  /** Is the projected point inside zone z (holes are outside)? Exact, any point. */
  contains(z: number, p: ProjectedPoint): boolean {
    return this.rayCast(z, this.grid.rowOfPoint(p), p);
  }

  /** Containment for cell entry i of the point's own cell (row = the point's row). */
  entryContains(i: number, row: number, p: ProjectedPoint): boolean {
    return this.entryStatus[i] === CELL_INSIDE || this.rayCast(this.entryZone[i]!, row, p);
  }

  /** Does the segment a–b meet one of the zone's edges registered in entry i's cell? */
  entryEdgesHit(i: number, a: ProjectedPoint, b: ProjectedPoint): boolean {
    const E = this.edges;
    const { x: ax, y: ay } = a;
    const { x: bx, y: by } = b;
    for (let j = this.entryEdgeStart[i]!, end = this.entryEdgeEnd[i]!; j < end; j++) {
      const e = this.cellEdges[j]! * 4;
      if (segmentsIntersect(ax, ay, bx, by, E[e]!, E[e + 1]!, E[e + 2]!, E[e + 3]!)) return true;
    }
    return false;
  }

  /** Even–odd ray cast over the zone's edges of one grid row (the point's). */
  rayCast(z: number, row: number, p: ProjectedPoint): boolean {
    const { x, y } = p;
    const rel = row - this.rowFirst[z]!;
    if (rel < 0 || rel >= this.rowCount[z]!) return false;
    const slot = this.rowBase[z]! + rel;
    const E = this.edges;
    let inside = false;
    for (let i = this.rowPtr[slot]!, end = this.rowPtr[slot + 1]!; i < end; i++) {
      const e = this.rowEdges[i]! * 4;
      if (crossesRay(x, y, E[e]!, E[e + 1]!, E[e + 2]!, E[e + 3]!)) inside = !inside;
    }
    return inside;
  }

  private indexRows(grid: Grid): void {
    const n = this.ids.length;
    this.rowFirst = new Int32Array(n);
    this.rowCount = new Int32Array(n);
    this.rowBase = new Int32Array(n);
    let total = 0;
    for (let z = 0; z < n; z++) {
      const box = this.boxes[z]!;
      if (box.empty) continue;
      const r0 = grid.clampRow(grid.rowOf(box.minY));
      this.rowFirst[z] = r0;
      this.rowCount[z] = grid.clampRow(grid.rowOf(box.maxY)) - r0 + 1;
      this.rowBase[z] = total;
      total += this.rowCount[z]!;
    }
    const E = this.edges;
    const rowsOfEdge = (z: number, e: number, fn: (slot: number) => void): void => {
      const lo = grid.clampRow(grid.rowOf(Math.min(E[4 * e + 1]!, E[4 * e + 3]!)));
      const hi = grid.clampRow(grid.rowOf(Math.max(E[4 * e + 1]!, E[4 * e + 3]!)));
      for (let r = lo; r <= hi; r++) fn(this.rowBase[z]! + r - this.rowFirst[z]!);
    };
    const lists = buildCellLists(total, (add) => {
      for (let z = 0; z < n; z++) {
        for (let e = this.edgeStart[z]!; e < this.edgeStart[z + 1]!; e++) rowsOfEdge(z, e, (slot) => add(slot, e));
      }
    });
    this.rowPtr = lists.start;
    this.rowEdges = lists.items;
  }

  private indexCells(grid: Grid): void {
    const cs = grid.cellSize;
    const eps = 1e-3;
    const E = this.edges;
    const recCell: number[] = [];
    const recZone: number[] = [];
    const recStatus: number[] = [];
    const recEdges: Array<number[] | null> = [];
    const centre = new PointScratch();
    for (let z = 0; z < this.ids.length; z++) {
      const box = this.boxes[z]!;
      if (box.empty) continue;
      const c0 = grid.clampCol(grid.colOf(box.minX));
      const r0 = grid.clampRow(grid.rowOf(box.minY));
      const w = grid.clampCol(grid.colOf(box.maxX)) - c0 + 1;
      const h = grid.clampRow(grid.rowOf(box.maxY)) - r0 + 1;
      const touching: Array<number[] | undefined> = Array.from({ length: w * h });
      for (let e = this.edgeStart[z]!; e < this.edgeStart[z + 1]!; e++) {
        const [x1, y1, x2, y2] = [E[4 * e]!, E[4 * e + 1]!, E[4 * e + 2]!, E[4 * e + 3]!];
        const minX = Math.min(x1, x2);
        const minY = Math.min(y1, y2);
        forCellsInBox(grid, minX - eps, minY - eps, Math.max(x1, x2) + eps, Math.max(y1, y2) + eps, (_, c, r) => {
          const cx = grid.minX + c * cs;
          const cy = grid.minY + r * cs;
          if (segmentTouchesBox(x1, y1, x2, y2, cx - eps, cy - eps, cx + cs + eps, cy + cs + eps)) {
            (touching[(r - r0) * w + (c - c0)] ??= []).push(e);
          }
        });
      }
      for (let i = 0; i < w * h; i++) {
        const c = c0 + (i % w);
        const r = r0 + Math.floor(i / w);
        const edges = touching[i];
        let status = 0;
        if (edges) status = CELL_BOUNDARY;
        else {
          centre.x = grid.minX + (c + 0.5) * cs;
          centre.y = grid.minY + (r + 0.5) * cs;
          if (this.rayCast(z, r, centre)) status = CELL_INSIDE;
        }
        if (status === 0) continue;
        recCell.push(r * grid.cols + c);
        recZone.push(z);
        recStatus.push(status);
        recEdges.push(edges ?? null);
      }
    }
    const lists = buildCellLists(grid.cellCount, (add) => {
      for (let i = 0; i < recCell.length; i++) add(recCell[i]!, i);
    });
    const m = lists.items.length;
    this.cellStart = lists.start;
    this.entryZone = new Int32Array(m);
    this.entryStatus = new Uint8Array(m);
    this.entryEdgeStart = new Int32Array(m);
    this.entryEdgeEnd = new Int32Array(m);
    let edgeCount = 0;
    for (const list of recEdges) edgeCount += list?.length ?? 0;
    this.cellEdges = new Int32Array(edgeCount);
    let at = 0;
    for (let i = 0; i < m; i++) {
      const rec = lists.items[i]!;
      this.entryZone[i] = recZone[rec]!;
      this.entryStatus[i] = recStatus[rec]!;
      this.entryEdgeStart[i] = at;
      for (const e of recEdges[rec] ?? []) this.cellEdges[at++] = e;
      this.entryEdgeEnd[i] = at;
    }
    const occupied = new Uint8Array(grid.cellCount);
    for (let cell = 0; cell < grid.cellCount; cell++) {
      for (let i = this.cellStart[cell]!; i < this.cellStart[cell + 1]!; i++) {
        if (this.kinds[this.entryZone[i]!] !== 'parking') occupied[cell] = 1;
      }
    }
    this.proximity = new ZoneProximity(grid, occupied);
  }
}
