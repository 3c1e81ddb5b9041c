import { Injectable } from '@nestjs/common';
import {
  distance as turfDistance,
  point as turfPoint,
  pointToLineDistance,
  polygon as turfPolygon,
  booleanPointInPolygon,
  lineString,
} from '@turf/turf';
import { type ProblemItem, shanghaiDate, shanghaiParts } from '@lib/platform';
import { ManifestService } from '@lib/ledger';
import {
  type Activity,
  AuthorizationService,
  type ChemicalView,
  classCovers,
  type EnterpriseView,
  type FacilityView,
  type PersonView,
  RegistryLookup,
  type VehicleView,
} from '@lib/registry';
import { FencesService, type RouteView } from '@lib/telematics';
import { toKg } from '@lib/ledger';
import { segregationConflicts } from './rules/segregation.js';
import { tunnelAllows, type TunnelCategory } from './rules/tunnel.js';
import { wasteProblems } from './rules/waste.js';

/** Everything a waybill names, resolved; missing references are absent. */
export interface Resolved {
  consignor?: EnterpriseView;
  carrier?: EnterpriseView;
  consignee?: EnterpriseView;
  loading?: FacilityView;
  unloading?: FacilityView;
  vehicle?: VehicleView;
  trailer?: VehicleView;
  driver?: PersonView;
  escort?: PersonView;
  route?: RouteView;
  chemicals: Map<string, ChemicalView>;
  /** Lots on board that are hazardous waste, with their waste code (危废代码). */
  wasteLots: Map<string, string>;
}

export interface ContentForRules {
  consignorId: string;
  carrierId: string;
  consigneeId: string;
  loadingFacilityId: string;
  unloadingFacilityId: string;
  vehicleId: string;
  trailerId: string | null;
  driverId: string;
  escortId: string;
  routeId: string;
  plannedDeparture: Date;
  plannedArrival: Date;
  items: Array<{
    line: number;
    chemicalId: string;
    quantityKg: number;
    lotId: string | null;
    packaging: 'tank' | 'packaged';
    compartment: number | null;
  }>;
  toxicPass: { number: string; validFrom: string; validTo: string; routeId: string } | null;
  manifestId: string | null;
}

/** Route start and end must lie within this of the loading and unloading facilities. */
const ROUTE_END_TOLERANCE_M = 2000;

const p = (path: string, rule: string, message: string): ProblemItem => ({ path, rule, message });

/** The authorization query, as the rules ask it: the reasons an enterprise may not do something. */
type Ask = (
  enterpriseId: string,
  activity: Activity,
  chemicalId: string,
  when: Date,
  district?: FacilityView['district'],
  wasteCode?: string,
) => Promise<Array<{ code: string; text: string }>>;

/** Reasons the authorization query gives that the waybill reports by rules of its own. */
const REPORTED_ELSEWHERE = new Set(['CHEMICAL_PROHIBITED', 'CHEMICAL_RESTRICTED', 'ENTERPRISE_BLACKLISTED']);
const licenceReasons = <R extends { code: string }>(reasons: R[]): R[] =>
  reasons.filter((reason) => !REPORTED_ELSEWHERE.has(reason.code));

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
 * The e-waybill's rules, per 《危险货物道路运输安全管理办法》 (2019) and JT/T 617: each returns every
 * problem it finds, so a refusal lists all failed rules at once, each with its code.
 */
@Injectable()
export class WaybillValidator {
  constructor(
    private readonly registry: RegistryLookup,
    private readonly authorization: AuthorizationService,
    private readonly fences: FencesService,
    private readonly manifests: ManifestService,
  ) {}

  async resolve(c: ContentForRules): Promise<Resolved> {
    const [enterprises, facilities, vehicles, people, chemicals, route, wasteLots] = await Promise.all([
      this.registry.enterpriseMap([c.consignorId, c.carrierId, c.consigneeId]),
      this.registry.facilityMap([c.loadingFacilityId, c.unloadingFacilityId]),
      this.registry.vehicleMap([c.vehicleId, ...(c.trailerId ? [c.trailerId] : [])]),
      this.registry.personMap([c.driverId, c.escortId]),
      this.registry.chemicalMap(c.items.map((i) => i.chemicalId)),
      this.fences.getRoute(c.routeId).catch(() => undefined),
      this.manifests.wasteLots(
        c.items.flatMap((i) => (i.lotId ? [i.lotId] : [])),
        c.consignorId,
      ),
    ]);
    return {
      consignor: enterprises.get(c.consignorId),
      carrier: enterprises.get(c.carrierId),
      consignee: enterprises.get(c.consigneeId),
      loading: facilities.get(c.loadingFacilityId),
      unloading: facilities.get(c.unloadingFacilityId),
      vehicle: vehicles.get(c.vehicleId),
      trailer: c.trailerId ? vehicles.get(c.trailerId) : undefined,
      driver: people.get(c.driverId),
      escort: people.get(c.escortId),
      route,
      chemicals,
      wasteLots,
    };
  }

  /** The references a waybill names that do not exist: a draft names only what exists. */
  missing(c: ContentForRules, r: Resolved): ProblemItem[] {
    const out: ProblemItem[] = [];
    for (const [path, found] of [
      ['consignorId', r.consignor],
      ['carrierId', r.carrier],
      ['consigneeId', r.consignee],
    ] as const) {
      if (!found) out.push(p(path, 'PARTY_NOT_FOUND', `${path.replace('Id', '')} does not exist`));
    }
    for (const [path, found] of [
      ['loadingFacilityId', r.loading],
      ['unloadingFacilityId', r.unloading],
      ['vehicleId', r.vehicle],
      ['driverId', r.driver],
      ['escortId', r.escort],
      ['routeId', r.route],
      ...(c.trailerId ? ([['trailerId', r.trailer]] as const) : []),
    ] as const) {
      if (!found) out.push(p(path, 'REFERENCE_NOT_FOUND', `${path} refers to nothing registered`));
    }
    return out;
  }

  /** Every rule of submission (and, again, of loading: `at` is then the loading time). */
  async check(c: ContentForRules, r: Resolved, at: Date): Promise<ProblemItem[]> {
    const out: ProblemItem[] = [];
    const tripStart = shanghaiDate(c.plannedDeparture < at ? at : c.plannedDeparture);
    const tripEnd = shanghaiDate(c.plannedArrival);
    if (c.plannedArrival <= c.plannedDeparture)
      out.push(p('plannedArrival', 'PLANNED_TIMES', 'plannedArrival must be after plannedDeparture'));
    const chems = c.items.map((i) => r.chemicals.get(i.chemicalId));
    c.items.forEach((i, k) => {
      if (!r.chemicals.get(i.chemicalId))
        out.push(
          p(`items[${k}].chemicalId`, 'REFERENCE_NOT_FOUND', `chemical ${i.chemicalId} is not in the catalogue`),
        );
    });
    const known = chems.filter((x): x is ChemicalView => !!x);
    const classes = [...new Set(known.flatMap((x) => (x.unClass ? [x.unClass] : [])))];

    out.push(...this.parties(r, at));
    out.push(...(await this.licences(c, r, known, at)));
    out.push(...this.vehicles(c, r, known, classes, tripEnd));
    out.push(...this.people(r, known, tripEnd));
    out.push(...this.facilities(c, r));
    out.push(...this.route(c, r, known, classes, tripStart, tripEnd));
    out.push(...this.load(c, r));
    out.push(...(await this.toxicPass(c, known, tripStart, tripEnd)));
    out.push(
      ...(await wasteProblems({ ...c, consigneeId: r.consignee?.id ?? null, wasteLots: r.wasteLots }, (id) =>
        this.manifests.lookup(id),
      )),
    );
    return out;
  }

  private parties(r: Resolved, at: Date): ProblemItem[] {
    const out: ProblemItem[] = [];
    for (const [path, e, role] of [
      ['consignorId', r.consignor, null],
      ['carrierId', r.carrier, 'carrier'],
      ['consigneeId', r.consignee, null],
    ] as const) {
      if (!e) {
        out.push(p(path, 'PARTY_NOT_FOUND', `${path.replace('Id', '')} does not exist`));
        continue;
      }
      if (e.creditStatus === 'blacklisted' && (!e.creditSince || Date.parse(e.creditSince) <= at.getTime())) {
        out.push(p(path, 'ENTERPRISE_BLACKLISTED', `${e.name} is blacklisted (失信): ${e.creditReason ?? ''}`.trim()));
      }
      if (role && !e.roles.includes(role))
        out.push(p(path, 'NOT_A_CARRIER', `${e.name} is not registered as a carrier`));
    }
    return out;
  }

  /** The carrier's transport licence over the whole trip; the consignee's right to take each chemical. */
  private async licences(c: ContentForRules, r: Resolved, chems: ChemicalView[], at: Date): Promise<ProblemItem[]> {
    const out: ProblemItem[] = [];
    const ask: Ask = async (enterpriseId, activity, chemicalId, when, district, wasteCode) =>
      (await this.authorization.authorize({ enterpriseId, activity, chemicalId, at: when, district, wasteCode }))
        .reasons;
    const start = c.plannedDeparture < at ? at : c.plannedDeparture;
    for (const chem of chems) {
      if (r.carrier) {
        const reasons = [
          ...(await ask(r.carrier.id, 'transport', chem.id, start)),
          ...(await ask(r.carrier.id, 'transport', chem.id, c.plannedArrival)),
        ];
        const seen = new Set<string>();
        for (const x of licenceReasons(reasons)) {
          if (seen.has(x.code + x.text)) continue;
          seen.add(x.code + x.text);
          out.push(p('carrierId', `CARRIER_${x.code}`, `transport of ${chem.nameZh}: ${x.text}`));
        }
      }
      if (chem.controlStatus === 'prohibited')
        out.push(p('items', 'CHEMICAL_PROHIBITED', `${chem.nameZh} is prohibited (禁止)`));
      if (chem.controlStatus === 'restricted') {
        const allowed = chem.controlAllowedDistricts;
        for (const f of [r.loading, r.unloading]) {
          if (f && !allowed.includes(f.district))
            out.push(
              p(
                'items',
                'CHEMICAL_RESTRICTED',
                `${chem.nameZh} is restricted to ${allowed.join('、') || 'no district'}; the ${f === r.loading ? 'loading' : 'unloading'} facility is in ${f.district}`,
              ),
            );
        }
      }
    }
    if (r.consignee) out.push(...(await this.consignee(c, r, r.consignee, ask)));
    return out;
  }

  /**
   * The consignee may take each line: hazardous waste only by a disposer licensed for its code
   * (危险废物经营许可证); anything else by a licence to store or use it, and (bought from another
   * enterprise) the right to buy it: purchase permit for highly toxic, filing for precursors.
   */
  private async consignee(
    c: ContentForRules,
    r: Resolved,
    consignee: EnterpriseView,
    ask: Ask,
  ): Promise<ProblemItem[]> {
    const out: ProblemItem[] = [];
    const seen = new Set<string>();
    const add = (x: { code: string; text: string }, what: string) => {
      if (seen.has(x.code + what)) return;
      seen.add(x.code + what);
      // The consignee's licences (numbers, refusal reasons) are its own: the consignor hears the rule.
      out.push(p('consigneeId', `CONSIGNEE_${x.code}`, `the consignee may not ${what} (${x.code})`));
    };
    for (const i of c.items) {
      const chem = r.chemicals.get(i.chemicalId);
      if (!chem) continue;
      const wasteCode = i.lotId ? r.wasteLots.get(i.lotId) : undefined;
      if (wasteCode) {
        const reasons = await ask(consignee.id, 'dispose', chem.id, c.plannedArrival, r.unloading?.district, wasteCode);
        for (const x of licenceReasons(reasons)) add(x, `dispose of ${wasteCode}`);
        continue;
      }
      const holds = await Promise.all(
        (['store', 'use'] as const).map((a) => ask(consignee.id, a, chem.id, c.plannedArrival, r.unloading?.district)),
      );
      // Either licence will do (a trader stores, a user uses); report the first's reasons.
      if (holds.every((reasons) => licenceReasons(reasons).length > 0))
        for (const x of licenceReasons(holds[0]!)) add(x, `hold ${chem.nameZh}`);
      if (consignee.id !== c.consignorId) {
        const reasons = await ask(consignee.id, 'buy', chem.id, c.plannedArrival, r.unloading?.district);
        for (const x of licenceReasons(reasons)) add(x, `buy ${chem.nameZh}`);
      }
    }
    return out;
  }

  private vehicles(
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
    const tankItems = c.items.filter((i) => i.packaging === 'tank');
    if (tankItems.length) {
      if (carrying.tankVolumeM3 === null)
        out.push(p(c.trailerId ? 'trailerId' : 'vehicleId', 'NOT_A_TANK', `${carrying.plate} has no tank`));
      if (!carrying.tankInspectionExpiry || carrying.tankInspectionExpiry < tripEnd) {
        out.push(
          p(
            c.trailerId ? 'trailerId' : 'vehicleId',
            'TANK_INSPECTION_EXPIRED',
            `the tank inspection of ${carrying.plate} ${carrying.tankInspectionExpiry ? `expires on ${carrying.tankInspectionExpiry}` : 'is not on record'}`,
          ),
        );
      }
      for (const i of tankItems) {
        if (!carrying.approvedMedia.includes(i.chemicalId)) {
          out.push(
            p(
              `items[${i.line - 1}].chemicalId`,
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

  private people(r: Resolved, chems: ChemicalView[], tripEnd: string): ProblemItem[] {
    const out: ProblemItem[] = [];
    // Highly toxic chemicals and explosives need the special category (剧毒化学品、爆炸品).
    const special = chems.some((x) => x.highlyToxic || (x.unClass?.startsWith('1') ?? false));
    for (const [path, person, role] of [
      ['driverId', r.driver, 'driver'],
      ['escortId', r.escort, 'escort'],
    ] as const) {
      const tag = role.toUpperCase();
      if (!person) {
        out.push(p(path, 'REFERENCE_NOT_FOUND', `the ${role} does not exist`));
        continue;
      }
      if (person.employerId !== r.carrier?.id)
        out.push(p(path, `${tag}_NOT_EMPLOYED`, `${person.name} is not employed by the carrier`));
      if (person.status !== 'active') out.push(p(path, `${tag}_INACTIVE`, `${person.name} is inactive`));
      const kinds =
        role === 'driver'
          ? special
            ? ['dg_driver_toxic_explosive']
            : ['dg_driver', 'dg_driver_toxic_explosive']
          : special
            ? ['dg_escort_toxic_explosive']
            : ['dg_escort', 'dg_escort_toxic_explosive'];
      // Only a qualification transport confirmed counts (null: none confirmed yet).
      if (person.qualificationKind === null || person.qualificationExpiry === null) {
        out.push(
          p(
            path,
            `${tag}_QUALIFICATION_UNCONFIRMED`,
            `${person.name} has no qualification (从业资格) confirmed by transport`,
          ),
        );
        continue;
      }
      if (!kinds.includes(person.qualificationKind)) {
        out.push(
          p(
            path,
            `${tag}_QUALIFICATION_KIND`,
            `${person.name} holds ${person.qualificationKind}; this load needs ${kinds.join(' or ')}`,
          ),
        );
      }
      if (person.qualificationExpiry < tripEnd)
        out.push(
          p(
            path,
            `${tag}_QUALIFICATION_EXPIRED`,
            `the qualification of ${person.name} expires on ${person.qualificationExpiry}`,
          ),
        );
    }
    if (r.driver && r.escort && r.driver.id === r.escort.id)
      out.push(p('escortId', 'SAME_PERSON', 'driver and escort must be two different people'));
    return out;
  }

  private facilities(c: ContentForRules, r: Resolved): ProblemItem[] {
    const out: ProblemItem[] = [];
    if (!r.loading) out.push(p('loadingFacilityId', 'REFERENCE_NOT_FOUND', 'the loading facility does not exist'));
    else if (r.loading.enterpriseId !== c.consignorId)
      // Named by the path, not by its name: a facility id that is not the party's tells nothing of it.
      out.push(p('loadingFacilityId', 'LOADING_FACILITY_OWNER', "the loading facility is not the consignor's"));
    if (!r.unloading)
      out.push(p('unloadingFacilityId', 'REFERENCE_NOT_FOUND', 'the unloading facility does not exist'));
    else if (r.unloading.enterpriseId !== c.consigneeId)
      out.push(p('unloadingFacilityId', 'UNLOADING_FACILITY_OWNER', "the unloading facility is not the consignee's"));
    for (const [path, f] of [
      ['loadingFacilityId', r.loading],
      ['unloadingFacilityId', r.unloading],
    ] as const) {
      // A facility whose siting emergency management has not confirmed (or that closed) is no trip's end.
      if (f && f.status !== 'active')
        out.push(
          p(
            path,
            'FACILITY_NOT_ACTIVE',
            `the ${path === 'loadingFacilityId' ? 'loading' : 'unloading'} facility is ${f.status === 'pending' ? 'not yet confirmed' : f.status}`,
          ),
        );
    }
    return out;
  }

  private route(
    c: ContentForRules,
    r: Resolved,
    chems: ChemicalView[],
    classes: string[],
    tripStart: string,
    tripEnd: string,
  ): ProblemItem[] {
    const out: ProblemItem[] = [];
    const route = r.route;
    if (!route) return [p('routeId', 'REFERENCE_NOT_FOUND', 'the route does not exist')];
    if (route.status !== 'approved')
      out.push(p('routeId', 'ROUTE_NOT_APPROVED', `route ${route.name} is ${route.status}`));
    if (route.validFrom > tripStart || route.validTo < tripEnd)
      out.push(
        p(
          'routeId',
          'ROUTE_NOT_VALID',
          `route ${route.name} is valid ${route.validFrom} to ${route.validTo}, not over the whole trip`,
        ),
      );
    for (const cls of classes) {
      if (!route.hazardClasses.some((rc) => classCovers(rc, cls)))
        out.push(p('routeId', 'ROUTE_CLASS', `route ${route.name} does not allow class ${cls}`));
    }
    if (route.chemicalIds.length) {
      for (const chem of chems)
        if (!route.chemicalIds.includes(chem.id))
          out.push(p('routeId', 'ROUTE_CHEMICAL', `route ${route.name} does not allow ${chem.nameZh}`));
    }
    if (route.allowedHours.length) {
      const minutes = shanghaiParts(c.plannedDeparture).minuteOfDay;
      const windows = route.allowedHours.map(
        (h) =>
          [
            Number(h.from.slice(0, 2)) * 60 + Number(h.from.slice(3)),
            Number(h.to.slice(0, 2)) * 60 + Number(h.to.slice(3)),
          ] as const,
      );
      if (!windows.some(([f, t]) => (f <= t ? minutes >= f && minutes < t : minutes >= f || minutes < t))) {
        out.push(
          p(
            'plannedDeparture',
            'ROUTE_HOURS',
            `route ${route.name} is open ${route.allowedHours.map((h) => `${h.from}–${h.to}`).join(', ')} (local time)`,
          ),
        );
      }
    }
    const coords = (route.geometry as { coordinates: Array<[number, number]> }).coordinates;
    if (r.loading && distanceToFacility(coords[0]!, r.loading) > ROUTE_END_TOLERANCE_M)
      out.push(
        p('routeId', 'ROUTE_START_FAR', `route ${route.name} does not start within 2 km of the loading facility`),
      );
    if (r.unloading && distanceToFacility(coords[coords.length - 1]!, r.unloading) > ROUTE_END_TOLERANCE_M)
      out.push(p('routeId', 'ROUTE_END_FAR', `route ${route.name} does not end within 2 km of the unloading facility`));
    for (const tunnel of route.tunnels) {
      for (const i of c.items) {
        const chem = r.chemicals.get(i.chemicalId);
        if (
          chem &&
          !tunnelAllows(
            tunnel.category as TunnelCategory,
            chem.tunnelCode,
            i.packaging === 'tank' ? 'tank' : 'other',
            chem.unClass?.startsWith('1') ? i.quantityKg : 0,
          )
        ) {
          out.push(
            p(
              `items[${i.line - 1}]`,
              'TUNNEL_RESTRICTED',
              `${chem.nameZh} (tunnel code ${chem.tunnelCode}, ${i.packaging === 'tank' ? 'tank' : 'packaged'}) may not pass ${tunnel.name} (category ${tunnel.category})`,
            ),
          );
        }
      }
    }
    return out;
  }

  private load(c: ContentForRules, r: Resolved): ProblemItem[] {
    const out: ProblemItem[] = [];
    const conflicts = segregationConflicts(
      c.items.map((i) => ({
        line: i.line,
        unClass: r.chemicals.get(i.chemicalId)?.unClass ?? null,
        subsidiaryRisks: r.chemicals.get(i.chemicalId)?.subsidiaryRisks ?? [],
      })),
    );
    for (const [a, b] of conflicts)
      out.push(p('items', 'SEGREGATION', `lines ${a} and ${b} may not be loaded together (ADR 7.5.2.1)`));
    const byCompartment = new Map<number, Set<string>>();
    for (const i of c.items.filter((x) => x.packaging === 'tank')) {
      if (i.compartment === null) {
        out.push(p(`items[${i.line - 1}].compartment`, 'COMPARTMENT_REQUIRED', 'a tank load names its compartment'));
        continue;
      }
      byCompartment.set(i.compartment, (byCompartment.get(i.compartment) ?? new Set()).add(i.chemicalId));
    }
    for (const [n, set] of byCompartment)
      if (set.size > 1)
        out.push(
          p('items', 'COMPARTMENT_SHARED', `compartment ${n} would hold ${set.size} chemicals; one per compartment`),
        );
    return out;
  }

  /**
   * A highly toxic load travels under the police road pass (剧毒化学品道路运输通行证, Decree 591
   * Art. 50): the pass the waybill names counts only as police recorded or verified it, held by the
   * consignor or the carrier, over the whole trip, for this route, vehicle and chemicals.
   */
  private async toxicPass(
    c: ContentForRules,
    chems: ChemicalView[],
    tripStart: string,
    tripEnd: string,
  ): Promise<ProblemItem[]> {
    const toxic = chems.filter((x) => x.highlyToxic);
    if (!toxic.length) return [];
    const pass = c.toxicPass;
    if (!pass)
      return [
        p(
          'toxicPass',
          'TOXIC_PASS_REQUIRED',
          'a highly toxic (剧毒) load needs the police road transport pass (剧毒化学品道路运输通行证)',
        ),
      ];
    const out: ProblemItem[] = [];
    if (pass.routeId !== c.routeId)
      out.push(p('toxicPass.routeId', 'TOXIC_PASS_ROUTE', 'the pass permits another route'));
    const records = await this.registry.licencesByNumber('highly_toxic_road_pass', pass.number, [
      c.consignorId,
      c.carrierId,
    ]);
    const record = records.find((l) => l.status === 'verified');
    if (!record) {
      const pending = records.some((l) => l.status === 'pending');
      out.push(
        p(
          'toxicPass.number',
          'TOXIC_PASS_NOT_VERIFIED',
          pending
            ? `road pass ${pass.number} awaits verification by police`
            : `no road pass ${pass.number} issued by police is on record for the consignor or the carrier`,
        ),
      );
      return out;
    }
    if (record.validFrom > tripStart || record.validTo < tripEnd)
      out.push(
        p(
          'toxicPass',
          'TOXIC_PASS_NOT_VALID',
          `the pass is valid ${record.validFrom} to ${record.validTo}, not over the whole trip`,
        ),
      );
    if (record.scope.routeIds.length && !record.scope.routeIds.includes(c.routeId))
      out.push(p('toxicPass.routeId', 'TOXIC_PASS_ROUTE', `pass ${record.number} permits other routes`));
    if (record.scope.vehicleIds.length && !record.scope.vehicleIds.includes(c.vehicleId))
      out.push(p('vehicleId', 'TOXIC_PASS_VEHICLE', `pass ${record.number} names other vehicles`));
    for (const chem of toxic) {
      const covered =
        record.scope.chemicalIds.includes(chem.id) || record.scope.classes.some((cl) => classCovers(cl, chem.unClass));
      if (!covered) out.push(p('items', 'TOXIC_PASS_CHEMICAL', `pass ${record.number} does not cover ${chem.nameZh}`));
    }
    return out;
  }
}

/** Mass of an item in kg (volumes by the catalogue density), or null when it cannot be known. */
export function itemKg(
  value: number,
  unit: 'kg' | 't' | 'L' | 'm3',
  chemical: ChemicalView | undefined,
): number | null {
  return toKg(value, unit, chemical?.densityKgPerL ?? null);
}
