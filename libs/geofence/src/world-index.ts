import { FacilityIndex } from './facility-index.js';
import { Box } from './geometry.js';
import { Grid } from './grid.js';
import { LocalProjection, METRES_PER_DEGREE } from './projection.js';
import { RouteIndex } from './route-index.js';
import type { World } from './types.js';
import { validateWorld } from './world-validation.js';
import { ZoneIndex } from './zone-index.js';

/** Cells this size keep a typical cell to a dozen corridor segments and a few zone edges. */
const CELL_SIZE_M = 200;
/** Beyond this many cells (a province-sized world) cells grow instead, to bound memory. */
const MAX_CELLS = 4_000_000;

/** Everything the engine knows about the (fixed) world, projected and indexed once. */
export class WorldIndex {
  readonly projection: LocalProjection;
  readonly grid: Grid;
  /** The smallest east-west scale anywhere on the grid (see LocalProjection.eastScale). */
  readonly kMin: number;
  readonly routes: RouteIndex;
  readonly zones: ZoneIndex;
  readonly facilities: FacilityIndex;

  constructor(world: World) {
    validateWorld(world);
    const geo = geographicBox(world);
    this.projection = geo.empty
      ? new LocalProjection(0, 0)
      : new LocalProjection((geo.minX + geo.maxX) / 2, (geo.minY + geo.maxY) / 2);
    let reach = 0;
    for (const r of world.routes) reach = Math.max(reach, r.halfWidthM);
    for (const f of world.facilities) reach = Math.max(reach, f.radiusM);
    const reachDeg = reach / METRES_PER_DEGREE + 0.01;
    const latLo = Math.max(-89, geo.minY - reachDeg);
    const latHi = Math.min(89, geo.maxY + reachDeg);
    this.kMin = geo.empty ? 1 : Math.min(this.projection.eastScale(latLo), this.projection.eastScale(latHi), 1);

    this.routes = new RouteIndex(world.routes, this.projection);
    this.zones = new ZoneIndex(world.zones, this.projection);
    this.facilities = new FacilityIndex(world.facilities, this.projection);

    const extent = new Box();
    extent.addBox(this.routes.extent(this.kMin));
    extent.addBox(this.zones.extent());
    extent.addBox(this.facilities.extent(this.kMin));
    if (extent.empty) extent.add(0, 0);
    const width = extent.maxX - extent.minX + 2;
    const height = extent.maxY - extent.minY + 2;
    const cellSize = Math.max(CELL_SIZE_M, Math.sqrt((width * height) / MAX_CELLS));
    this.grid = new Grid(
      extent.minX - 1,
      extent.minY - 1,
      cellSize,
      Math.max(1, Math.ceil(width / cellSize)),
      Math.max(1, Math.ceil(height / cellSize)),
    );
    this.routes.index(this.grid, this.kMin);
    this.zones.index(this.grid);
    this.facilities.index(this.grid, this.kMin);
  }
}

/** Lon/lat box of everything in the world (x = lon, y = lat). */
function geographicBox(world: World): Box {
  const box = new Box();
  for (const r of world.routes) for (const [lon, lat] of r.coordinates) box.add(lon, lat);
  for (const z of world.zones) {
    for (const polygon of z.polygons) for (const ring of polygon) for (const [lon, lat] of ring) box.add(lon, lat);
  }
  for (const f of world.facilities) {
    if (f.point) box.add(f.point[0], f.point[1]);
    for (const ring of f.polygon ?? []) for (const [lon, lat] of ring) box.add(lon, lat);
  }
  return box;
}
