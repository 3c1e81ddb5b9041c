import { Injectable } from '@nestjs/common';
import {
  AccessLog,
  Conflict,
  Database,
  describePrincipal,
  Forbidden,
  NotFound,
  type Principal,
  RulesViolated,
  uuid7,
} from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { PositionsService } from '@lib/telematics';
import type { DataRequestDto, DataRequestView, DecisionDto } from '../exchange.dto.js';
import { type DataRequest, DataRequestRepository } from './data-request.repository.js';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const MAX_TRACK_DAYS = 31;

/**
 * Data requests (数据调取申请): an agency asks for data outside its standing policy with a reason;
 * admin approves (for a limited time) or refuses; each use of an approved grant is logged as such.
 */
@Injectable()
export class DataRequestService {
  constructor(
    private readonly db: Database,
    private readonly repo: DataRequestRepository,
    private readonly registry: RegistryLookup,
    private readonly positions: PositionsService,
    private readonly access: AccessLog,
  ) {}

  async create(dto: DataRequestDto, principal: Principal): Promise<DataRequestView> {
    if (principal.kind !== 'agency') throw new Forbidden('data requests are made by agencies', 'AGENCY_ONLY');
    const problems = [];
    let from: Date | null = null;
    let to: Date | null = null;
    if (dto.kind === 'vehicle-track') {
      if (!dto.from) problems.push({ path: 'from', rule: 'REQUIRED', message: 'a track request names its period' });
      if (!dto.to) problems.push({ path: 'to', rule: 'REQUIRED', message: 'a track request names its period' });
      if (dto.from && dto.to) {
        from = new Date(dto.from);
        to = new Date(dto.to);
        if (to <= from) problems.push({ path: 'to', rule: 'PERIOD_INVERTED', message: 'to must be after from' });
        else if (to.getTime() - from.getTime() > MAX_TRACK_DAYS * 86400_000)
          problems.push({ path: 'to', rule: 'PERIOD_TOO_LONG', message: `at most ${MAX_TRACK_DAYS} days per request` });
      }
      if (!(await this.registry.vehicleMap([dto.subjectId])).has(dto.subjectId))
        problems.push({ path: 'subjectId', rule: 'VEHICLE_NOT_FOUND', message: 'no such vehicle' });
    } else if (!(await this.registry.personMap([dto.subjectId])).has(dto.subjectId)) {
      problems.push({ path: 'subjectId', rule: 'PERSON_NOT_FOUND', message: 'no such person' });
    }
    if (problems.length) throw new RulesViolated(problems);
    const id = uuid7();
    await this.repo.insert({
      id,
      agency: principal.agency,
      requestedBy: principal.keyId,
      kind: dto.kind,
      subjectId: dto.subjectId,
      periodFrom: from,
      periodTo: to,
      reason: dto.reason,
    });
    return this.view((await this.repo.find(id))!);
  }

  async list(principal: Principal): Promise<DataRequestView[]> {
    return (await this.repo.list(principal.kind === 'agency' ? principal.agency : null, 500)).map((r) => this.view(r));
  }

  async get(id: string, principal: Principal): Promise<DataRequestView> {
    return this.view(await this.owned(id, principal));
  }

  async decide(id: string, approve: boolean, dto: DecisionDto, principal: Principal): Promise<DataRequestView> {
    return this.db.transaction(async () => {
      const r = await this.repo.find(id, true);
      if (!r) throw new NotFound('data request', id);
      if (r.status !== 'pending')
        throw new Conflict('ALREADY_DECIDED', `the request was ${r.status} already`, { state: r.status });
      await this.repo.decide(id, {
        status: approve ? 'approved' : 'refused',
        decidedBy: describePrincipal(principal),
        note: dto.note ?? null,
        expiresAt: approve ? new Date(Date.now() + (dto.validHours ?? 72) * 3600_000) : null,
      });
      return this.view((await this.repo.find(id))!);
    });
  }

  /** The granted data, while the grant lasts; each use is in the access log with the grant's id. */
  async data(id: string, principal: Principal, purpose: string | null): Promise<Record<string, unknown>> {
    const r = await this.owned(id, principal);
    if (principal.kind !== 'agency') throw new Forbidden('only the requesting agency uses a grant', 'AGENCY_ONLY');
    if (r.status === 'pending') throw new Conflict('NOT_APPROVED', 'the request has not been decided yet');
    if (r.status === 'refused') throw new Forbidden('the request was refused', 'REQUEST_REFUSED');
    if (r.expiresAt && new Date(r.expiresAt) < new Date())
      throw new Forbidden('the grant has expired', 'GRANT_EXPIRED');
    const system: Principal = { kind: 'admin', keyId: principal.keyId };
    const data =
      r.kind === 'vehicle-track'
        ? await this.positions.track(r.subjectId, new Date(r.periodFrom!), new Date(r.periodTo!), system)
        : { ...(await this.registry.personMap([r.subjectId], null)).get(r.subjectId)! };
    await this.access.record([
      {
        principal,
        channel: 'grant',
        action: r.kind,
        subjects: [`${r.kind === 'person' ? 'person' : 'vehicle'}:${r.subjectId}`],
        detail: { requestId: r.id, from: iso(r.periodFrom), to: iso(r.periodTo) },
        purpose: purpose ?? r.reason,
        grantId: r.id,
      },
    ]);
    return { request: this.view(r), data };
  }

  private async owned(id: string, principal: Principal): Promise<DataRequest> {
    const r = await this.repo.find(id);
    if (!r || (principal.kind === 'agency' && principal.agency !== r.agency)) throw new NotFound('data request', id);
    return r;
  }

  private view(r: DataRequest): DataRequestView {
    return {
      id: r.id,
      agency: r.agency,
      kind: r.kind,
      subjectId: r.subjectId,
      from: iso(r.periodFrom),
      to: iso(r.periodTo),
      reason: r.reason,
      status: r.status,
      decidedBy: r.decidedBy,
      decidedAt: iso(r.decidedAt),
      decisionNote: r.decisionNote,
      expiresAt: iso(r.expiresAt),
      createdAt: new Date(r.createdAt).toISOString(),
    };
  }
}
