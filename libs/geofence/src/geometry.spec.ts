import { booleanIntersects, booleanPointInPolygon, lineString, point, pointToLineDistance, polygon } from '@turf/turf';
import { edgesContain, PointScratch, segmentsIntersect, segmentTouchesBox } from './geometry.js';
import { at, Drive, fix, loaded, MINUTE, prng, SECOND, T0, world } from './spec-helpers.js';
import type { ZoneDef } from './types.js';
import { WorldIndex } from './world-index.js';

const random = prng(808);
const between = (lo: number, hi: number): number => lo + (hi - lo) * random();

/** A wiggly road: 60 vertices, 60–120 m apart, turning up to ±40° each. */
function wigglyRoute(): Array<[number, number]> {
  const coords: Array<[number, number]> = [at(0, 0)];
  let heading = 0.3;
  for (let i = 0; i < 60; i++) {
    heading += between(-0.7, 0.7);
    const step = between(60, 120);
    coords.push(at(Math.sin(heading) * step, Math.cos(heading) * step, coords.at(-1)!));
  }
  return coords;
}

/** A concave star (alternating radii) with a star-shaped hole, as a zone. */
function starWithHole(id: string): ZoneDef {
  const ring = (spikes: number, outer: number, inner: number, reverse: boolean): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < 2 * spikes; i++) {
      const a = ((reverse ? -i : i) * Math.PI) / spikes;
      const r = i % 2 === 0 ? outer : inner;
      out.push(at(2000 + Math.sin(a) * r, 2000 + Math.cos(a) * r));
    }
    return [...out, out[0]!];
  };
  return {
    id,
    kind: 'ban',
    polygons: [[ring(9, 1500, 600, false), ring(5, 450, 200, true)]],
    hazardClasses: [],
    schedule: null,
    exemptVehicleIds: [],
    speedLimitKmh: null,
  };
}

function projected(index: WorldIndex, [lon, lat]: [number, number]): PointScratch {
  const p = new PointScratch();
  p.x = index.projection.x(lon);
  p.y = index.projection.y(lat);
  p.k = index.projection.eastScale(lat);
  return p;
}

describe('point to route distance', () => {
  const coords = wigglyRoute();
  const index = new WorldIndex(
    world({ routes: [{ id: 'W', coordinates: coords, halfWidthM: 150, speedLimitKmh: null, expressway: false }] }),
  );

  it('matches turf pointToLineDistance (geodesic) to within 0.5 m up to 500 m off the line', () => {
    const line = lineString(coords);
    for (let i = 0; i < 300; i++) {
      const base = coords[Math.floor(random() * coords.length)]!;
      const position = at(between(-500, 500), between(-500, 500), base);
      const p = projected(index, position);
      const ours = index.routes.distance(0, p, index.grid.cellOf(p));
      const turf = pointToLineDistance(point(position), line, { units: 'meters' });
      expect(Math.abs(ours - turf)).toBeLessThan(0.5);
    }
  });

  it('finds corridor segments by walking from a hint only when they really are within the corridor', () => {
    let found = 0;
    for (let i = 0; i < 300; i++) {
      const v = Math.floor(random() * (coords.length - 1));
      const position = at(between(-200, 200), between(-200, 200), coords[v]!);
      const p = projected(index, position);
      const segment = index.routes.segmentWithin(0, p, Math.max(0, v - 3));
      if (segment < 0) continue;
      found++;
      const piece = lineString([coords[segment]!, coords[segment + 1]!]);
      expect(pointToLineDistance(point(position), piece, { units: 'meters' })).toBeLessThan(150 + 0.5);
    }
    expect(found).toBeGreaterThan(50);
  });
});

describe('point in polygon', () => {
  const zone = starWithHole('S');
  const index = new WorldIndex(world({ zones: [zone] }));
  const turfPolygon = polygon(zone.polygons[0]!);

  it('agrees with turf booleanPointInPolygon on concave rings with a hole, by cell lookup and by ray cast', () => {
    let inside = 0;
    let boundaryCells = 0;
    for (let i = 0; i < 4000; i++) {
      const position = at(between(0, 4000), between(0, 4000));
      const p = projected(index, position);
      const expected = booleanPointInPolygon(point(position), turfPolygon);
      expect(index.zones.contains(0, p)).toBe(expected);
      // The engine's fast path: the cell's classification, and a row ray cast on boundary cells.
      const cell = index.grid.cellOf(p);
      let viaCell = false;
      for (let e = index.zones.cellStart[cell]!; e < index.zones.cellStart[cell + 1]!; e++) {
        if (index.zones.entryStatus[e] === 2) boundaryCells++;
        viaCell = index.zones.entryContains(e, index.grid.rowOfPoint(p), p);
      }
      expect(viaCell).toBe(expected);
      if (expected) inside++;
    }
    expect(inside).toBeGreaterThan(400);
    expect(boundaryCells).toBeGreaterThan(100);
  });

  it('edgesContain (even–odd over all rings) agrees with turf', () => {
    const quads: number[] = [];
    for (const ring of zone.polygons[0]!) {
      for (let i = 0; i + 1 < ring.length; i++) quads.push(ring[i]![0], ring[i]![1], ring[i + 1]![0], ring[i + 1]![1]);
    }
    const edges = Float64Array.from(quads);
    for (let i = 0; i < 2000; i++) {
      const [lon, lat] = at(between(0, 4000), between(0, 4000));
      expect(edgesContain(edges, 0, quads.length / 4, lon, lat)).toBe(
        booleanPointInPolygon(point([lon, lat]), turfPolygon),
      );
    }
  });
});

describe('segments', () => {
  it('intersect when they cross or touch, not when apart or parallel', () => {
    expect(segmentsIntersect(0, 0, 10, 10, 0, 10, 10, 0)).toBe(true);
    expect(segmentsIntersect(0, 0, 10, 0, 5, 0, 5, 5)).toBe(true); // touching at an end
    expect(segmentsIntersect(0, 0, 10, 0, 0, 1, 10, 1)).toBe(false); // parallel
    expect(segmentsIntersect(0, 0, 4, 4, 5, 5, 9, 9)).toBe(false); // collinear, apart
    expect(segmentsIntersect(0, 0, 6, 6, 5, 5, 9, 9)).toBe(true); // collinear, overlapping
    expect(segmentTouchesBox(-5, 5, 15, 5, 0, 0, 10, 10)).toBe(true);
    expect(segmentTouchesBox(-5, 15, 15, 12, 0, 0, 10, 10)).toBe(false);
  });

  it('walk every grid cell they cross', () => {
    const index = new WorldIndex(world({ zones: [starWithHole('S')] }));
    const g = index.grid;
    const out = g.segmentScratch();
    const a = new PointScratch();
    const b = new PointScratch();
    for (let i = 0; i < 300; i++) {
      a.x = between(g.minX, g.minX + g.cols * g.cellSize);
      a.y = between(g.minY, g.minY + g.rows * g.cellSize);
      b.x = a.x + between(-3000, 3000);
      b.y = a.y + between(-3000, 3000);
      const walked = new Set(out.subarray(0, g.cellsOnSegment(a, b, out)));
      const missed: number[] = [];
      for (let cell = 0; cell < g.cellCount; cell++) {
        const x0 = g.minX + (cell % g.cols) * g.cellSize;
        const y0 = g.minY + Math.floor(cell / g.cols) * g.cellSize;
        // Cells the segment passes through (not merely grazes at a corner) must be walked.
        const s = 1e-6;
        const crossed = segmentTouchesBox(a.x, a.y, b.x, b.y, x0 + s, y0 + s, x0 + g.cellSize - s, y0 + g.cellSize - s);
        if (crossed && !walked.has(cell)) missed.push(cell);
      }
      expect(missed).toEqual([]);
    }
  });

  it('crossing a zone between two sparse fixes matches turf booleanIntersects', () => {
    const zone = starWithHole('S');
    const turfPolygon = polygon(zone.polygons[0]!);
    let crossings = 0;
    let misses = 0;
    for (let i = 0; i < 300; i++) {
      const from = at(between(-1000, 5000), between(-1000, 5000));
      const to = at(between(-1000, 5000), between(-1000, 5000));
      if (pointToLineDistance(point(from), lineString([to, to.map((c) => c + 1e-9)]), { units: 'meters' }) < 250)
        continue;
      if (booleanPointInPolygon(point(from), turfPolygon) || booleanPointInPolygon(point(to), turfPolygon)) continue;
      const drive = new Drive(world({ zones: [zone] }));
      const noRoute = loaded({ routeId: null });
      // Far enough apart in time that no pair is a jump.
      drive.feed(noRoute, [fix(T0, from), fix(T0 + 10 * MINUTE + SECOND, to)]);
      const crossed = drive.of('ZONE_INTRUSION', 'opened').length === 1;
      const expected = booleanIntersects(lineString([from, to]), turfPolygon);
      expect(crossed).toBe(expected);
      if (expected) crossings++;
      else misses++;
    }
    expect(crossings).toBeGreaterThan(30);
    expect(misses).toBeGreaterThan(30);
  });
});
