import { GeofenceEngine } from './engine.js';
import type { EngineOptions } from './config.js';
import { METRES_PER_DEGREE } from './projection.js';
import type {
  Assignment,
  EvaluationResult,
  Fix,
  RouteDef,
  RuleCode,
  VehicleState,
  ViolationEvent,
  World,
  ZoneDef,
} from './types.js';

/** Hand-built tracks for the specs: positions in metres east/north of a point in Wuxi. */
export const ORIGIN: [number, number] = [120.3, 31.5];
export const VEHICLE = 'V1';
/** A Monday, 10:00 local (UTC+8). */
export const T0 = Date.parse('2026-03-02T10:00:00+08:00');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/** The position `east`, `north` metres from `from` (turf's sphere, as the engine measures). */
export function at(east: number, north: number, from: [number, number] = ORIGIN): [number, number] {
  const [lon, lat] = from;
  return [lon + east / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180)), lat + north / METRES_PER_DEGREE];
}

/** A straight route running east from ORIGIN, a vertex every 100 m. */
export function eastRoute(id = 'R1', lengthM = 20_000, extra: Partial<RouteDef> = {}): RouteDef {
  const coordinates: Array<[number, number]> = [];
  for (let m = -1000; m <= lengthM; m += 100) coordinates.push(at(m, 0));
  return { id, coordinates, halfWidthM: 50, speedLimitKmh: null, expressway: false, ...extra };
}

/** A square zone of side `sideM` centred `east`, `north` of ORIGIN. */
export function squareZone(
  id: string,
  east: number,
  north: number,
  sideM: number,
  extra: Partial<ZoneDef> = {},
): ZoneDef {
  const h = sideM / 2;
  const ring = [at(east - h, north - h), at(east + h, north - h), at(east + h, north + h), at(east - h, north + h)];
  return {
    id,
    kind: 'ban',
    polygons: [[[...ring, ring[0]!]]],
    hazardClasses: [],
    schedule: null,
    exemptVehicleIds: [],
    speedLimitKmh: null,
    ...extra,
  };
}

export function world(parts: Partial<World> = {}): World {
  return { routes: [eastRoute()], zones: [], facilities: [], ...parts };
}

export function loaded(extra: Partial<Assignment> = {}): Assignment {
  return {
    routeId: 'R1',
    loaded: true,
    hazardClasses: ['3'],
    chemicalIds: ['C-ethanol'],
    waybillId: 'WB-1',
    validFrom: T0 - 24 * 3600 * SECOND,
    validTo: T0 + 7 * 24 * 3600 * SECOND,
    ...extra,
  };
}

export function fix(ts: number, position: [number, number], speedKmh = 54, extra: Partial<Fix> = {}): Fix {
  return {
    vehicleId: VEHICLE,
    ts,
    lon: position[0],
    lat: position[1],
    speedKmh,
    heading: 90,
    accuracyM: 5,
    alarmFlags: 0,
    ...extra,
  };
}

/** Evaluates fixes in order, keeping every result. */
export class Drive {
  readonly engine: GeofenceEngine;
  state: VehicleState;
  readonly results: EvaluationResult[] = [];
  readonly events: ViolationEvent[] = [];

  constructor(w: World = world(), options?: EngineOptions) {
    this.engine = new GeofenceEngine(w, options);
    this.state = this.engine.newState(VEHICLE);
  }

  feed(assignment: Assignment | null, fixes: Fix[]): EvaluationResult[] {
    const out = fixes.map((f) => {
      const r = this.engine.evaluate(this.state, assignment, f);
      this.results.push(r);
      this.events.push(...r.events);
      return r;
    });
    return out;
  }

  tick(assignment: Assignment | null, now: number): ViolationEvent[] {
    const events = this.engine.tick(this.state, assignment, now);
    this.events.push(...events);
    return events;
  }

  of(rule: RuleCode, kind?: 'opened' | 'closed'): ViolationEvent[] {
    return this.events.filter((e) => e.rule === rule && (kind === undefined || e.kind === kind));
  }
}

/** Fixes every `everyS` seconds from `start`, moving east at `speedKmh` along y = `north(i)`. */
export function eastbound(
  start: number,
  count: number,
  options: {
    everyS?: number;
    speedKmh?: number;
    fromEast?: number;
    north?: (i: number) => number;
    extra?: (i: number) => Partial<Fix>;
  } = {},
): Fix[] {
  const everyS = options.everyS ?? 10;
  const speedKmh = options.speedKmh ?? 54;
  const out: Fix[] = [];
  for (let i = 0; i < count; i++) {
    const east = (options.fromEast ?? 0) + (i * everyS * speedKmh) / 3.6;
    out.push(fix(start + i * everyS * SECOND, at(east, options.north?.(i) ?? 0), speedKmh, options.extra?.(i)));
  }
  return out;
}

/** Fixes every `everyS` seconds standing still at `position`. */
export function standing(start: number, count: number, position: [number, number], everyS = 60): Fix[] {
  return Array.from({ length: count }, (_, i) => fix(start + i * everyS * SECOND, position, 0));
}

/** A small deterministic PRNG (mulberry32) for jitter and random geometry in specs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
