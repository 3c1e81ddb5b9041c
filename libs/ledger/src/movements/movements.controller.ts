import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, CurrentPrincipal, FilingView, type Page, type Principal } from '@lib/platform';
import {
  InTransitPage,
  InTransitQuery,
  InTransitView,
  MovementPage,
  MovementQuery,
  MovementView,
  RecordMovementDto,
  ReverseMovementDto,
} from './movement.dto.js';
import { CorrectionService, type Recording } from './correction.service.js';
import { MovementService } from './movement.service.js';

/** 201 with the booked legs, or 202 with the correction filed for emergency management. */
function answer(r: Recording, res: Response): MovementView[] | FilingView {
  if (r.filed) {
    res.status(202);
    return r.filed;
  }
  return r.booked!;
}

@ApiTags('ledger: movements')
@Controller('v1/movements')
export class MovementsController {
  constructor(
    private readonly movements: MovementService,
    private readonly corrections: CorrectionService,
  ) {}

  @Post()
  @Allow('admin', 'agency:emergency', 'enterprise')
  @ApiOperation({
    summary:
      'Record a lifecycle operation on your own facility; answers its legs (two for transfer and waste generation; more for split and merge).',
    description:
      "Refusals are 422 with a rule code per failed check: STOCK_NEGATIVE, CAPACITY_EXCEEDED, CAPACITY_NOT_DECLARED, ENTERPRISE_BLACKLISTED, CHEMICAL_PROHIBITED, CHEMICAL_RESTRICTED, LICENCE_* , PURCHASE_PERMIT_REQUIRED, PRECURSOR_FILING_REQUIRED, DENSITY_UNKNOWN, IN_FUTURE, CORRECTION_REASON_REQUIRED, ... Nothing is written when any fails. A sale or shipment books the shipper's leg only: the buyer or consignee receives it (receive with sourceMovementId). A movement dated more than LEDGER_BACKDATE_HOURS back is a correction: an enterprise's is filed for emergency management (202 with the filing; booked when confirmed), emergency management's or admin's is booked with its correctionReason. Emergency management records corrections only.",
  })
  @ApiCreatedResponse({ type: [MovementView] })
  @ApiAcceptedResponse({
    type: FilingView,
    description: 'A correction filed for emergency management; nothing booked yet.',
  })
  async record(
    @Body() body: RecordMovementDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MovementView[] | FilingView> {
    return answer(await this.corrections.recordOrFile(body, p), res);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: MovementPage })
  list(@Query() q: MovementQuery, @CurrentPrincipal() p: Principal): Promise<Page<MovementView>> {
    return this.movements.list(q, p);
  }

  @Get('in-transit')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'Shipments and sales still in transit: for an enterprise those addressed to it, with what is still open to receive.',
  })
  @ApiOkResponse({ type: InTransitPage })
  inTransit(@Query() q: InTransitQuery, @CurrentPrincipal() p: Principal): Promise<Page<InTransitView>> {
    return this.movements.inTransit(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: MovementView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<MovementView> {
    return this.movements.get(id, p);
  }

  @Post(':id/reverse')
  @Allow('admin', 'agency:emergency', 'enterprise')
  @ApiOperation({
    summary:
      'Correct a mistake: book the opposite of every leg of the operation, pointing at what it reverses. Nothing is ever updated or deleted.',
    description:
      "A reversal of a movement dated beyond LEDGER_BACKDATE_HOURS is a correction: an enterprise's is filed for emergency management (202), with its reason.",
  })
  @ApiCreatedResponse({ type: [MovementView] })
  @ApiAcceptedResponse({
    type: FilingView,
    description: 'A correction filed for emergency management; nothing booked yet.',
  })
  async reverse(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReverseMovementDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MovementView[] | FilingView> {
    return answer(await this.corrections.reverseOrFile(id, body, p), res);
  }
}
