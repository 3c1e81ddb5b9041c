import { clearFix, closeNow, hold, openIfDue } from './dwell.js';
import type { Episode } from './episode.js';
import type { FixContext } from './fix-context.js';
import { segmentTouchesBox, type ProjectedPoint } from './geometry.js';
import { localWeekMinute } from './local-time.js';
import { NONE, SPATIAL_LAT, SPATIAL_LON, SPATIAL_SPEED, SPATIAL_TS } from './state.js';
import type { EvidencePoint, RuleCode } from './types.js';
import { CELL_BOUNDARY } from './zone-index.js';

/**
 * ROUTE_DEVIATION (target = route id): a loaded vehicle farther from its assigned route's centre
 * line than the corridor half-width. Inaccurate fixes neither advance nor reset anything here.
 */
export function stepRouteDeviation(ctx: FixContext): void {
  if (ctx.inaccurate) return;
  const s = ctx.state;
  const r = ctx.loaded ? ctx.route : -1;
  let ep = s.route;
  if (r < 0 || ctx.onCorridor()) {
    if (ep !== null) s.route = clearFix(ctx, 'ROUTE_DEVIATION', ep);
    return;
  }
  // Off a newly assigned route while a deviation from the old one runs: the old one ends with
  // its assignment (one slot: a vehicle has one route at a time).
  if (ep !== null && ep.target !== ctx.index.routes.ids[r]) ep = closeNow(ctx, 'ROUTE_DEVIATION', ep);
  s.route = holdDeviation(ctx, ep, r, ctx.deviationM());
}

function holdDeviation(ctx: FixContext, ep: Episode | null, r: number, deviation: number): Episode {
  const d = Math.round(deviation * 10) / 10;
  const f = ctx.fix;
  const point: EvidencePoint = Object.freeze({ ts: f.ts, lon: f.lon, lat: f.lat, speedKmh: f.speedKmh, deviationM: d });
  const held = hold(ctx, ep, ctx.index.routes.ids[r]!, point, d, d);
  held.detail.halfWidthM = ctx.index.routes.halfWidth[r]!;
  openIfDue(ctx, 'ROUTE_DEVIATION', held);
  return held;
}

/**
 * ZONE_INTRUSION (target = zone id): a loaded vehicle inside a zone in force (schedule) of an
 * intrusion kind whose class filter covers the load and which exempts no pass held by it.
 */
export function stepZoneIntrusion(ctx: FixContext): void {
  if (ctx.inaccurate) return;
  const s = ctx.state;
  if (ctx.loaded) ctx.scanZones();
  const count = ctx.loaded ? ctx.zoneCount : 0;
  if (count === 0 && s.zones === null) return;
  const zi = ctx.index.zones;
  let episodes = s.zones;
  if (episodes !== null) {
    let kept = 0;
    for (const running of episodes) {
      const z = applicableZone(ctx, running.target, count);
      const ep = z >= 0 ? holdZone(ctx, running, z) : clearFix(ctx, 'ZONE_INTRUSION', running);
      if (ep !== null) episodes[kept++] = ep;
    }
    if (kept < episodes.length) episodes.length = kept;
  }
  for (let j = 0; j < count; j++) {
    const z = ctx.zones[j]!;
    if (ctx.intrusionApplies(z) && findEpisode(episodes, zi.ids[z]!) === null) {
      (episodes ??= []).push(holdZone(ctx, null, z));
    }
  }
  s.zones = episodes !== null && episodes.length > 0 ? episodes : null;
}

function findEpisode(episodes: readonly Episode[] | null, target: string): Episode | null {
  if (episodes !== null) for (const ep of episodes) if (ep.target === target) return ep;
  return null;
}

/** Index of the applicable containing zone with this id, or -1. */
function applicableZone(ctx: FixContext, id: string | null, count: number): number {
  const ids = ctx.index.zones.ids;
  for (let j = 0; j < count; j++) {
    const z = ctx.zones[j]!;
    if (ids[z] === id && ctx.intrusionApplies(z)) return z;
  }
  return -1;
}

function holdZone(ctx: FixContext, ep: Episode | null, z: number): Episode {
  const held = hold(ctx, ep, ctx.index.zones.ids[z]!, ctx.evidence(), ctx.ts, null);
  held.detail.zoneKind = ctx.index.zones.kinds[z]!;
  openIfDue(ctx, 'ZONE_INTRUSION', held);
  return held;
}

/**
 * Sparse fixes: when consecutive accurate fixes are more than sparseSegmentM apart, a zone the
 * straight segment between them crosses (neither fix inside it) is an intrusion that began and
 * ended between them: opened and closed at once, unless that zone's violation is already open.
 */
export function checkCrossings(ctx: FixContext): void {
  const s = ctx.state;
  const track = s.track;
  const fromTs = track[SPATIAL_TS]!;
  if (!ctx.loaded || ctx.inaccurate || fromTs === NONE) return;
  ctx.locate();
  const { projection, grid, zones } = ctx.index;
  const a = ctx.segmentStart;
  a.x = projection.x(track[SPATIAL_LON]!);
  a.y = projection.y(track[SPATIAL_LAT]!);
  a.k = ctx.k;
  const px = ctx.x - a.x;
  const py = ctx.y - a.y;
  const sparse = ctx.config.sparseSegmentM;
  if (px * px * ctx.k * ctx.k + py * py <= sparse * sparse) return;
  // Cheap exits. Every cell the segment touches lies within floor(length / cell size) + 1 cells
  // of the fix's own cell, and within the block of cells between its ends.
  if (
    ctx.cell >= 0 &&
    zones.proximity.clearAround(ctx.cell, Math.floor(Math.sqrt(px * px + py * py) / grid.cellSize) + 1)
  ) {
    return;
  }
  const ac = grid.colOfPoint(a);
  const ar = grid.rowOfPoint(a);
  const bc = grid.colOfPoint(ctx);
  const br = ctx.row;
  if (!zones.proximity.anyIn(Math.min(ac, bc), Math.min(ar, br), Math.max(ac, bc), Math.max(ar, br))) return;
  const cells = ctx.segmentCells;
  const n = grid.cellsOnSegment(a, ctx, cells);
  const seen = ctx.seenZones;
  let seenCount = 0;
  for (let c = 0; c < n; c++) {
    const cell = cells[c]!;
    for (let i = zones.cellStart[cell]!, end = zones.cellStart[cell + 1]!; i < end; i++) {
      const z = zones.entryZone[i]!;
      if (zones.kinds[z] === 'parking' || listed(seen, seenCount, z)) continue;
      if (zones.entryStatus[i] === CELL_BOUNDARY) {
        if (!zones.entryEdgesHit(i, a, ctx)) continue;
      } else if (!segmentMeetsCell(ctx, cell, a)) continue;
      seen[seenCount++] = z;
      if (!ctx.intrusionApplies(z)) continue;
      const schedule = zones.schedules[z];
      if (schedule && schedule[localWeekMinute(fromTs)] === 0 && schedule[ctx.localWeekMinute()] === 0) continue;
      if (zones.contains(z, a) || zones.contains(z, ctx)) continue;
      if (findEpisode(s.zones, zones.ids[z]!)?.open) continue;
      emitCrossing(ctx, z);
    }
  }
}

function listed(list: Int32Array, count: number, value: number): boolean {
  for (let i = 0; i < count; i++) if (list[i] === value) return true;
  return false;
}

/** Does the segment from a to the fix touch the cell? */
function segmentMeetsCell(ctx: FixContext, cell: number, a: ProjectedPoint): boolean {
  const g = ctx.index.grid;
  const x0 = g.minX + (cell % g.cols) * g.cellSize;
  const y0 = g.minY + Math.floor(cell / g.cols) * g.cellSize;
  return segmentTouchesBox(a.x, a.y, ctx.x, ctx.y, x0, y0, x0 + g.cellSize, y0 + g.cellSize);
}

function emitCrossing(ctx: FixContext, z: number): void {
  const t = ctx.state.track;
  const first: EvidencePoint = Object.freeze({
    ts: t[SPATIAL_TS]!,
    lon: t[SPATIAL_LON]!,
    lat: t[SPATIAL_LAT]!,
    speedKmh: t[SPATIAL_SPEED]!,
  });
  const second = ctx.evidence();
  const ep: Episode = {
    target: ctx.index.zones.ids[z]!,
    open: true,
    firstTs: first.ts,
    count: 2,
    clearCount: 0,
    clearSince: 0,
    first,
    worst: second,
    score: second.ts,
    maxValue: null,
    points: [first, second].slice(0, ctx.config.maxEvidencePoints),
    detail: { zoneKind: ctx.index.zones.kinds[z]!, crossing: true },
  };
  ctx.emit('opened', 'ZONE_INTRUSION', ep, null);
  ctx.emit('closed', 'ZONE_INTRUSION', ep, ctx.ts);
}

/** Point-in-time checks for a late fix (no dwell, no state): off the corridor, inside a zone. */
export function lateFindings(ctx: FixContext): Array<{ rule: RuleCode; targetId: string | null }> {
  const findings: Array<{ rule: RuleCode; targetId: string | null }> = [];
  if (!ctx.loaded || ctx.inaccurate) return findings;
  const { routes, zones } = ctx.index;
  const r = ctx.route;
  if (r >= 0 && !ctx.onCorridor()) findings.push({ rule: 'ROUTE_DEVIATION', targetId: routes.ids[r]! });
  ctx.scanZones();
  for (let j = 0; j < ctx.zoneCount; j++) {
    const z = ctx.zones[j]!;
    if (ctx.intrusionApplies(z)) findings.push({ rule: 'ZONE_INTRUSION', targetId: zones.ids[z]! });
  }
  return findings;
}
