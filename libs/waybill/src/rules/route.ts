import {
  booleanPointInPolygon,
  distance as turfDistance,
  lineString,
  point as turfPoint,
  pointToLineDistance,
  polygon as turfPolygon,
} from '@turf/turf';
import { classCovers } from '@lib/geofence';
import type { ProblemItem } from '@lib/platform';
import type { ChemicalView, FacilityView } from '@lib/registry';
import { type ContentForRules, p, type Resolved } from './context.js';
import { firstOutsideHours, localClock } from './route-hours.js';
import { type TunnelCategory, unitAllows, unitRestriction } from './tunnel.js';

/** Route start and end must lie within this of the loading and unloading facilities. */
const ROUTE_END_TOLERANCE_M = 2000;

/** Distance from a point to a facility (0 inside a polygon), metres. */
function distanceToFacility(at: [number, number], f: FacilityView): number {
  const g = f.geometry as { type: string; coordinates: unknown };
  if (g.type === 'Point')
    return turfDistance(turfPoint(at), turfPoint(g.coordinates as [number, number]), { units: 'kilometers' }) * 1000;
  const rings = g.coordinates as Array<Array<[number, number]>>;
  if (booleanPointInPolygon(turfPoint(at), turfPolygon(rings))) return 0;
  return pointToLineDistance(turfPoint(at), lineString(rings[0]!), { units: 'kilometers' }) * 1000;
}

/**
 * The route (2019 rules Art. 38; 《危险化学品安全管理条例》 Art. 49: the routes, times and speeds
 * public security and transport set): approved by transport, valid over the trip's local dates,
 * open to every class and (when it lists them) chemical on board, open for the whole trip from
 * departure to planned arrival (route-hours.ts), starting and ending at the facilities, and every
 * tunnel on it open to the transport unit's restriction code (ADR 1.9.5.3.6, 8.6.4; tunnel.ts).
 */
export function route(
  c: ContentForRules,
  r: Resolved,
  chems: ChemicalView[],
  classes: string[],
  tripStart: string,
  tripEnd: string,
): ProblemItem[] {
  const out: ProblemItem[] = [];
  const planned = r.route;
  if (!planned) return [p('routeId', 'REFERENCE_NOT_FOUND', 'the route does not exist')];
  if (planned.status !== 'approved')
    out.push(p('routeId', 'ROUTE_NOT_APPROVED', `route ${planned.name} is ${planned.status}`));
  if (planned.validFrom > tripStart || planned.validTo < tripEnd)
    out.push(
      p(
        'routeId',
        'ROUTE_NOT_VALID',
        `route ${planned.name} is valid ${planned.validFrom} to ${planned.validTo}, not over the whole trip`,
      ),
    );
  for (const cls of classes) {
    if (!planned.hazardClasses.some((rc) => classCovers(rc, cls)))
      out.push(p('routeId', 'ROUTE_CLASS', `route ${planned.name} does not allow class ${cls}`));
  }
  if (planned.chemicalIds.length) {
    for (const chem of chems)
      if (!planned.chemicalIds.includes(chem.id))
        out.push(p('routeId', 'ROUTE_CHEMICAL', `route ${planned.name} does not allow ${chem.nameZh}`));
  }
  const outside = firstOutsideHours(c.plannedDeparture, c.plannedArrival, planned.allowedHours);
  if (outside) {
    out.push(
      p(
        outside.getTime() === c.plannedDeparture.getTime() ? 'plannedDeparture' : 'plannedArrival',
        'ROUTE_HOURS',
        `route ${planned.name} is open ${planned.allowedHours.map((h) => `${h.from}–${h.to}`).join(', ')} (local time); the trip ${localClock(c.plannedDeparture)} → ${localClock(c.plannedArrival)} is on it outside those hours from ${localClock(outside)}`,
      ),
    );
  }
  const coords = (planned.geometry as { coordinates: Array<[number, number]> }).coordinates;
  if (r.loading && distanceToFacility(coords[0]!, r.loading) > ROUTE_END_TOLERANCE_M)
    out.push(
      p('routeId', 'ROUTE_START_FAR', `route ${planned.name} does not start within 2 km of the loading facility`),
    );
  if (r.unloading && distanceToFacility(coords[coords.length - 1]!, r.unloading) > ROUTE_END_TOLERANCE_M)
    out.push(p('routeId', 'ROUTE_END_FAR', `route ${planned.name} does not end within 2 km of the unloading facility`));
  if (planned.tunnels.length) {
    const unit = unitRestriction(
      c.items.flatMap((i) => {
        const chem = r.chemicals.get(i.chemicalId);
        if (!chem) return [];
        return [
          {
            line: i.line,
            code: chem.tunnelCode,
            carriage: i.packaging === 'tank' ? ('tank' as const) : ('other' as const),
            explosive: chem.unClass?.startsWith('1') ?? false,
            quantityKg: i.quantityKg,
          },
        ];
      }),
    );
    for (const tunnel of planned.tunnels) {
      if (unitAllows(tunnel.category as TunnelCategory, unit.letter)) continue;
      out.push(
        p(
          'routeId',
          'TUNNEL_RESTRICTED',
          `the transport unit's tunnel restriction is ${unit.letter} (line(s) ${unit.lines.join(', ')}${unit.netExplosiveKg > 0 ? `; ${unit.netExplosiveKg.toFixed(0)} kg net explosive mass on the unit` : ''}): it may not pass ${tunnel.name} (category ${tunnel.category})`,
        ),
      );
    }
  }
  return out;
}
