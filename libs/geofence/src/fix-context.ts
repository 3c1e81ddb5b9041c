import type { RulePolicy } from './config.js';
import type { Episode } from './episode.js';
import { PointScratch, type ProjectedPoint } from './geometry.js';
import { zoneCoversLoad } from './hazard-class.js';
import { localWeekMinute } from './local-time.js';
import { NONE, ROUTE_INDEX, ROUTE_SEGMENT, ROUTE_STEP, type EngineState } from './state.js';
import type {
  Assignment,
  EngineConfig,
  EvidencePoint,
  FacilityPassage,
  Fix,
  RuleCode,
  ViolationEvent,
} from './types.js';
import type { WorldIndex } from './world-index.js';

/**
 * Per-fix working set, owned by the engine and reused for every fix (evaluate is synchronous),
 * so the fast path allocates nothing: derived facts (position in the grid, distance from the
 * route, zones containing the fix) are computed at most once per fix, and only when a rule asks.
 */
export class FixContext implements ProjectedPoint {
  state: EngineState;
  assignment: Assignment | null = null;
  fix: Fix;
  // Numbers that hold doubles start as NaN, not 0: V8 then stores them as doubles from the
  // first fix on, instead of switching representation (and discarding optimised code) mid-run.
  ts = NaN;
  /** An assignment in force at ts; loaded = active and carrying a load. */
  active = false;
  loaded = false;
  /** Index of the assigned route in the world, or -1. */
  route = -1;
  /** Accuracy worse than the corridor half-width: spatial rules neither advance nor reset. */
  inaccurate = false;
  /** Late fixes must leave the state untouched, hints included. */
  private readOnly = true;
  /** The route was looked up by id (the state's hint did not name it). */
  private routeResolved = false;

  located = false;
  x = NaN;
  y = NaN;
  /** East-west metre scale at the fix (LocalProjection.eastScale), set by begin. */
  k = NaN;
  cell = -1;
  row = -1;
  private deviation = NaN;
  /** -1 unknown, 0 off, 1 on the assigned route's corridor. */
  private corridor = -1;

  private zonesScanned = false;
  /** Zones in force (schedule) containing the fix: zones[0 .. zoneCount). */
  zoneCount = 0;
  zones = new Int32Array(16);
  private weekMinute = -1;

  private point: EvidencePoint | null = null;
  events: ViolationEvent[] | null = null;
  passages: FacilityPassage[] | null = null;

  /** Scratch for sparse-segment checks: the segment's start, the cells it crosses, the zones judged. */
  readonly segmentStart = new PointScratch();
  readonly segmentCells: Int32Array;
  readonly seenZones: Int32Array;
  /** Scratch for the facilities whose fences contain the fix (FacilityIndex.coveringInto). */
  readonly covering: Int32Array;

  constructor(
    readonly index: WorldIndex,
    readonly config: EngineConfig,
    readonly policies: Record<RuleCode, RulePolicy>,
  ) {
    this.segmentCells = index.grid.segmentScratch();
    this.seenZones = new Int32Array(index.zones.ids.length);
    this.covering = new Int32Array(Math.max(1, index.facilities.ids.length));
  }

  /** Starts a fix read-only (a late fix must leave the state untouched, hints included). */
  begin(state: EngineState, assignment: Assignment | null, fix: Fix): void {
    this.state = state;
    this.fix = fix;
    this.readOnly = true;
    this.k = this.index.projection.eastScale(fix.lat);
    this.prepare(assignment, fix.ts);
    const routeId = this.active ? assignment!.routeId : null;
    this.routeResolved = false;
    this.route = routeId === null ? -1 : this.resolveRoute(routeId, state.track[ROUTE_INDEX]!);
    const acc = fix.accuracyM;
    this.inaccurate = this.route >= 0 && acc !== null && acc > this.index.routes.halfWidth[this.route]!;
    this.located = false;
    this.cell = -1;
    this.deviation = NaN;
    this.corridor = -1;
    this.zonesScanned = false;
    this.zoneCount = 0;
    this.point = null;
  }

  /** The fix is in order and usable: rules may now update the state. */
  commit(): void {
    this.readOnly = false;
    if (this.routeResolved) {
      // The hint named another route (or none): remember this one, and forget its segment.
      this.state.track[ROUTE_INDEX] = this.route;
      this.state.track[ROUTE_SEGMENT] = NONE;
      this.state.track[ROUTE_STEP] = 0;
    }
  }

  /** For tick: only the assignment and the time are known. */
  beginTick(state: EngineState, assignment: Assignment | null, now: number): void {
    this.state = state;
    this.readOnly = false;
    this.prepare(assignment, now);
    this.route = -1;
  }

  private prepare(assignment: Assignment | null, ts: number): void {
    this.assignment = assignment;
    this.ts = ts;
    this.active = assignment !== null && assignment.validFrom <= ts && ts <= assignment.validTo;
    this.loaded = this.active && assignment!.loaded;
    this.weekMinute = -1;
    this.events = null;
    this.passages = null;
  }

  /** World index of the route, via the state's hint when it still names this route. */
  private resolveRoute(routeId: string, hinted: number): number {
    const routes = this.index.routes;
    if (hinted >= 0 && hinted < routes.ids.length && routes.ids[hinted] === routeId) return hinted;
    const r = routes.byId.get(routeId) ?? -1;
    this.routeResolved = true;
    return r;
  }

  /** Projects the fix into the grid (once). */
  locate(): void {
    if (this.located) return;
    this.located = true;
    const { projection, grid } = this.index;
    this.x = projection.x(this.fix.lon);
    this.y = projection.y(this.fix.lat);
    this.cell = grid.cellOf(this);
    this.row = grid.rowOfPoint(this);
  }

  /** Is the fix within the assigned route's corridor (requires route >= 0)? */
  onCorridor(): boolean {
    if (this.corridor < 0) {
      this.locate();
      const routes = this.index.routes;
      const track = this.state.track;
      const last = track[ROUTE_SEGMENT]! | 0;
      let segment = routes.segmentWithin(
        this.route,
        this,
        last < 0 ? -1 : Math.max(0, last + (track[ROUTE_STEP]! | 0)),
      );
      if (segment < 0 && this.deviationM() <= routes.halfWidth[this.route]!) segment = routes.nearestSegment;
      this.corridor = segment >= 0 ? 1 : 0;
      if (segment >= 0 && !this.readOnly) {
        track[ROUTE_STEP] = last < 0 ? 0 : segment - last;
        track[ROUTE_SEGMENT] = segment;
      }
    }
    return this.corridor === 1;
  }

  /** Exact distance in metres from the assigned route's centre line (requires route >= 0). */
  deviationM(): number {
    if (Number.isNaN(this.deviation)) {
      this.locate();
      this.deviation = this.index.routes.distance(this.route, this, this.cell);
    }
    return this.deviation;
  }

  localWeekMinute(): number {
    if (this.weekMinute < 0) this.weekMinute = localWeekMinute(this.ts);
    return this.weekMinute;
  }

  /** Fills zones[0 .. zoneCount) with the zones in force that contain the fix (once). */
  scanZones(): void {
    if (this.zonesScanned) return;
    this.zonesScanned = true;
    this.locate();
    this.zoneCount = 0;
    const cell = this.cell;
    if (cell < 0) return;
    const zi = this.index.zones;
    for (let i = zi.cellStart[cell]!, end = zi.cellStart[cell + 1]!; i < end; i++) {
      const z = zi.entryZone[i]!;
      const schedule = zi.schedules[z];
      if (schedule !== null && schedule[this.localWeekMinute()] === 0) continue;
      if (!zi.entryContains(i, this.row, this)) continue;
      if (this.zoneCount === this.zones.length) {
        const grown = new Int32Array(this.zones.length * 2);
        grown.set(this.zones);
        this.zones = grown;
      }
      this.zones[this.zoneCount++] = z;
    }
  }

  /** Does zone z's class filter cover the current load? */
  zoneAppliesToLoad(z: number): boolean {
    const classes = this.index.zones.classes[z]!;
    return classes.length === 0 || zoneCoversLoad(classes, this.assignment?.hazardClasses ?? []);
  }

  /** Would being inside zone z (in force) be an intrusion for this vehicle and load? */
  intrusionApplies(z: number): boolean {
    const zi = this.index.zones;
    return zi.kinds[z] !== 'parking' && this.zoneAppliesToLoad(z) && !zi.exempt[z]?.has(this.state.vehicleId);
  }

  /**
   * The current fix as evidence: one object per fix, shared by every episode it belongs to and
   * by the events that carry it, so it is frozen (a consumer editing an event cannot alter the
   * evidence of a violation still open).
   */
  evidence(): EvidencePoint {
    const f = this.fix;
    return (this.point ??= Object.freeze({ ts: f.ts, lon: f.lon, lat: f.lat, speedKmh: f.speedKmh }));
  }

  /** A facility fence entered or left at this fix, under the assignment's waybill. */
  passage(kind: FacilityPassage['kind'], facilityId: string, waybillId: string): void {
    const f = this.fix;
    (this.passages ??= []).push({
      kind,
      vehicleId: this.state.vehicleId,
      facilityId,
      waybillId,
      ts: f.ts,
      lon: f.lon,
      lat: f.lat,
      speedKmh: f.speedKmh,
    });
  }

  emit(kind: 'opened' | 'closed', rule: RuleCode, ep: Episode, closedAt: number | null): void {
    const a = this.active ? this.assignment! : null;
    const event: ViolationEvent = {
      kind,
      rule,
      vehicleId: this.state.vehicleId,
      targetId: ep.target,
      severity: this.policies[rule].severity,
      openedAt: ep.firstTs,
      at: this.ts,
      closedAt,
      firstPoint: ep.first,
      worstPoint: ep.worst,
      maxValue: ep.maxValue,
      points: ep.points.slice(),
      waybillId: a ? a.waybillId : null,
      chemicalIds: a ? a.chemicalIds.slice() : [],
      detail: { ...ep.detail },
    };
    (this.events ??= []).push(event);
  }
}
