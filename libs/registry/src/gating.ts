import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import * as v from 'class-validator';
import {
  AGENCIES,
  type Agency,
  type Filing,
  FILING_KINDS,
  type FilingKind,
  FilingsService,
  Forbidden,
  type Principal,
} from '@lib/platform';

/**
 * Gating fields (what decides what a party may do) and who confirms them. A change an enterprise
 * makes to one is a claim filed for the confirming agency (issuers.ts) and the old value rules
 * until it confirms; the agency that issues a group writes it directly, admin writes anything;
 * other fields change directly for the owner.
 */
export interface GatedGroup<E> {
  kind: FilingKind;
  agency: Agency;
  fields: ReadonlyArray<keyof E & string>;
  /** How the work queue names the document (道路运输证). */
  label: string;
}

export interface Claim<E> {
  group: GatedGroup<E>;
  proposed: Partial<E>;
  current: Partial<E>;
}

/** The reason a writer gives with a change (kept on the filing that records it). */
export class ChangeReasonDto {
  @ApiPropertyOptional({
    description:
      'Why: kept with the change in the subject’s filings (GET /v1/filings?subjectId=). The issuing agency gives it when it suspends or corrects a fact.',
    example: '罐体检验不合格，暂停使用',
  })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason?: string;
}

export class PendingChangeView {
  @ApiProperty({ format: 'uuid', description: 'The filing in the confirming agency’s work queue (/v1/filings/:id).' })
  filingId: string;
  @ApiProperty({ enum: FILING_KINDS }) kind: FilingKind;
  @ApiProperty({ enum: AGENCIES, description: 'Who confirms it.' }) agency: Agency;
  @ApiProperty({ description: 'The claimed values; the record keeps the confirmed ones until then.' })
  proposed: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) filedAt: string;
}

export const toPendingChange = (f: Filing): PendingChangeView => ({
  filingId: f.id,
  kind: f.kind,
  agency: f.agency,
  proposed: f.proposed,
  filedAt: f.filedAt.toISOString(),
});

/** Two field values are the same (string lists compared as sets: media, classes). */
function same(a: unknown, b: unknown): boolean {
  const norm = (value: unknown): unknown =>
    Array.isArray(value) && value.every((x) => typeof x === 'string') ? [...(value as string[])].sort() : value;
  return JSON.stringify(norm(a) ?? null) === JSON.stringify(norm(b) ?? null);
}

/**
 * Splits a change of a record into what this principal writes now and what waits for the agency
 * entitled to confirm it. An agency changing another agency's group, or a field no group of its
 * own holds, is refused: it asserts only what it issues.
 */
export function splitChange<E extends object>(
  principal: Principal,
  current: E,
  next: E,
  groups: ReadonlyArray<GatedGroup<E>>,
  direct: ReadonlyArray<keyof E & string>,
): { direct: Partial<E>; claims: Array<Claim<E>>; asserted: Array<Claim<E>> } {
  const out: { direct: Partial<E>; claims: Array<Claim<E>>; asserted: Array<Claim<E>> } = {
    direct: {},
    claims: [],
    asserted: [],
  };
  const changed = (f: keyof E & string): boolean => !same(current[f], next[f]);
  for (const f of direct) {
    if (!changed(f)) continue;
    if (principal.kind === 'agency') throw new Forbidden(`${principal.agency} does not assert ${f}`, 'NOT_THE_ISSUER');
    out.direct[f] = next[f];
  }
  for (const group of groups) {
    const fields = group.fields.filter(changed);
    if (fields.length === 0) continue;
    const writesDirectly =
      principal.kind === 'admin' || (principal.kind === 'agency' && principal.agency === group.agency);
    if (principal.kind === 'agency' && !writesDirectly)
      throw new Forbidden(`${group.label} is confirmed by ${group.agency}, not ${principal.agency}`, 'NOT_THE_ISSUER');
    const proposed = Object.fromEntries(fields.map((f) => [f, next[f]])) as Partial<E>;
    const claim = { group, proposed, current: Object.fromEntries(fields.map((f) => [f, current[f]])) as Partial<E> };
    if (writesDirectly) {
      Object.assign(out.direct, proposed);
      out.asserted.push(claim);
    } else out.claims.push(claim);
  }
  return out;
}

/** Files the claims of one record for their confirming agencies (inside the caller's transaction). */
@Injectable()
export class ClaimFiler {
  constructor(private readonly filings: FilingsService) {}

  /**
   * A claim about a group that already has one pending is merged into it (the later filing
   * supersedes the earlier, so it must carry both changes).
   */
  async file<E extends object>(
    claims: Array<Claim<E>>,
    record: E,
    subject: { type: string; id: string; enterpriseId: string; name: string },
    principal: Principal,
  ): Promise<Filing[]> {
    const out: Filing[] = [];
    const pending = await this.filings.pendingAbout([subject.id]);
    for (const c of claims) {
      const earlier = pending.find((f) => f.kind === c.group.kind);
      const proposed = { ...earlier?.proposed, ...(c.proposed as Record<string, unknown>) };
      const current = Object.fromEntries(Object.keys(proposed).map((f) => [f, record[f as keyof E] ?? null]));
      out.push(
        await this.filings.file(
          {
            kind: c.group.kind,
            agency: c.group.agency,
            subjectType: subject.type,
            subjectId: subject.id,
            enterpriseId: subject.enterpriseId,
            proposed,
            current,
            summary: `${subject.name}: ${c.group.label} (${Object.keys(proposed).join(', ')})`,
          },
          principal,
        ),
      );
    }
    return out;
  }

  /** Records what the entitled party wrote directly (its history), with its reason. */
  async recordAsserted<E extends object>(
    asserted: Array<Claim<E>>,
    subject: { type: string; id: string; enterpriseId: string; name: string },
    principal: Principal,
    reason: string | null,
  ): Promise<void> {
    for (const c of asserted) {
      await this.filings.recordAsserted(
        {
          kind: c.group.kind,
          agency: c.group.agency,
          subjectType: subject.type,
          subjectId: subject.id,
          enterpriseId: subject.enterpriseId,
          proposed: c.proposed as Record<string, unknown>,
          current: c.current as Record<string, unknown>,
          summary: `${subject.name}: ${c.group.label} (${Object.keys(c.proposed).join(', ')})`,
        },
        principal,
        reason,
      );
    }
  }

  /**
   * Applies one change of a record as this principal may: direct fields and what it asserts are
   * written (the assertion recorded with its reason), claims are filed. Returns whether anything
   * was filed (the route answers 202).
   */
  async apply<E extends object>(
    split: { direct: Partial<E>; claims: Array<Claim<E>>; asserted: Array<Claim<E>> },
    record: E,
    subject: { type: string; id: string; enterpriseId: string; name: string },
    principal: Principal,
    reason: string | null,
    write: (patch: Partial<E>) => Promise<void>,
  ): Promise<boolean> {
    if (Object.keys(split.direct).length) await write(split.direct);
    await this.recordAsserted(split.asserted, subject, principal, reason);
    return (await this.file(split.claims, record, subject, principal)).length > 0;
  }

  /** Pending changes per subject, for the subjects' API views. */
  async pendingBySubject(ids: string[]): Promise<Map<string, PendingChangeView[]>> {
    const map = new Map<string, PendingChangeView[]>();
    for (const f of await this.filings.pendingAbout(ids))
      map.set(f.subjectId, [...(map.get(f.subjectId) ?? []), toPendingChange(f)]);
    return map;
  }
}
