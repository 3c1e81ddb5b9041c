import {
  GeofenceEngine,
  type Assignment,
  type Disposition,
  type FacilityFence,
  type Fix,
  type RouteDef,
  type RuleCode,
  type VehicleState,
  type World,
  type ZoneDef,
  type ViolationEvent,
  type ZoneKind,
} from '@lib/geofence';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { prng } from '../libs/geofence/src/spec-helpers.js';

/**
 * bench:geofence — the geofence engine must evaluate at least 1,000,000 fixes per second on one
 * core with every rule active. A seeded synthetic city around Wuxi: 500 routes of ~300 vertices,
 * 200 star-shaped zones of ~100 vertices, 300 facilities, 10,000 vehicles reporting every 30 s
 * (the regulatory maximum for moving dangerous-goods vehicles), so consecutive fixes are
 * hundreds of metres apart and the sparse-segment crossing test runs on most of them. Some
 * vehicles leave their corridor, speed, stop for long, go silent, press the emergency button,
 * or report GPS spikes, duplicates and poor accuracy. The timed pass runs a freshly built engine
 * over fresh states after an untimed JIT warm-up pass on a throwaway engine (its cold rate goes
 * to stderr). One JSON line on stdout; the rest on stderr.
 */
const SEED = 0x5eed_2026;
const ROUTES = 500;
const ROUTE_VERTICES = 300;
const ZONES = 200;
const ZONE_VERTICES = 100;
const FACILITIES = 300;
const VEHICLES = 10_000;
const POINTS = 1_000_000;
const REPORT_MS = 30_000;
const TICK_MS = 30_000;
const BOX = { lonMin: 120.1, lonMax: 120.6, latMin: 31.3, latMax: 31.8 };
/** 21:40 local: night-only zones come into force during the run. */
const START = Date.parse('2026-03-02T13:40:00Z');
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const LOAD_CLASSES = ['3', '2.1', '2.3', '8', '6.1', '1.1D', '5.1'];
const ZONE_CLASSES = ['2', '3', '2.1', '8', '6.1', '1'];

const rand = prng(SEED);
const between = (lo: number, hi: number): number => lo + (hi - lo) * rand();
const chance = (p: number): boolean => rand() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function offset(lon: number, lat: number, eastM: number, northM: number): [number, number] {
  return [lon + eastM / (M_PER_DEG * Math.cos((lat * Math.PI) / 180)), lat + northM / M_PER_DEG];
}

const inBox = ([lon, lat]: [number, number]): boolean =>
  lon > BOX.lonMin && lon < BOX.lonMax && lat > BOX.latMin && lat < BOX.latMax;

/** Where a permitted route may not go: the circles around intrusion zones. */
interface Keepout {
  lon: number;
  lat: number;
  radiusM: number;
}

function blocked(keepouts: Keepout[], [lon, lat]: [number, number]): boolean {
  for (const k of keepouts) {
    const dx = (lon - k.lon) * Math.cos((lat * Math.PI) / 180) * M_PER_DEG;
    const dy = (lat - k.lat) * M_PER_DEG;
    if (dx * dx + dy * dy < k.radiusM * k.radiusM) return true;
  }
  return false;
}

/**
 * Random-walk roads. Permitted routes are drawn around restricted zones (that is what the
 * permit is for); a few (an old permit, a zone drawn since) ignore them.
 */
function makeRoutes(keepouts: Keepout[]): RouteDef[] {
  const routes: RouteDef[] = [];
  for (let r = 0; r < ROUTES; r++) {
    const avoid = chance(0.95) ? keepouts : [];
    let here: [number, number];
    do here = [between(BOX.lonMin + 0.03, BOX.lonMax - 0.03), between(BOX.latMin + 0.03, BOX.latMax - 0.03)];
    while (blocked(avoid, here));
    let heading = between(0, 2 * Math.PI);
    const coordinates: Array<[number, number]> = [here];
    while (coordinates.length < ROUTE_VERTICES) {
      heading += between(-0.25, 0.25);
      const step = between(50, 100);
      let next = here;
      for (let turn = 0; turn < 12; turn++) {
        // Try straight on, then ever sharper turns either way, then back.
        const h = heading + (turn === 0 ? 0 : (turn % 2 === 0 ? 1 : -1) * Math.ceil(turn / 2) * 0.5);
        const candidate = offset(here[0], here[1], Math.sin(h) * step, Math.cos(h) * step);
        if (inBox(candidate) && !blocked(avoid, candidate)) {
          next = candidate;
          heading = h;
          break;
        }
      }
      if (next === here) heading += Math.PI;
      else coordinates.push((here = next));
    }
    routes.push({
      id: `R${r}`,
      coordinates,
      halfWidthM: Math.round(between(50, 150)),
      speedLimitKmh: chance(0.3) ? null : pick([50, 60, 70, 80]),
      expressway: chance(0.2),
    });
  }
  return routes;
}

function ring(
  lon: number,
  lat: number,
  vertices: number,
  radius: () => number,
  reverse = false,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < vertices; i++) {
    const a = ((reverse ? -i : i) * 2 * Math.PI) / vertices;
    const r = radius();
    out.push(offset(lon, lat, Math.sin(a) * r, Math.cos(a) * r));
  }
  out.push(out[0]!);
  return out;
}

function makeZones(vehicleIds: string[]): ZoneDef[] {
  const zones: ZoneDef[] = [];
  for (let z = 0; z < ZONES; z++) {
    const lon = between(BOX.lonMin, BOX.lonMax);
    const lat = between(BOX.latMin, BOX.latMax);
    const radius = 200 + 1800 * rand() ** 1.5;
    const rings = [ring(lon, lat, ZONE_VERTICES, () => radius * between(0.6, 1))];
    if (chance(0.1)) rings.push(ring(lon, lat, 12, () => radius * 0.25, true));
    const u = rand();
    const kind: ZoneKind =
      u < 0.2 ? 'parking' : u < 0.55 ? 'ban' : u < 0.7 ? 'water_source' : u < 0.85 ? 'school' : 'tunnel';
    const s = rand();
    zones.push({
      id: `Z${z}`,
      kind,
      polygons: [rings],
      hazardClasses: chance(0.4) ? [...new Set([pick(ZONE_CLASSES), pick(ZONE_CLASSES)])] : [],
      schedule:
        s < 0.2
          ? { minutes: [[1320, 360]], weekdays: [1, 2, 3, 4, 5, 6, 7] }
          : s < 0.3
            ? { minutes: [[420, 1080]], weekdays: [1, 2, 3, 4, 5] }
            : null,
      exemptVehicleIds: chance(0.1) ? [pick(vehicleIds), pick(vehicleIds), pick(vehicleIds)] : [],
      speedLimitKmh: (kind === 'school' || kind === 'tunnel') && chance(0.5) ? pick([30, 40]) : null,
    });
  }
  return zones;
}

function makeFacilities(routes: RouteDef[]): FacilityFence[] {
  const facilities: FacilityFence[] = [];
  for (let f = 0; f < FACILITIES; f++) {
    const [lon, lat] = pick(pick(routes).coordinates);
    facilities.push(
      chance(0.5)
        ? { id: `F${f}`, polygon: null, point: [lon, lat], radiusM: between(100, 300) }
        : { id: `F${f}`, polygon: [ring(lon, lat, 6, () => between(80, 250))], point: null, radiusM: between(30, 80) },
    );
  }
  return facilities;
}

/** A polyline measured once, so a vehicle can be placed at any distance along it. */
class Track {
  readonly cumulative: Float64Array;
  readonly length: number;

  constructor(readonly coords: Array<[number, number]>) {
    this.cumulative = new Float64Array(coords.length);
    for (let i = 1; i < coords.length; i++) {
      const [lon1, lat1] = coords[i - 1]!;
      const [lon2, lat2] = coords[i]!;
      const dx = (lon2 - lon1) * Math.cos((lat1 * Math.PI) / 180) * M_PER_DEG;
      const dy = (lat2 - lat1) * M_PER_DEG;
      this.cumulative[i] = this.cumulative[i - 1]! + Math.hypot(dx, dy);
    }
    this.length = this.cumulative[coords.length - 1]!;
  }

  /** Position and heading (radians) at distance d, going back and forth along the track. */
  at(d: number): { lon: number; lat: number; heading: number } {
    const lap = d % (2 * this.length);
    const forward = lap <= this.length;
    const s = forward ? lap : 2 * this.length - lap;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! <= s) lo = mid;
      else hi = mid;
    }
    const seg = this.cumulative[hi]! - this.cumulative[lo]! || 1;
    const t = (s - this.cumulative[lo]!) / seg;
    const [lon1, lat1] = this.coords[lo]!;
    const [lon2, lat2] = this.coords[hi]!;
    const dx = (lon2 - lon1) * Math.cos((lat1 * Math.PI) / 180);
    const heading = Math.atan2(dx, lat2 - lat1) + (forward ? 0 : Math.PI);
    return { lon: lon1 + t * (lon2 - lon1), lat: lat1 + t * (lat2 - lat1), heading };
  }
}

interface Plan {
  id: string;
  assignment: Assignment | null;
  track: Track | null;
  parked: [number, number];
  distance: number;
  baseKmh: number;
  offsetMs: number;
  deviate: [number, number, number];
  speeding: [number, number];
  longStop: [number, number];
  alarm: [number, number];
  silence: [number, number];
  stoppedUntil: number;
}

const span = (p: number, minLen: number, maxLen: number, from = 5, to = 85): [number, number] => {
  if (!chance(p)) return [-1, -1];
  const start = Math.floor(between(from, to));
  return [start, start + Math.floor(between(minLen, maxLen + 1))];
};
const within = ([a, b]: readonly number[], j: number): boolean => j >= a! && j < b!;

function makePlans(routes: RouteDef[], tracks: Track[]): Plan[] {
  const plans: Plan[] = [];
  for (let v = 0; v < VEHICLES; v++) {
    const u = rand();
    const routeIdx = Math.floor(rand() * routes.length);
    const classes = [...new Set([pick(LOAD_CLASSES), ...(chance(0.3) ? [pick(LOAD_CLASSES)] : [])])];
    const assignment: Assignment | null =
      u < 0.9
        ? {
            routeId: routes[routeIdx]!.id,
            loaded: u < 0.85,
            hazardClasses: classes,
            chemicalIds: [`C${v % 97}`],
            waybillId: `W${v}`,
            validFrom: START - 3_600_000,
            validTo: START + 86_400_000,
          }
        : null;
    const moves = assignment !== null || chance(0.3);
    const track = moves ? tracks[routeIdx]! : null;
    const route = routes[routeIdx]!;
    const limit = Math.min(route.expressway ? 80 : 60, route.speedLimitKmh ?? Infinity);
    const [lon, lat] = pick(routes[routeIdx]!.coordinates);
    plans.push({
      id: `V${String(v).padStart(5, '0')}`,
      assignment,
      track,
      parked: [lon, lat],
      distance: track ? between(0, track.length) : 0,
      baseKmh: limit * between(0.7, 0.92),
      offsetMs: Math.floor(between(0, REPORT_MS - 1)),
      deviate: [...span(0.06, 4, 10), between(300, 900) * (chance(0.5) ? 1 : -1)] as [number, number, number],
      speeding: span(0.05, 6, 15),
      longStop: span(0.03, 42, 50, 5, 40),
      alarm: span(0.005, 2, 4),
      silence: span(0.01, 12, 20, 10, 70),
      stoppedUntil: -1,
    });
  }
  return plans;
}

function makeFix(p: Plan, j: number): Fix {
  const ts = START + j * REPORT_MS + p.offsetMs;
  let speedKmh = 0;
  let lon = p.parked[0];
  let lat = p.parked[1];
  let heading = 0;
  if (p.track) {
    if (p.stoppedUntil < j && chance(0.03)) p.stoppedUntil = j + Math.floor(between(1, 4));
    const stopped = within(p.longStop, j) || j < p.stoppedUntil;
    speedKmh = stopped
      ? between(0, 2)
      : within(p.speeding, j)
        ? p.baseKmh + between(30, 45)
        : p.baseKmh * between(0.85, 1.15);
    p.distance += (speedKmh / 3.6) * (REPORT_MS / 1000);
    const at = p.track.at(p.distance);
    lon = at.lon;
    lat = at.lat;
    heading = at.heading;
    if (within(p.deviate, j)) {
      [lon, lat] = offset(lon, lat, Math.cos(heading) * p.deviate[2], -Math.sin(heading) * p.deviate[2]);
    }
  }
  [lon, lat] = offset(lon, lat, between(-15, 15), between(-15, 15));
  if (chance(0.001)) [lon, lat] = offset(lon, lat, between(3000, 20_000), between(3000, 20_000)); // GPS spike
  const a = rand();
  return {
    vehicleId: p.id,
    ts,
    lon,
    lat,
    speedKmh: Math.round(speedKmh * 10) / 10,
    heading: Math.round((((heading * 180) / Math.PI) % 360) + 360) % 360,
    accuracyM: a < 0.02 ? null : a < 0.023 ? between(300, 500) : between(3, 25),
    alarmFlags: (within(p.alarm, j) ? 1 : 0) | (chance(0.02) ? 4 : 0),
  };
}

/** A full collection, reachable without node flags (v8.setFlagsFromString, then the vm's gc). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

class Tally {
  violationsOpened = 0;
  opened: Partial<Record<RuleCode, number>> = {};
  dispositions: Partial<Record<Disposition, number>> = {};

  count(events: readonly ViolationEvent[]): void {
    for (let k = 0; k < events.length; k++) {
      const e = events[k]!;
      if (e.kind !== 'opened') continue;
      this.violationsOpened++;
      this.opened[e.rule] = (this.opened[e.rule] ?? 0) + 1;
    }
  }
}

/** The timed part: every fix in time order, and a tick for every vehicle each simulated 30 s. */
function run(
  engine: GeofenceEngine,
  fixes: readonly Fix[],
  owner: Int32Array,
  states: VehicleState[],
  assignments: Array<Assignment | null>,
  tally: Tally,
): void {
  let nextTick = START + TICK_MS;
  for (let i = 0; i < fixes.length; i++) {
    const fix = fixes[i]!;
    while (fix.ts >= nextTick) {
      for (let v = 0; v < states.length; v++) {
        const events = engine.tick(states[v]!, assignments[v]!, nextTick);
        if (events.length > 0) tally.count(events);
      }
      nextTick += TICK_MS;
    }
    const v = owner[i]!;
    const result = engine.evaluate(states[v]!, assignments[v]!, fix);
    if (result.disposition !== 'evaluated') {
      tally.dispositions[result.disposition] = (tally.dispositions[result.disposition] ?? 0) + 1;
    }
    if (result.events.length > 0) tally.count(result.events);
  }
}

async function main(): Promise<void> {
  const genStart = performance.now();
  const vehicleIds = Array.from({ length: VEHICLES }, (_, v) => `V${String(v).padStart(5, '0')}`);
  const zones = makeZones(vehicleIds);
  const keepouts = zones
    .filter((z) => z.kind !== 'parking')
    .map((z) => {
      const [lon, lat] = z.polygons[0]![0]!.reduce(([a, b], [x, y]) => [a + x, b + y], [0, 0]);
      const n = z.polygons[0]![0]!.length;
      const centre = { lon: lon / n, lat: lat / n };
      const radiusM = Math.max(
        ...z.polygons[0]![0]!.map(([x, y]) =>
          Math.hypot((x - centre.lon) * Math.cos((y * Math.PI) / 180) * M_PER_DEG, (y - centre.lat) * M_PER_DEG),
        ),
      );
      return { ...centre, radiusM: radiusM + 200 };
    });
  const routes = makeRoutes(keepouts);
  const world: World = { routes, zones, facilities: makeFacilities(routes) };
  const plans = makePlans(
    routes,
    routes.map((r) => new Track(r.coordinates)),
  );
  // Time order: every vehicle reports once per 30 s slot, at its own offset within the slot.
  const order = plans.map((_, v) => v).sort((a, b) => plans[a]!.offsetMs - plans[b]!.offsetMs);
  const fixes: Fix[] = [];
  const owner = new Int32Array(POINTS);
  for (let j = 0; fixes.length < POINTS; j++) {
    for (const v of order) {
      if (fixes.length >= POINTS) break;
      const p = plans[v]!;
      if (within(p.silence, j)) continue;
      const fix = makeFix(p, j);
      owner[fixes.length] = v;
      fixes.push(fix);
      if (chance(0.002) && fixes.length < POINTS) {
        owner[fixes.length] = v;
        fixes.push({ ...fix });
      }
    }
  }
  log(`generated ${fixes.length} fixes in ${Math.round(performance.now() - genStart)} ms`);

  const buildStart = performance.now();
  const engine = new GeofenceEngine(world);
  const indexBuildMs = performance.now() - buildStart;
  const assignments = plans.map((p) => p.assignment);

  // JIT warm-up, not timed: a throwaway engine and states take the whole stream once, so the
  // timed run measures the engine's steady state rather than V8 compiling and re-compiling it as
  // each rule's paths first run (a tracking service runs for days). The measured engine, built
  // above, and its states start cold, and so do the caches. The cold pass is logged for reference.
  const warm = new GeofenceEngine(world);
  const warmStates = plans.map((p) => warm.newState(p.id));
  collectGarbage();
  const w0 = process.hrtime.bigint();
  run(warm, fixes, owner, warmStates, assignments, new Tally());
  const warmSeconds = Number(process.hrtime.bigint() - w0) / 1e9;
  log(`cold pass (JIT warm-up): ${Math.round(fixes.length / warmSeconds)} points/s`);

  const states: VehicleState[] = plans.map((p) => engine.newState(p.id));
  const tally = new Tally();
  // Time the engine from a clean heap: without this, the major collection that generating a
  // million fixes has made due lands inside the timed loop (it would mark the fixes, not us).
  collectGarbage();
  // Let V8's background threads (sweeping after that collection, compiler jobs) finish first.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  run(engine, fixes, owner, states, assignments, tally);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  log(`timed loop: ${seconds.toFixed(3)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s cpu`);
  const stateBytes = states.reduce((n, s) => n + JSON.stringify(s).length, 0) / states.length;
  log(`dispositions ${JSON.stringify(tally.dispositions)}`);
  log(`opened by rule ${JSON.stringify(tally.opened)}`);
  log(`mean state ${Math.round(stateBytes)} bytes of JSON`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'geofence',
      points: fixes.length,
      pointsPerSec: Math.round(fixes.length / seconds),
      nsPerPoint: Math.round((seconds * 1e10) / fixes.length) / 10,
      violationsOpened: tally.violationsOpened,
      indexBuildMs: Math.round(indexBuildMs * 10) / 10,
    })}\n`,
  );
}

await main();
