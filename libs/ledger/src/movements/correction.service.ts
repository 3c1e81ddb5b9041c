import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Database,
  describePrincipal,
  type Filing,
  type FilingDecision,
  type FilingHandler,
  FilingKind,
  FilingsService,
  type FilingView,
  Forbidden,
  HandlesFiling,
  type Principal,
  RulesViolated,
  toFilingView,
  uuid7,
} from '@lib/platform';
import { type CorrectionDraft, LedgerWriter } from '../ledger-writer.js';
import { dating, IN_FUTURE, windowText } from './backdating.js';
import type { MovementView, RecordMovementDto, ReverseMovementDto } from './movement.dto.js';
import { MovementService } from './movement.service.js';

/** What a recording did: booked its legs, or filed a correction for emergency management to confirm. */
export type Recording = { booked: MovementView[]; filed?: never } | { filed: FilingView; booked?: never };

/** What a filed correction asks for (the filing's `proposed`): a movement, or a reversal, and why it came late. */
export type CorrectionRequest =
  | { movement: Omit<RecordMovementDto, 'correctionReason'>; correctionReason: string }
  | { reverses: string; reason: string; correctionReason: string };

/**
 * What a recording through the API becomes, by its date (backdating.ts): a current movement is
 * booked; one dated beyond LEDGER_BACKDATE_HOURS changes history others relied on (stock as of a
 * past day, audits, GB 18218 peaks), so it is a correction. An enterprise's correction is checked,
 * then filed for emergency management and booked only when it confirms; emergency management and
 * admin book one directly. Either way it carries its reason, kept on the movement.
 */
@Injectable()
export class CorrectionService {
  constructor(
    private readonly db: Database,
    private readonly movements: MovementService,
    private readonly writer: LedgerWriter,
    private readonly filings: FilingsService,
    private readonly config: AppConfig,
  ) {}

  /** POST /v1/movements. */
  async recordOrFile(dto: RecordMovementDto, principal: Principal): Promise<Recording> {
    if (!this.isCorrection(new Date(dto.occurredAt), principal, dto.correctionReason)) {
      return { booked: await this.movements.book(dto, principal, null) };
    }
    const correctionReason = dto.correctionReason!;
    if (principal.kind === 'enterprise') {
      const { correctionReason: _, ...movement } = dto;
      return { filed: await this.file({ movement, correctionReason }, principal) };
    }
    return { booked: await this.movements.book(dto, principal, this.bookedDirectly(correctionReason, principal)) };
  }

  /** POST /v1/movements/:id/reverse: a reversal is dated as what it reverses, and its reason serves as the correction's. */
  async reverseOrFile(id: string, dto: ReverseMovementDto, principal: Principal): Promise<Recording> {
    const target = await this.movements.get(id, principal);
    if (!this.isCorrection(new Date(target.occurredAt), principal, dto.reason, true)) {
      return { booked: await this.movements.bookReversal(id, dto.reason, principal, null) };
    }
    if (principal.kind === 'enterprise') {
      return { filed: await this.file({ reverses: id, reason: dto.reason, correctionReason: dto.reason }, principal) };
    }
    return {
      booked: await this.movements.bookReversal(id, dto.reason, principal, this.bookedDirectly(dto.reason, principal)),
    };
  }

  /** Books a correction emergency management confirmed, as of its occurred-at time, as the enterprise that filed it. */
  bookConfirmed(request: CorrectionRequest, filer: Principal, correction: CorrectionDraft): Promise<MovementView[]> {
    if ('movement' in request) return this.movements.book(request.movement, filer, correction);
    return this.movements.bookReversal(request.reverses, request.reason, filer, correction);
  }

  /**
   * Whether a recording dated `at` is a correction, after the rules on its date: never ahead of the
   * clock; a correction carries its reason, and only a correction does; emergency management
   * records corrections only (current movements are the enterprise's to record).
   */
  private isCorrection(
    at: Date,
    principal: Principal,
    correctionReason: string | undefined,
    /** A reversal always says why: its reason serves as the correction's. */
    reasonAlwaysGiven = false,
  ): boolean {
    const when = dating(at, new Date(), this.config.ledger.backdateMs);
    const window = windowText(this.config.ledger.backdateMs);
    if (when === 'future') throw new RulesViolated([IN_FUTURE]);
    if (when === 'current') {
      if (principal.kind === 'agency')
        throw new Forbidden(
          `emergency management books corrections only (dated more than ${window} back); the enterprise records current movements`,
          'CORRECTIONS_ONLY',
        );
      if (correctionReason !== undefined && !reasonAlwaysGiven)
        throw new RulesViolated([
          {
            path: 'correctionReason',
            rule: 'NOT_A_CORRECTION',
            message: `correctionReason is only for movements dated more than ${window} back`,
          },
        ]);
      return false;
    }
    if (!correctionReason)
      throw new RulesViolated([
        {
          path: 'correctionReason',
          rule: 'CORRECTION_REASON_REQUIRED',
          message: `occurredAt lies more than ${window} back: a correction says why in correctionReason`,
        },
      ]);
    return true;
  }

  private bookedDirectly(reason: string, principal: Principal): CorrectionDraft {
    return { reason, filingId: null, by: describePrincipal(principal), byKeyId: principal.keyId || null };
  }

  /**
   * Files a correction for emergency management, after every check its booking would make now
   * (so that the queue holds only what could be booked); it is checked again when confirmed.
   */
  private async file(request: CorrectionRequest, principal: Principal): Promise<FilingView> {
    const filing = await this.db.transaction(async () => {
      let summary: string;
      let enterpriseId: string;
      let subjectId: string;
      if ('movement' in request) {
        const m = request.movement;
        const { draft, lotNumbers, facility, chemical } = await this.movements.draft(m, principal);
        await this.writer.check(draft, lotNumbers);
        const q = m.quantity ? ` ${m.quantity.value} ${m.quantity.unit}` : '';
        summary = `${m.operation}${q} ${chemical.nameZh} at ${facility.name}, dated ${m.occurredAt}: ${request.correctionReason}`;
        enterpriseId = facility.enterpriseId;
        // A correction is its own subject: two of them never supersede each other.
        subjectId = uuid7();
      } else {
        const { draft, target } = await this.movements.reversalDraft(request.reverses, request.reason, principal);
        await this.writer.check(draft);
        summary = `reversal of ${target.type} ${target.id}, dated ${target.occurredAt.toISOString()}: ${request.correctionReason}`;
        enterpriseId = target.enterpriseId;
        // Filing the reversal of one movement again supersedes the earlier filing.
        subjectId = target.id;
      }
      return this.filings.file(
        {
          kind: FilingKind.LedgerCorrection,
          agency: 'emergency',
          subjectType: 'movement',
          subjectId,
          enterpriseId,
          proposed: request as unknown as Record<string, unknown>,
          current: {},
          summary,
        },
        principal,
      );
    });
    return toFilingView(filing);
  }
}

/**
 * A ledger correction becomes a booking only when emergency management confirms it: booked then,
 * as of its occurred-at time, as the enterprise that filed it, with every rule judged again (the
 * stock may have moved since it was filed; a rule it now breaks keeps the filing pending).
 * Refusing it books nothing.
 */
@Injectable()
@HandlesFiling(FilingKind.LedgerCorrection)
export class LedgerCorrectionHandler implements FilingHandler {
  constructor(private readonly corrections: CorrectionService) {}

  async confirm(f: Filing, d: FilingDecision): Promise<Record<string, unknown>> {
    const request = f.proposed as unknown as CorrectionRequest;
    const filer: Principal = { kind: 'enterprise', keyId: f.filedByKeyId ?? '', enterpriseId: f.enterpriseId };
    const legs = await this.corrections.bookConfirmed(request, filer, {
      reason: request.correctionReason,
      filingId: f.id,
      by: describePrincipal(d.principal),
      byKeyId: d.principal.keyId || null,
    });
    return { groupId: legs[0]!.groupId, movementIds: legs.map((m) => m.id) };
  }
}
