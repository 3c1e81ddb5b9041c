/**
 * What an alert about a vehicle needs to be acted on without a call back, taken once when the
 * assignment is set (an e-waybill's loading, or a hand-set assignment) and carried by every
 * violation the vehicle raises under it: a fact travels once. Personal fields (idNumber, phone)
 * are stored in clear; the sharing policy masks them for each agency on the way out.
 */
export interface AlertFacts {
  plate: string | null;
  /** JT/T 808 plate colour code (1 blue, 2 yellow, …) as the vehicle's terminal binding records it. */
  plateColour: number | null;
  routeName: string | null;
  /** The e-waybill that set the assignment, as it stood at loading; null for manual and override assignments. */
  waybill: WaybillAlertFacts | null;
}

/** Something named: an enterprise, facility or route as people call it. */
export interface NamedRef {
  id: string;
  name: string | null;
}

export interface CrewMemberFacts {
  id: string;
  name: string;
  idNumber: string;
  phone: string | null;
}

export interface LoadItemFacts {
  chemicalId: string;
  name: string | null;
  unNumber: string | null;
  properShippingName: string;
  unClass: string | null;
  packingGroup: string | null;
  quantityKg: number;
}

export interface WaybillAlertFacts {
  id: string;
  number: string;
  /** The waybill's status when it set the assignment (loaded). */
  status: string;
  consignor: NamedRef;
  carrier: NamedRef;
  consignee: NamedRef;
  loadingFacility: NamedRef;
  unloadingFacility: NamedRef;
  route: NamedRef | null;
  items: LoadItemFacts[];
  driver: CrewMemberFacts | null;
  escort: CrewMemberFacts | null;
}
