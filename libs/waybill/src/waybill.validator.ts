import { Injectable } from '@nestjs/common';
import { type ProblemItem, shanghaiDate, uuidFromName } from '@lib/platform';
import { ManifestService } from '@lib/ledger';
import {
  type Activity,
  AuthorizationService,
  type ChemicalView,
  type EnterpriseView,
  type FacilityView,
  RegistryLookup,
} from '@lib/registry';
import { FencesService } from '@lib/telematics';
import { toKg } from '@lib/ledger';
import { busyAssets } from './rules/assets.js';
import { type BusyAsset, type ContentForRules, p, type Resolved } from './rules/context.js';
import { crew } from './rules/crew.js';
import { load } from './rules/load.js';
import { facilities, parties } from './rules/parties.js';
import { route } from './rules/route.js';
import { tankFilling } from './rules/tank-filling.js';
import { vehicle } from './rules/vehicle.js';
import { WaybillRepository } from './waybill.repository.js';
import { controlledTrip, kgByChemical } from './rules/controlled.js';
import { wasteProblems } from './rules/waste.js';

export type { ContentForRules, Resolved } from './rules/context.js';

/** The authorization query, as the rules ask it: the reasons an enterprise may not do something. */
type Ask = (
  enterpriseId: string,
  activity: Activity,
  chemicalId: string,
  when: Date,
  district?: FacilityView['district'],
  wasteCode?: string,
  purchase?: { quantityKg: number; sellerId: string },
) => Promise<Array<{ code: string; text: string }>>;

/** Reasons the authorization query gives that the waybill reports by rules of its own. */
const REPORTED_ELSEWHERE = new Set(['CHEMICAL_PROHIBITED', 'CHEMICAL_RESTRICTED', 'ENTERPRISE_BLACKLISTED']);
const licenceReasons = <R extends { code: string }>(reasons: R[]): R[] =>
  reasons.filter((reason) => !REPORTED_ELSEWHERE.has(reason.code));

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
    private readonly waybills: WaybillRepository,
  ) {}

  async resolve(c: ContentForRules): Promise<Resolved> {
    const [enterprises, facilityMap, vehicles, people, chemicals, routeView, wasteLots] = await Promise.all([
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
    const busy = await this.busy(c, people);
    return {
      busy,
      consignor: enterprises.get(c.consignorId),
      carrier: enterprises.get(c.carrierId),
      consignee: enterprises.get(c.consigneeId),
      loading: facilityMap.get(c.loadingFacilityId),
      unloading: facilityMap.get(c.unloadingFacilityId),
      vehicle: vehicles.get(c.vehicleId),
      trailer: c.trailerId ? vehicles.get(c.trailerId) : undefined,
      driver: people.get(c.driverId),
      escort: people.get(c.escortId),
      route: routeView,
      chemicals,
      wasteLots,
    };
  }

  /**
   * The trip's vehicle, trailer and crew held by another active waybill (read only: submission's
   * reservation is the race guard). A person is held as the natural person (by id number).
   */
  private async busy(c: ContentForRules, people: Map<string, { idNumber: string }>): Promise<BusyAsset[]> {
    const assets = tripAssets(c, new Map([...people].map(([id, x]) => [id, x.idNumber])));
    const held = await this.waybills.holders(
      assets.map((a) => a.id),
      c.waybillId ?? null,
    );
    return held.flatMap((h) => {
      const asset = assets.find((a) => a.id === h.assetId);
      if (!asset) return [];
      const own = [h.consignorId, h.carrierId].some((e) => e === c.consignorId || e === c.carrierId);
      return [{ kind: asset.kind, waybillId: h.waybillId, own }];
    });
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
  async check(
    c: ContentForRules,
    r: Resolved,
    at: Date,
    stage: 'filing' | 'loading' = 'filing',
  ): Promise<ProblemItem[]> {
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

    out.push(...parties(r, at));
    out.push(...(await this.licences(c, r, known, at)));
    out.push(...vehicle(c, r, known, classes, tripEnd));
    out.push(...tankFilling(c, r));
    out.push(...crew(r, known, tripEnd));
    out.push(...facilities(c, r));
    out.push(...route(c, r, known, classes, tripStart, tripEnd));
    out.push(...load(c, r));
    out.push(...(await controlledTrip(c, known, tripStart, tripEnd, this.registry)).problems);
    out.push(
      ...(await wasteProblems(
        { ...c, consigneeId: r.consignee?.id ?? null, wasteLots: r.wasteLots },
        {
          // Only the consignor's own manifests are found: another's id tells nothing (issue 17 review, 8).
          manifest: (id) => this.manifests.lookup(id, c.consignorId),
          namedElsewhere: (id) => this.waybills.manifestOnActiveWaybill(id, c.waybillId ?? null),
        },
        stage,
      )),
    );
    out.push(...busyAssets(c, r));
    return out;
  }

  /** The carrier's transport licence over the whole trip; the consignee's right to take each chemical. */
  private async licences(c: ContentForRules, r: Resolved, chems: ChemicalView[], at: Date): Promise<ProblemItem[]> {
    const out: ProblemItem[] = [];
    const ask: Ask = async (enterpriseId, activity, chemicalId, when, district, wasteCode, purchase) =>
      (
        await this.authorization.authorize({
          enterpriseId,
          activity,
          chemicalId,
          at: when,
          district,
          wasteCode,
          quantityKg: purchase?.quantityKg,
          counterpartyId: purchase?.sellerId,
        })
      ).reasons;
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
   * The purchase is judged before the goods move, at submission and again at loading, for the
   * waybill's whole quantity of each chemical and with the consignor as the seller: the seller
   * checks the buyer's permit before selling (Decree 591 Art. 39–40; 《易制毒化学品管理条例》 Art. 18).
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
    const bought: Array<(typeof c.items)[number]> = [];
    for (const i of c.items) {
      const chem = r.chemicals.get(i.chemicalId);
      if (!chem) continue;
      const wasteCode = i.lotId ? r.wasteLots.get(i.lotId) : undefined;
      if (wasteCode) {
        const reasons = await ask(consignee.id, 'dispose', chem.id, c.plannedArrival, r.unloading?.district, wasteCode);
        for (const x of licenceReasons(reasons)) add(x, `dispose of ${wasteCode}`);
        continue;
      }
      bought.push(i);
      const holds = await Promise.all(
        (['store', 'use'] as const).map((a) => ask(consignee.id, a, chem.id, c.plannedArrival, r.unloading?.district)),
      );
      // Either licence will do (a trader stores, a user uses); report the first's reasons.
      if (holds.every((reasons) => licenceReasons(reasons).length > 0))
        for (const x of licenceReasons(holds[0]!)) add(x, `hold ${chem.nameZh}`);
    }
    if (consignee.id === c.consignorId) return out;
    // One purchase per chemical: its lines together against the permit's remaining quantity.
    for (const [chemicalId, quantityKg] of kgByChemical(bought)) {
      const chem = r.chemicals.get(chemicalId)!;
      const purchase = { quantityKg, sellerId: c.consignorId };
      const reasons = await ask(
        consignee.id,
        'buy',
        chemicalId,
        c.plannedArrival,
        r.unloading?.district,
        undefined,
        purchase,
      );
      for (const x of licenceReasons(reasons)) add(x, `buy ${chem.nameZh}`);
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

/**
 * What one active trip holds: the vehicle, the trailer and the two people. A person is held as the
 * natural person (by id number), not as one carrier's employment record, so a driver employed by
 * two carriers cannot be on two trips at once.
 */
export function tripAssets(
  c: Pick<ContentForRules, 'vehicleId' | 'trailerId' | 'driverId' | 'escortId'>,
  idNumbers: Map<string, string>,
): Array<{ id: string; kind: BusyAsset['kind'] }> {
  return [
    { id: c.vehicleId, kind: 'vehicle' },
    ...(c.trailerId ? [{ id: c.trailerId, kind: 'trailer' as const }] : []),
    { id: personAsset(idNumbers.get(c.driverId) ?? c.driverId), kind: 'driver' },
    { id: personAsset(idNumbers.get(c.escortId) ?? c.escortId), kind: 'escort' },
  ];
}

const personAsset = (idNumber: string): string => uuidFromName(`person:${idNumber}`);
