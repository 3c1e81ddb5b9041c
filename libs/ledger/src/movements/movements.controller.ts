import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import { MovementPage, MovementQuery, MovementView, RecordMovementDto, ReverseMovementDto } from './movement.dto.js';
import { MovementService } from './movement.service.js';

@ApiTags('ledger: movements')
@Controller('v1/movements')
export class MovementsController {
  constructor(private readonly movements: MovementService) {}

  @Post()
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary:
      'Record a lifecycle operation; answers its legs (two for transfer, sale, waste generation; more for split and merge).',
    description:
      'Refusals are 422 with a rule code per failed check: STOCK_NEGATIVE, CAPACITY_EXCEEDED, CAPACITY_NOT_DECLARED, ENTERPRISE_BLACKLISTED, CHEMICAL_PROHIBITED, CHEMICAL_RESTRICTED, LICENCE_* , PURCHASE_PERMIT_REQUIRED, PRECURSOR_FILING_REQUIRED, DENSITY_UNKNOWN, ... Nothing is written when any fails.',
  })
  @ApiCreatedResponse({ type: [MovementView] })
  record(@Body() body: RecordMovementDto, @CurrentPrincipal() p: Principal): Promise<MovementView[]> {
    return this.movements.record(body, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: MovementPage })
  list(@Query() q: MovementQuery, @CurrentPrincipal() p: Principal): Promise<Page<MovementView>> {
    return this.movements.list(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: MovementView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<MovementView> {
    return this.movements.get(id, p);
  }

  @Post(':id/reverse')
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary:
      'Correct a mistake: book the opposite of every leg of the operation, pointing at what it reverses. Nothing is ever updated or deleted.',
  })
  @ApiCreatedResponse({ type: [MovementView] })
  reverse(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReverseMovementDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<MovementView[]> {
    return this.movements.reverse(id, body, p);
  }
}
