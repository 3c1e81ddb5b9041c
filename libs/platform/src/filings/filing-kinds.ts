import type { Agency } from '../auth/principal.js';

/**
 * Every kind of claim a supervised party files for an agency to confirm, in one place (like the
 * jobs table): each kind has exactly one handler, found and checked at boot, that turns a
 * confirmed claim into the fact. Which agency confirms a filing is decided by the context that
 * files it (the registry's issuers table) and recorded on the filing.
 */
export enum FilingKind {
  /** A licence, permit or police filing an enterprise holds (许可证、备案), filed for its issuer to verify. */
  Licence = 'licence',
  /** A vehicle's road transport certificate (道路运输证): classes, approved load, number and expiry. */
  VehicleTransportCertificate = 'vehicle.transport_certificate',
  /** A tank's inspection and registration (罐体检验、移动式压力容器使用登记): approved media, volume, expiry. */
  VehicleTank = 'vehicle.tank',
  /** Which JT/T 808 terminal is fitted to a vehicle (入网): decides whose fixes are the vehicle's. */
  VehicleTerminal = 'vehicle.terminal',
  /** A driver's or escort's qualification (从业资格证): kind, number, expiry. */
  PersonQualification = 'person.qualification',
  /** A facility's siting and design (district, location, fence, design quantities, people within 500 m). */
  FacilitySiting = 'facility.siting',
  /** An enterprise's registered district and roles. */
  EnterpriseRegistration = 'enterprise.registration',
  /** A movement (or reversal) dated further back than LEDGER_BACKDATE_HOURS: booked only once emergency management confirms it. */
  LedgerCorrection = 'ledger.correction',
}

export const FILING_KINDS = Object.values(FilingKind);

/**
 * pending → confirmed | refused (the agency's decision, with its reason), superseded (the filer
 * filed the same thing again before a decision), withdrawn (the filer took it back).
 */
export const FILING_STATUSES = ['pending', 'confirmed', 'refused', 'superseded', 'withdrawn'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

/** A filing as the handlers and the routes see it. */
export interface Filing {
  id: string;
  kind: FilingKind;
  /** The agency that confirms or refuses it. */
  agency: Agency;
  /** What the claim is about: licence, vehicle, person, facility, enterprise, movement. */
  subjectType: string;
  subjectId: string;
  /** The enterprise whose claim it is (the supervised party). */
  enterpriseId: string;
  /** The claimed values, as the handler will apply them. */
  proposed: Record<string, unknown>;
  /** The values in force when it was filed, for the reviewer. */
  current: Record<string, unknown>;
  /** One line for the work queue ("苏B12345: tank inspection to 2028-06-30"). */
  summary: string;
  /** References to the documents the filer relies on (certificate scans, numbers). */
  documents: string[];
  status: FilingStatus;
  filedByKeyId: string | null;
  filedBy: string;
  filedAt: Date;
  decidedByKeyId: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  reason: string | null;
  /** What confirming it produced (the movement ids of a booked correction). */
  outcome: Record<string, unknown> | null;
}
