import type { Principal, ProblemItem } from '@lib/platform';
import type { ChemicalView, FacilityView } from '@lib/registry';
import type { Carriage, LegDraft } from '../../ledger-writer.js';
import type { LotEntity } from '../../movement.entity.js';
import type { RecordMovementDto } from '../movement.dto.js';
import type { OperationKit } from './kit.js';

/** What one requested operation is judged on: the request, who asks, when, where, what. */
export interface OperationContext {
  dto: RecordMovementDto;
  principal: Principal;
  at: Date;
  facility: FacilityView;
  chemical: ChemicalView;
  /** The booking enterprise: the owner of the facility the operation is booked at. */
  owner: string;
  kit: OperationKit;
  /** A waybill's trip (its shipment and receipt legs keep it); null for a client's own booking. */
  carriage: Carriage | null;
}

/**
 * One operation's legs and every rule it found broken (all reported together). `lotNumbers` names
 * lots the stock check may have to mention that are not new.
 */
export interface OperationBuild {
  legs: LegDraft[];
  problems: ProblemItem[];
  newLots?: LotEntity[];
  lotNumbers?: Map<string, string>;
  /**
   * Runs in the booking's transaction once its legs are written (the movements' ids in leg order):
   * what the registry books beside it (a permit consumed, a sale to file).
   */
  after?: (movementIds: string[]) => Promise<void>;
}

/** One file per operation under operations/, each exporting one of these. */
export type OperationBuilder = (ctx: OperationContext) => Promise<OperationBuild>;
