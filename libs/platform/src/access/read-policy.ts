import type { Agency, Principal } from '../auth/principal.js';
import { Forbidden } from '../errors/domain-error.js';

/**
 * The port through which telematics, waybill and registry ask what a reader may read. The
 * sharing policy that answers belongs to the exchange context, which imports those three, so
 * they cannot import it: the exchange implements this interface and provides it under
 * READ_POLICY, and the REST reads and the feed are shaped by the same policy functions.
 */
export const READ_RESOURCES = ['positions', 'tracks', 'violations', 'waybills', 'crew'] as const;
export type ReadResource = (typeof READ_RESOURCES)[number];

/** Which violations a reader may read. */
export interface ViolationReach {
  /** Rules whose alerts the policy in force sends the reader (null: every rule)… */
  rules: string[] | null;
  /** …at these severities. */
  severities: string[];
  /** And the violations escalated to the reader, whatever their rule (violation.escalated). */
  escalatedIds: string[];
}

/** Whether a violation is one the reach gives. */
export function reaches(reach: ViolationReach, v: { id: string; rule: string; severity: string }): boolean {
  if (reach.escalatedIds.includes(v.id)) return true;
  return (reach.rules === null || reach.rules.includes(v.rule)) && reach.severities.includes(v.severity);
}

/** Waybills: every one, only those with a discrepancy (a reader that receives only waybill.discrepancy), or none. */
export type WaybillReach = 'all' | 'with-discrepancy' | 'none';

/** What one reader may read, under the policy version in force when it was asked (once per request). */
export interface Reads {
  /** The version that decided; null when the policy does not apply (admin; an enterprise within its own records). */
  readonly policyVersion: number | null;
  /** null: no restriction. */
  readonly violations: ViolationReach | null;
  /** null: no restriction. */
  readonly waybills: WaybillReach | null;
  may(resource: ReadResource): boolean;
  /** Refuses (403 READ_NOT_GRANTED) when the policy gives the reader none of this resource. */
  require(resource: ReadResource): void;
  /** Whether the reader gets every field of this resource (the printable waybill is the whole document). */
  whole(resource: ReadResource): boolean;
  /**
   * A record as the reader may see it: the fields its policy gives (the record's id always),
   * personal fields masked unless named. Withheld fields are absent, not null.
   */
  shape<T extends object>(resource: ReadResource, record: T): T;
}

export interface ReadPolicy {
  readsOf(principal: Principal): Promise<Reads>;
  /**
   * The agencies an alert went to: the audience the relay recorded for violation.opened and for
   * each violation.escalated; before the relay has published the alert, the audience the policy
   * in force gives it. Only these may acknowledge it.
   */
  alertAudience(alert: { violationId: string; rule: string; severity: string }): Promise<Agency[]>;
}

/** Injection token of the ReadPolicy (provided by the exchange context). */
export const READ_POLICY = Symbol('READ_POLICY');

export class ReadNotGranted extends Forbidden {
  constructor(agency: Agency, resource: ReadResource, policyVersion: number) {
    super(
      `the sharing policy (version ${policyVersion}) gives ${agency} no ${resource} (GET /v1/exchange/policy)`,
      'READ_NOT_GRANTED',
    );
  }
}

/** Admin, and an enterprise within its own records: the policy does not apply; each context's scope rules do. */
export const UNRESTRICTED_READS: Reads = {
  policyVersion: null,
  violations: null,
  waybills: null,
  may: () => true,
  require: () => undefined,
  whole: () => true,
  shape: (_resource, record) => record,
};
