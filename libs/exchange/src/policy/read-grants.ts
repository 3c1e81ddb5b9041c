import {
  type Agency,
  type ReadResource,
  ReadNotGranted,
  type Reads,
  type ViolationReach,
  type WaybillReach,
} from '@lib/platform';
import { maskPersonal } from '@lib/registry';
import {
  type EventRule,
  PERSONAL_PATHS,
  type PersonalPath,
  type ReadOnlyResource,
  ruleFor,
  SEVERITIES,
  type SharingPolicy,
} from './sharing-policy.js';

/**
 * What an agency reads through the REST API, from the same policy document as its events, so
 * that the feed and the REST reads cannot disagree. Pure code, like sharing-policy.ts.
 *
 * - positions, tracks: no event carries them; the agency's `reads` list names them.
 * - violations: as the alerts show them. The agency reads the violations whose violation.opened
 *   the policy in force sends it (its alert rules and lowest severity), with that rule's fields,
 *   and the violations escalated to it (violation.escalated), with what that event carries.
 * - waybills: an agency receiving the waybill's lifecycle events (waybill.submitted …) reads every
 *   waybill, with that rule's fields; one receiving only waybill.discrepancy reads the waybills
 *   with a discrepancy, and only what that event carries (number, parties, the lines).
 * - crew (GET /v1/personnel): as the waybill and alert events show the driver and escort: given
 *   when one of those rules gives them, each personal field in clear only when every such rule
 *   shows it in clear.
 */
export interface ReadGrant {
  /** Fields given (`*`: all). The record's id is always given. */
  fields: string[];
  unmasked: PersonalPath[];
}

export interface AgencyReadGrants {
  positions: ReadGrant | null;
  tracks: ReadGrant | null;
  violations: { grant: ReadGrant; rules: string[] | null; severities: string[]; escalations: boolean } | null;
  waybills: { grant: ReadGrant; reach: Exclude<WaybillReach, 'none'> } | null;
  crew: ReadGrant | null;
}

const ALERT = 'violation.opened';
const ESCALATION = 'violation.escalated';
const WAYBILL = 'waybill.submitted';
const DISCREPANCY = 'waybill.discrepancy';

/** The fields violation.escalated shares with a violation. */
const ESCALATION_FIELDS = ['vehicleId', 'rule', 'severity', 'waybillId'];
/** The fields waybill.discrepancy shares with a waybill (`lines` is the waybill's `discrepancy`). */
const DISCREPANCY_FIELDS = ['number', 'consignorId', 'carrierId', 'consigneeId', 'lines'];

const all = (fields: string[]): boolean => fields.includes('*');
const gives = (fields: string[], field: string): boolean => all(fields) || fields.includes(field);
const within = (fields: string[], shared: string[]): string[] => shared.filter((f) => gives(fields, f));

export function readGrants(policy: SharingPolicy, agency: Agency): AgencyReadGrants {
  const p = policy.agencies[agency];
  const listed = (resource: ReadOnlyResource): ReadGrant | null => {
    const rule = (p.reads ?? []).find((r) => r.resources.includes(resource));
    return rule ? { fields: rule.fields, unmasked: [] } : null;
  };
  const alert = ruleFor(p, ALERT);
  const escalation = ruleFor(p, ESCALATION);
  const lifecycle = ruleFor(p, WAYBILL);
  const discrepancy = ruleFor(p, DISCREPANCY);
  const crewSources = [lifecycle, alert].filter(
    (r): r is EventRule => r !== undefined && (gives(r.fields, 'driver') || gives(r.fields, 'escort')),
  );
  return {
    positions: listed('positions'),
    tracks: listed('tracks'),
    violations:
      alert || escalation
        ? {
            grant: alert
              ? { fields: alert.fields, unmasked: alert.unmasked }
              : { fields: within(escalation!.fields, ESCALATION_FIELDS), unmasked: [] },
            rules: !alert ? [] : p.alerts.rules.includes('*') ? null : p.alerts.rules,
            severities: alert ? SEVERITIES.slice(SEVERITIES.indexOf(p.alerts.minSeverity)) : [],
            escalations: escalation !== undefined,
          }
        : null,
    waybills: lifecycle
      ? { grant: { fields: lifecycle.fields, unmasked: lifecycle.unmasked }, reach: 'all' }
      : discrepancy
        ? { grant: { fields: within(discrepancy.fields, DISCREPANCY_FIELDS), unmasked: [] }, reach: 'with-discrepancy' }
        : null,
    crew: crewSources.length
      ? {
          fields: ['*'],
          unmasked: PERSONAL_PATHS.filter((path) => crewSources.every((r) => r.unmasked.includes(path))),
        }
      : null,
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Only the given fields of a record (and the `keep` ones, its identity). */
function pick(record: Json, fields: string[], keep: string[]): Json {
  if (all(fields)) return { ...record };
  return Object.fromEntries(Object.entries(record).filter(([k]) => keep.includes(k) || fields.includes(k)));
}

function shapeTrack(feature: Json, fields: string[]): Json {
  if (all(fields)) return feature;
  const properties = isObject(feature.properties) ? feature.properties : {};
  const points = Array.isArray(properties.points) ? (properties.points as Json[]) : [];
  return {
    ...feature,
    // The line is the points' positions: drawn only when lon and lat are given.
    geometry: gives(fields, 'lon') && gives(fields, 'lat') ? feature.geometry : { type: 'LineString', coordinates: [] },
    properties: { ...properties, points: points.map((pt) => pick(pt, fields, ['ts'])) },
  };
}

function shapeWaybill(w: Json, grant: ReadGrant, reach: Exclude<WaybillReach, 'none'>): Json {
  if (reach === 'with-discrepancy') {
    const parties = isObject(w.parties) ? w.parties : {};
    return {
      id: w.id,
      ...(gives(grant.fields, 'number') ? { number: w.number } : {}),
      parties: pick(parties, grant.fields, []),
      ...(gives(grant.fields, 'lines') ? { discrepancy: w.discrepancy ?? null } : {}),
    };
  }
  if (all(grant.fields)) return w;
  // The filed content and the parties carry the fields the waybill events carry, by the same names.
  const out = pick(w, grant.fields, ['id']);
  for (const nested of ['content', 'parties']) if (isObject(w[nested])) out[nested] = pick(w[nested], grant.fields, []);
  return out;
}

function shapePerson(person: Json, grant: ReadGrant): Json {
  const role = person.role === 'escort' ? 'escort' : 'driver';
  const out = { ...person };
  let masked = false;
  for (const field of ['idNumber', 'phone'] as const) {
    if (typeof out[field] !== 'string' || grant.unmasked.includes(`${role}.${field}`)) continue;
    out[field] = maskPersonal(out[field]);
    masked = true;
  }
  out.masked = masked;
  return out;
}

/** An agency's reads under one policy version (see Reads in the platform's read-policy port). */
export class AgencyReads implements Reads {
  readonly violations: ViolationReach;
  readonly waybills: WaybillReach;

  constructor(
    private readonly agency: Agency,
    readonly policyVersion: number,
    private readonly grants: AgencyReadGrants,
    escalatedIds: string[],
  ) {
    const v = grants.violations;
    this.violations = {
      rules: v ? v.rules : [],
      severities: v ? v.severities : [],
      escalatedIds: v?.escalations ? escalatedIds : [],
    };
    this.waybills = grants.waybills?.reach ?? 'none';
  }

  private grantOf(resource: ReadResource): ReadGrant | null {
    const g = this.grants[resource];
    if (g === null) return null;
    return 'grant' in g ? g.grant : g;
  }

  may(resource: ReadResource): boolean {
    return this.grants[resource] !== null;
  }

  require(resource: ReadResource): void {
    if (!this.may(resource)) throw new ReadNotGranted(this.agency, resource, this.policyVersion);
  }

  whole(resource: ReadResource): boolean {
    const g = this.grantOf(resource);
    if (!g || !all(g.fields)) return false;
    if (resource === 'waybills') return this.waybills === 'all';
    if (resource === 'crew') return PERSONAL_PATHS.every((p) => g.unmasked.includes(p));
    return true;
  }

  shape<T extends object>(resource: ReadResource, record: T): T {
    const g = this.grantOf(resource);
    if (!g) throw new ReadNotGranted(this.agency, resource, this.policyVersion);
    const r = record as Json;
    switch (resource) {
      case 'positions':
        return pick(r, g.fields, ['vehicleId']) as T;
      case 'tracks':
        return shapeTrack(r, g.fields) as T;
      case 'violations':
        return pick(r, g.fields, ['id']) as T;
      case 'waybills':
        return shapeWaybill(r, g, this.grants.waybills!.reach) as T;
      case 'crew':
        return shapePerson(r, g) as T;
    }
  }
}
