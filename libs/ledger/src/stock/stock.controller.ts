import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { LedgerConsistency, StockQuery, StockView } from './stock.dto.js';
import { StockService } from './stock.service.js';

@ApiTags('ledger: stock')
@Controller('v1')
export class StockController {
  constructor(private readonly stock: StockService) {}

  @Get('facilities/:id/stock')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary: 'Stock per chemical and lot (kg), now or as of a past time (?at=), derived from the ledger.',
  })
  @ApiOkResponse({ type: StockView })
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: StockQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<StockView> {
    return this.stock.stock(id, q.at ? new Date(q.at) : null, p);
  }

  @Get('ledger/consistency')
  @Allow('admin', 'agency:emergency')
  @ApiOperation({ summary: 'Check that every maintained balance equals the sum of its movements.' })
  @ApiOkResponse({ type: LedgerConsistency })
  consistency(): Promise<LedgerConsistency> {
    return this.stock.consistency();
  }
}
