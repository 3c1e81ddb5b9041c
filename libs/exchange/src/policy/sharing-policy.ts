import { AGENCIES, type Agency, EVENTS, type EventType, type ProblemItem, VIOLATION_RULES } from '@lib/platform';
import { maskPersonal } from '@lib/registry';

/**
 * The sharing policy (数据共享策略) as data: for each agency, which event types it receives and
 * which of their fields, which personal fields it sees in clear, which violations alert it, and
 * where an unacknowledged alert escalates. Admin edits it through the API; every change is a
 * new version. Pure code: the relay, the feed and the tests all use these functions.
 */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Personal fields that events may carry (the crew attached to a waybill or an alert); masked unless named. */
export const PERSONAL_PATHS = ['driver.idNumber', 'driver.phone', 'escort.idNumber', 'escort.phone'] as const;
export type PersonalPath = (typeof PERSONAL_PATHS)[number];

export interface EventRule {
  /** Event types, `<stream>.*` or `*`. */
  types: string[];
  /** Top-level payload fields given out, or `*` for all. */
  fields: string[];
  /** Personal fields shown in clear (the rest are masked: first 3 and last 4 characters). */
  unmasked: PersonalPath[];
}

/** What the REST API gives that no event carries: latest positions and tracks (read-grants.ts). */
export const READ_ONLY_RESOURCES = ['positions', 'tracks'] as const;
export type ReadOnlyResource = (typeof READ_ONLY_RESOURCES)[number];

export interface ReadRule {
  resources: ReadOnlyResource[];
  /** Fields of each position, or of each point of a track, or `*` for all. */
  fields: string[];
}

export interface AgencyPolicy {
  events: EventRule[];
  /**
   * Positions and tracks the agency reads through the REST API (absent: none). Violations,
   * waybills and crew are not listed here: the REST API shows them as the agency's events do.
   */
  reads?: ReadRule[];
  /** Which violations alert this agency (violation.opened/closed/acknowledged): rules (or `*`) and the lowest severity. */
  alerts: { rules: string[]; minSeverity: Severity };
}

export interface SharingPolicy {
  agencies: Record<Agency, AgencyPolicy>;
  /** An alert no receiving agency acknowledged within afterSeconds goes to the next level, and so on. */
  escalation: { afterSeconds: number; levels: Array<{ agencies: Agency[]; note: string }> };
}

const CREW_IN_CLEAR: PersonalPath[] = ['driver.idNumber', 'driver.phone', 'escort.idNumber', 'escort.phone'];
const DISCREPANCIES = ['waybill.discrepancy', 'ledger.discrepancy', 'waste.discrepancy'];
const ON_THE_ROAD: ReadRule[] = [{ resources: ['positions', 'tracks'], fields: ['*'] }];

/** The policy the service ships with (version 1), after the plan's division of work between the five agencies. */
export const DEFAULT_POLICY: SharingPolicy = {
  agencies: {
    // 公安: every alert about a loaded vehicle, with the trip's vehicle, crew (in clear) and load; unfiled controlled sales.
    police: {
      events: [
        { types: ['violation.*'], fields: ['*'], unmasked: CREW_IN_CLEAR },
        { types: ['waybill.*'], fields: ['*'], unmasked: CREW_IN_CLEAR },
        // Sales of 剧毒 and 易制爆 their sellers did not file within 5 days (Decree 591 Art. 41).
        { types: ['controlled.*'], fields: ['*'], unmasked: [] },
      ],
      reads: ON_THE_ROAD,
      alerts: {
        rules: [
          'ROUTE_DEVIATION',
          'ZONE_INTRUSION',
          'TERMINAL_ALARM',
          'UNDECLARED_TRIP',
          'WRONG_DESTINATION',
          'CREW_MISMATCH',
        ],
        minSeverity: 'low',
      },
    },
    // 交通运输: every vehicle alert and every waybill, and conflicts over the terminals it binds; the crew's phone numbers in clear, id numbers masked.
    transport: {
      events: [
        { types: ['violation.*'], fields: ['*'], unmasked: ['driver.phone', 'escort.phone'] },
        { types: ['waybill.*'], fields: ['*'], unmasked: ['driver.phone', 'escort.phone'] },
        { types: ['terminal.*'], fields: ['*'], unmasked: [] },
      ],
      reads: ON_THE_ROAD,
      alerts: { rules: ['*'], minSeverity: 'low' },
    },
    // 应急管理: discrepancies, stock movements, audits and escalated alerts; and the signed checkpoints
    // of every hash chain, kept where the service's own insiders cannot reach them.
    emergency: {
      events: [
        { types: [...DISCREPANCIES, 'ledger.movement.recorded', 'audit.*'], fields: ['*'], unmasked: [] },
        { types: ['violation.escalated'], fields: ['*'], unmasked: [] },
        { types: ['integrity.checkpoint'], fields: ['*'], unmasked: [] },
      ],
      reads: [],
      alerts: { rules: [], minSeverity: 'high' },
    },
    // 市场监管: licences and discrepancies, no positions and no crew.
    market: {
      events: [{ types: [...DISCREPANCIES, 'licence.expiring', 'audit.order.*'], fields: ['*'], unmasked: [] }],
      reads: [],
      alerts: { rules: [], minSeverity: 'high' },
    },
    // 生态环境: hazardous waste flows.
    ecology: {
      events: [{ types: ['waste.*'], fields: ['*'], unmasked: [] }],
      reads: [],
      alerts: { rules: [], minSeverity: 'high' },
    },
  },
  escalation: {
    afterSeconds: 600,
    levels: [
      { agencies: ['emergency'], note: '市应急管理局值班室 (city emergency duty office)' },
      { agencies: ['emergency', 'police', 'transport'], note: '市安委会办公室 (city work-safety committee office)' },
    ],
  },
};

const VIOLATION_ALERT_TYPES = new Set(['violation.opened', 'violation.closed', 'violation.acknowledged']);

export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

export function ruleFor(policy: AgencyPolicy, type: string): EventRule | undefined {
  return policy.events.find((r) => r.types.some((p) => typeMatches(p, type)));
}

/** Whether an agency's policy gives it events of this type at all. */
export function covers(policy: AgencyPolicy, type: string): boolean {
  return ruleFor(policy, type) !== undefined;
}

/** The agencies an event goes to: its type is in their policy and, for alerts, the violation alerts them. */
export function audienceOf(policy: SharingPolicy, type: string, payload: Record<string, unknown>): Agency[] {
  return AGENCIES.filter((agency) => {
    const p = policy.agencies[agency];
    if (!ruleFor(p, type)) return false;
    if (type === 'violation.escalated') {
      const to = [...((payload.to as string[]) ?? []), ...((payload.alerted as string[]) ?? [])];
      return to.includes(agency);
    }
    if (VIOLATION_ALERT_TYPES.has(type)) {
      const rule = String(payload.rule ?? '');
      if (!p.alerts.rules.includes('*') && !p.alerts.rules.includes(rule)) return false;
      const severity = payload.severity as Severity | undefined;
      if (severity && SEVERITIES.indexOf(severity) < SEVERITIES.indexOf(p.alerts.minSeverity)) return false;
    }
    return true;
  });
}

/** The event's payload as an agency may see it: only its fields, personal fields masked unless named. */
export function shapeFor(
  policy: SharingPolicy,
  agency: Agency,
  type: string,
  payload: Record<string, unknown>,
): Record<string, unknown> | null {
  const rule = ruleFor(policy.agencies[agency], type);
  if (!rule) return null;
  const out: Record<string, unknown> = rule.fields.includes('*')
    ? { ...payload }
    : Object.fromEntries(Object.entries(payload).filter(([k]) => rule.fields.includes(k)));
  for (const who of ['driver', 'escort'] as const) {
    const person = out[who] as Record<string, unknown> | undefined;
    if (!person || typeof person !== 'object') continue;
    const shown = { ...person };
    let masked = false;
    for (const field of ['idNumber', 'phone'] as const) {
      if (rule.unmasked.includes(`${who}.${field}`) || typeof shown[field] !== 'string') continue;
      shown[field] = maskPersonal(shown[field] as string);
      masked = true;
    }
    shown.masked = masked;
    out[who] = shown;
  }
  return out;
}

/**
 * What a webhook delivery of this event carries for an agency under a policy: the payload shaped
 * for it, or null when the policy does not send the agency this event (its type is not given to
 * it, or the alert does not reach it). The one shaping of a delivery: the relay uses it when it
 * creates the delivery, a policy change and a replay when they shape a delivery not yet sent anew.
 */
export function deliveryFor(
  policy: SharingPolicy,
  agency: Agency,
  type: string,
  payload: Record<string, unknown>,
): Record<string, unknown> | null {
  if (!audienceOf(policy, type, payload).includes(agency)) return null;
  return shapeFor(policy, agency, type, payload);
}

/** Checks a policy document; every problem with its path (agencies.police.events[0].types[1]). */
export function policyProblems(doc: unknown): ProblemItem[] {
  const problems: ProblemItem[] = [];
  const bad = (path: string, rule: string, message: string): void => void problems.push({ path, rule, message });
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!isObject(doc)) return [{ path: '', rule: 'NOT_AN_OBJECT', message: 'the policy must be an object' }];
  const knownTypes = Object.keys(EVENTS);
  const agencies = doc.agencies;
  if (!isObject(agencies)) bad('agencies', 'REQUIRED', 'agencies must be an object with one entry per agency');
  else {
    for (const key of Object.keys(agencies))
      if (!(AGENCIES as readonly string[]).includes(key))
        bad(`agencies.${key}`, 'UNKNOWN_AGENCY', `agencies are ${AGENCIES.join(', ')}`);
    for (const agency of AGENCIES) {
      const base = `agencies.${agency}`;
      const a = agencies[agency];
      if (!isObject(a)) {
        bad(base, 'REQUIRED', `the policy must say what ${agency} receives (an empty events list for nothing)`);
        continue;
      }
      if (!Array.isArray(a.events)) bad(`${base}.events`, 'REQUIRED', 'events must be a list of rules');
      else
        a.events.forEach((r: unknown, i) => {
          const at = `${base}.events[${i}]`;
          if (!isObject(r)) return bad(at, 'NOT_AN_OBJECT', 'a rule is {types, fields, unmasked}');
          if (!strings(r.types) || r.types.length === 0)
            bad(`${at}.types`, 'REQUIRED', 'types must be a non-empty list of event types');
          else
            r.types.forEach((t, j) => {
              const ok =
                t === '*' ||
                knownTypes.includes(t) ||
                (t.endsWith('.*') && knownTypes.some((k) => k.startsWith(t.slice(0, -1))));
              if (!ok)
                bad(
                  `${at}.types[${j}]`,
                  'UNKNOWN_EVENT_TYPE',
                  `${t} is not in the catalogue (GET /v1/exchange/schemas)`,
                );
            });
          if (!strings(r.fields) || r.fields.length === 0)
            bad(`${at}.fields`, 'REQUIRED', 'fields must list payload fields, or be ["*"]');
          else
            r.fields.forEach((f, j) => {
              if (f !== '*' && !/^[a-zA-Z][a-zA-Z0-9]*$/.test(f))
                bad(`${at}.fields[${j}]`, 'BAD_FIELD', 'a field is a top-level payload field name, or *');
            });
          if (!strings(r.unmasked)) bad(`${at}.unmasked`, 'REQUIRED', 'unmasked must be a list (empty: all masked)');
          else
            r.unmasked.forEach((f, j) => {
              if (!(PERSONAL_PATHS as readonly string[]).includes(f))
                bad(
                  `${at}.unmasked[${j}]`,
                  'UNKNOWN_PERSONAL_FIELD',
                  `personal fields are ${PERSONAL_PATHS.join(', ')}`,
                );
            });
        });
      if (a.reads !== undefined) readProblems(a.reads, `${base}.reads`, bad);
      const alerts = a.alerts;
      if (!isObject(alerts)) bad(`${base}.alerts`, 'REQUIRED', 'alerts must be {rules, minSeverity}');
      else {
        if (!strings(alerts.rules)) bad(`${base}.alerts.rules`, 'REQUIRED', 'rules must be a list (empty: no alerts)');
        else
          alerts.rules.forEach((r, j) => {
            if (r !== '*' && !(VIOLATION_RULES as readonly string[]).includes(r))
              bad(`${base}.alerts.rules[${j}]`, 'UNKNOWN_RULE', `violation rules are ${VIOLATION_RULES.join(', ')}`);
          });
        if (!(SEVERITIES as readonly unknown[]).includes(alerts.minSeverity))
          bad(`${base}.alerts.minSeverity`, 'UNKNOWN_SEVERITY', `severity is one of ${SEVERITIES.join(', ')}`);
      }
    }
  }
  const esc = doc.escalation;
  if (!isObject(esc)) bad('escalation', 'REQUIRED', 'escalation must be {afterSeconds, levels}');
  else {
    const after = esc.afterSeconds;
    if (typeof after !== 'number' || !Number.isInteger(after) || after < 1 || after > 86400)
      bad('escalation.afterSeconds', 'OUT_OF_RANGE', 'afterSeconds must be an integer from 1 to 86400');
    if (!Array.isArray(esc.levels))
      bad('escalation.levels', 'REQUIRED', 'levels must be a list (empty: no escalation)');
    else
      esc.levels.forEach((l: unknown, i) => {
        const at = `escalation.levels[${i}]`;
        if (!isObject(l) || !strings(l.agencies) || l.agencies.length === 0)
          return bad(`${at}.agencies`, 'REQUIRED', 'a level names at least one agency');
        l.agencies.forEach((ag, j) => {
          if (!(AGENCIES as readonly string[]).includes(ag))
            bad(`${at}.agencies[${j}]`, 'UNKNOWN_AGENCY', `agencies are ${AGENCIES.join(', ')}`);
        });
        if (typeof l.note !== 'string') bad(`${at}.note`, 'REQUIRED', 'a level has a note (who is reached)');
      });
  }
  return problems;
}

function readProblems(reads: unknown, base: string, bad: (path: string, rule: string, message: string) => void): void {
  if (!Array.isArray(reads))
    return bad(base, 'NOT_A_LIST', 'reads must be a list of {resources, fields} (empty: none)');
  reads.forEach((r: unknown, i) => {
    const at = `${base}[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      return bad(at, 'NOT_AN_OBJECT', 'a read rule is {resources, fields}');
    const { resources, fields } = r as Record<string, unknown>;
    if (!Array.isArray(resources) || resources.length === 0)
      bad(`${at}.resources`, 'REQUIRED', `resources must be a non-empty list of ${READ_ONLY_RESOURCES.join(', ')}`);
    else
      resources.forEach((res: unknown, j) => {
        if ((READ_ONLY_RESOURCES as readonly unknown[]).includes(res)) return;
        bad(
          `${at}.resources[${j}]`,
          'UNKNOWN_READ_RESOURCE',
          ['violations', 'waybills', 'crew'].includes(res as string)
            ? `${String(res)} are read as the agency's events show them: grant them in events`
            : `read resources are ${READ_ONLY_RESOURCES.join(', ')}`,
        );
      });
    if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string'))
      bad(`${at}.fields`, 'REQUIRED', 'fields must list fields, or be ["*"]');
    else
      fields.forEach((f: string, j) => {
        if (f !== '*' && !/^[a-zA-Z][a-zA-Z0-9]*$/.test(f))
          bad(`${at}.fields[${j}]`, 'BAD_FIELD', 'a field is a field name, or *');
      });
  });
}

export type { EventType };
