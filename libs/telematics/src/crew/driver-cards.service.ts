import { Inject, Injectable } from '@nestjs/common';
import type { DriverIdentityReport } from '@lib/jt808';
import { AppConfig, NotFound, type Principal, READ_POLICY, type ReadPolicy, uuidFromName } from '@lib/platform';
import { maskPersonal, RegistryLookup } from '@lib/registry';
import { AssignmentsService } from '../assignments/assignments.service.js';
import type { DriverCardView } from './driver-card.dto.js';
import { type DriverCardRecord, DriverCardsRepository } from './driver-cards.repository.js';
import { normaliseQualification } from './qualification.js';

/** A card time further ahead of the server clock than this is refused, as a fix's is. */
const MAX_AHEAD_MS = 5 * 60_000;

export type CardReportOutcome = 'stored' | 'duplicate' | 'refused';

/**
 * Who is driving: the driver cards terminals report (JT/T 808 0x0702), stored against the vehicle
 * and its trip. The engine reads them in order with the vehicle's fixes (FixEvaluator); people read
 * them here, the citizen id masked as the registry masks persons'. The citizen id is never logged.
 */
@Injectable()
export class DriverCardsService {
  constructor(
    private readonly cards: DriverCardsRepository,
    private readonly assignments: AssignmentsService,
    private readonly registry: RegistryLookup,
    private readonly config: AppConfig,
    @Inject(READ_POLICY) private readonly reads: ReadPolicy,
  ) {}

  /**
   * Stores a report from the vehicle's authenticated terminal. A 2011 report has no time: its
   * receipt is its time. A time more than 5 minutes ahead or older than the fix retention is
   * refused: a card event the engine would apply out of all order with the fixes.
   */
  async report(vehicleId: string, r: DriverIdentityReport, receivedAt: Date): Promise<CardReportOutcome> {
    const ts = r.at ? new Date(r.at) : receivedAt;
    const retentionMs = this.config.telematics.fixRetentionDays * 86_400_000;
    if (ts.getTime() > receivedAt.getTime() + MAX_AHEAD_MS || ts.getTime() < receivedAt.getTime() - retentionMs)
      return 'refused';
    const assignment = (await this.assignments.forVehicles([vehicleId])).get(vehicleId);
    const onTrip =
      assignment?.waybillId && assignment.validFrom <= ts && ts <= assignment.validTo ? assignment : undefined;
    const qualificationNumber = normaliseQualification(r.card?.qualificationNumber);
    const record: DriverCardRecord = {
      // The same report sent again is the same row.
      id: uuidFromName(`driver-card|${vehicleId}|${ts.toISOString()}|${r.status}|${qualificationNumber ?? ''}`),
      vehicleId,
      waybillId: onTrip?.waybillId ?? null,
      status: r.status,
      ts,
      receivedAt,
      readResult: r.readResult,
      driverName: r.card?.name || null,
      qualificationNumber,
      issuer: r.card?.issuer || null,
      validUntil: r.card?.validUntil ?? null,
      citizenId: r.card?.citizenId ?? null,
      onWaybill:
        onTrip === undefined
          ? null
          : qualificationNumber !== null && onTrip.crewQualifications.includes(qualificationNumber),
      layout: r.layout,
    };
    return (await this.cards.insert(record)) ? 'stored' : 'duplicate';
  }

  /**
   * A vehicle's card events, newest first: its carrier and admin see the citizen id; an agency
   * reads them as it reads crew (403 without), masked unless its policy shows driver id numbers.
   */
  async list(vehicleId: string, limit: number, principal: Principal): Promise<DriverCardView[]> {
    const reads = await this.reads.readsOf(principal);
    reads.require('crew');
    const vehicle = (await this.registry.vehicleMap([vehicleId])).get(vehicleId);
    if (!vehicle || (principal.kind === 'enterprise' && principal.enterpriseId !== vehicle.carrierId))
      throw new NotFound('vehicle', vehicleId);
    const clear = principal.kind === 'admin' || principal.kind === 'enterprise';
    return (await this.cards.ofVehicle(vehicleId, limit)).map((c) => {
      const view: DriverCardView = {
        id: c.id,
        vehicleId: c.vehicleId,
        waybillId: c.waybillId,
        status: c.status,
        at: c.ts.toISOString(),
        receivedAt: c.receivedAt.toISOString(),
        readResult: c.readResult,
        role: 'driver',
        name: c.driverName,
        qualificationNumber: c.qualificationNumber,
        issuer: c.issuer,
        validUntil: c.validUntil,
        idNumber: clear ? c.citizenId : maskPersonal(c.citizenId),
        masked: !clear && c.citizenId !== null,
        onWaybill: c.onWaybill,
      };
      if (principal.kind !== 'agency') return view;
      // The policy decides what an agency sees in clear (it masks what it does not name).
      const shaped = reads.shape('crew', { ...view, idNumber: c.citizenId });
      return { ...shaped, masked: shaped.idNumber !== c.citizenId };
    });
  }
}
