import type { ProblemItem } from '@lib/platform';
import type { ChemicalView, EnterpriseView, FacilityView, PersonView, VehicleView } from '@lib/registry';
import type { RouteView } from '@lib/telematics';

/**
 * What every rule family reads: the waybill's content and everything it names, looked up once
 * before any rule runs ("look everything up first, then check"). The rule files are pure: data
 * in, problems out, no I/O and no clock (the instant a rule needs comes in as an argument).
 */

/** An asset of this trip that another active waybill already holds (read when resolving). */
export interface BusyAsset {
  kind: 'vehicle' | 'trailer' | 'driver' | 'escort';
  waybillId: string;
  /** The holder is the same consignor's or carrier's: only then may its id be named. */
  own: boolean;
}

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
  /** The trip's vehicle, trailer and crew already on another active waybill. */
  busy: BusyAsset[];
}

export interface ContentForRules {
  /** The waybill itself (absent for a draft not yet stored): its own reservations are no conflict. */
  waybillId?: string;
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

export const p = (path: string, rule: string, message: string): ProblemItem => ({ path, rule, message });

/** The path of an item line (lines count from 1, paths from 0). */
export const itemPath = (line: number, field?: string): string => `items[${line - 1}]${field ? `.${field}` : ''}`;
