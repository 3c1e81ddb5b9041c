import { classCovers } from '@lib/geofence';
import type { ProblemItem } from '@lib/platform';
import type { ChemicalView } from '@lib/registry';
import { type ContentForRules, itemPath, p, type Resolved } from './context.js';

/**
 * The vehicle and trailer (2019 rules Art. 13, 21, 22; 《道路危险货物运输管理规定》 Art. 8 and 11):
 * the carrier's own, active, approved for every class on board (道路运输证经营范围) with a road
 * transport certificate valid over the trip, a GPS terminal (卫星定位装置) on the towing vehicle;
 * a tractor pulls a trailer. The unit carrying the goods (the trailer when there is one) is a tank
 * inspected for the whole trip when it carries a tank load, each tank load on its approved media
 * list (适装介质列表), and the whole load within its approved load (核定载质量).
 */
export function vehicle(
  c: ContentForRules,
  r: Resolved,
  chems: ChemicalView[],
  classes: string[],
  tripEnd: string,
): ProblemItem[] {
  const out: ProblemItem[] = [];
  const v = r.vehicle;
  if (!v) return [p('vehicleId', 'REFERENCE_NOT_FOUND', 'the vehicle does not exist')];
  const units = [['vehicleId', v] as const, ...(c.trailerId ? [['trailerId', r.trailer] as const] : [])];
  for (const [path, unit] of units) {
    if (!unit) {
      out.push(p(path, 'REFERENCE_NOT_FOUND', `${path} does not exist`));
      continue;
    }
    if (unit.carrierId !== c.carrierId)
      out.push(p(path, 'VEHICLE_NOT_CARRIERS', `${unit.plate} does not belong to the carrier`));
    if (unit.status !== 'active') out.push(p(path, 'VEHICLE_INACTIVE', `${unit.plate} is ${unit.status}`));
    for (const cls of classes) {
      if (!unit.permittedClasses.some((pc) => classCovers(pc, cls)))
        out.push(p(path, 'VEHICLE_CLASS', `${unit.plate} is not approved for class ${cls}`));
    }
    if (!unit.transportCertExpiry || unit.transportCertExpiry < tripEnd) {
      out.push(
        p(
          path,
          'TRANSPORT_CERT_EXPIRED',
          `the road transport certificate (道路运输证) of ${unit.plate} ${unit.transportCertExpiry ? `expires on ${unit.transportCertExpiry}` : 'is not on record'}`,
        ),
      );
    }
  }
  if (c.trailerId && r.trailer && r.trailer.kind !== 'trailer')
    out.push(p('trailerId', 'NOT_A_TRAILER', `${r.trailer.plate} is not a trailer`));
  if (c.trailerId && v.kind !== 'tractor')
    out.push(p('vehicleId', 'NOT_A_TRACTOR', `${v.plate} does not pull trailers`));
  if (!c.trailerId && v.kind === 'tractor')
    out.push(p('trailerId', 'TRAILER_REQUIRED', `${v.plate} is a tractor: name its trailer`));
  if (!v.terminalId) out.push(p('vehicleId', 'NO_TERMINAL', `${v.plate} has no GPS terminal (卫星定位装置)`));
  // The unit that carries the goods: the trailer when there is one.
  const carrying = r.trailer ?? v;
  const carryingPath = c.trailerId ? 'trailerId' : 'vehicleId';
  const tankItems = c.items.filter((i) => i.packaging === 'tank');
  if (tankItems.length) {
    if (carrying.tankVolumeM3 === null) out.push(p(carryingPath, 'NOT_A_TANK', `${carrying.plate} has no tank`));
    if (!carrying.tankInspectionExpiry || carrying.tankInspectionExpiry < tripEnd) {
      out.push(
        p(
          carryingPath,
          'TANK_INSPECTION_EXPIRED',
          `the tank inspection of ${carrying.plate} ${carrying.tankInspectionExpiry ? `expires on ${carrying.tankInspectionExpiry}` : 'is not on record'}`,
        ),
      );
    }
    for (const i of tankItems) {
      if (!carrying.approvedMedia.includes(i.chemicalId)) {
        out.push(
          p(
            itemPath(i.line, 'chemicalId'),
            'TANK_MEDIA',
            `${chems.find((x) => x.id === i.chemicalId)?.nameZh ?? i.chemicalId} is not on the approved media list (适装介质列表) of ${carrying.plate}`,
          ),
        );
      }
    }
  }
  const total = c.items.reduce((s, i) => s + i.quantityKg, 0);
  if (carrying.approvedLoadKg !== null && total > carrying.approvedLoadKg + 0.0005) {
    out.push(
      p(
        'items',
        'OVERLOAD',
        `the load is ${total.toFixed(0)} kg; ${carrying.plate} is approved for ${carrying.approvedLoadKg} kg (核定载质量)`,
      ),
    );
  }
  return out;
}
