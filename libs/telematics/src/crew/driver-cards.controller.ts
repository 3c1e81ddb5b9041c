import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { DriverCardQuery, DriverCardView } from './driver-card.dto.js';
import { DriverCardsService } from './driver-cards.service.js';

@ApiTags('telematics')
@Controller('v1')
export class DriverCardsController {
  constructor(private readonly cards: DriverCardsService) {}

  @Get('vehicles/:id/driver-cards')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      "Who is driving: the driver cards (从业资格证 IC 卡) the vehicle's terminal reported inserted or removed (JT/T 808 0x0702), newest first. The citizen id is masked unless the reader is the carrier or admin, or an agency whose sharing policy shows driver id numbers; an agency reads these as it reads crew.",
  })
  @ApiOkResponse({ type: [DriverCardView] })
  list(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: DriverCardQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<DriverCardView[]> {
    return this.cards.list(id, q.limit ?? 20, p);
  }
}
