import { kinks, polygon } from '@turf/turf';
import type { Position } from './geojson.js';
import { firstSelfIntersection } from './self-intersection.js';

/** A deterministic pseudo-random sequence (the test must fail the same way every time). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ring = (points: Position[]): Position[] => [...points, points[0]!];

describe('firstSelfIntersection', () => {
  it('agrees with turf kinks on 2,000 random polygons, crossing and simple', () => {
    const next = random(7);
    let crossing = 0;
    for (let n = 0; n < 2000; n++) {
      const count = 4 + Math.floor(next() * 30);
      const points: Position[] = Array.from({ length: count }, () => [120 + next(), 31 + next()]);
      // Half of them sorted by angle around their centre: a simple (star-shaped) polygon.
      if (n % 2 === 0) {
        const cx = points.reduce((s, p) => s + p[0], 0) / count;
        const cy = points.reduce((s, p) => s + p[1], 0) / count;
        points.sort((a, b) => Math.atan2(a[1] - cy, a[0] - cx) - Math.atan2(b[1] - cy, b[0] - cx));
      }
      const rings = [ring(points)];
      const expected = kinks(polygon(rings)).features.length > 0;
      expect({ n, found: firstSelfIntersection(rings) !== null }).toEqual({ n, found: expected });
      if (expected) crossing++;
    }
    // Both kinds were really tried.
    expect(crossing).toBeGreaterThan(300);
    expect(crossing).toBeLessThan(1700);
  });

  it('finds a bow-tie and where it crosses', () => {
    const hit = firstSelfIntersection([
      [
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
        [0, 0],
      ],
    ]);
    expect(hit).toEqual([1, 1]);
  });

  it('accepts a square with a hole, and refuses a hole that crosses the outer ring', () => {
    const outer: Position[] = ring([
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ]);
    const hole: Position[] = ring([
      [2, 2],
      [2, 4],
      [4, 4],
      [4, 2],
    ]);
    const crossingHole: Position[] = ring([
      [8, 2],
      [8, 4],
      [12, 4],
      [12, 2],
    ]);
    expect(firstSelfIntersection([outer, hole])).toBeNull();
    expect(firstSelfIntersection([outer, crossingHole])).not.toBeNull();
  });

  it('finds the one crossing in a 20,000-vertex ring, and none in a simple one', () => {
    const circle: Position[] = Array.from({ length: 19_999 }, (_, i) => {
      const a = (2 * Math.PI * i) / 19_999;
      return [120.3 + 0.05 * Math.cos(a), 31.5 + 0.05 * Math.sin(a)];
    });
    expect(firstSelfIntersection([ring(circle)])).toBeNull();
    // Swap two vertices far apart: their edges now cross the ring.
    const broken = [...circle];
    [broken[100], broken[10_000]] = [broken[10_000]!, broken[100]!];
    expect(firstSelfIntersection([ring(broken)])).not.toBeNull();
  });
});
