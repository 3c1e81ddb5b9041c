import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { DeclareStockDto, RecordCountDto, StockRecordView } from '../audit.dto.js';
import { StockRecordsService } from './stock-records.service.js';

@ApiTags('audit')
@Controller('v1')
export class StockRecordsController {
  constructor(private readonly records: StockRecordsService) {}

  @Post('declarations')
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'Declare stock per chemical of a facility (企业库存申报), monthly or when asked.' })
  @ApiCreatedResponse({ type: [StockRecordView] })
  declare(@Body() body: DeclareStockDto, @CurrentPrincipal() p: Principal): Promise<StockRecordView[]> {
    return this.records.declare(body, p);
  }

  @Post('counts')
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'Record a physical count made during an inspection (现场盘点), with photo references.' })
  @ApiCreatedResponse({ type: [StockRecordView] })
  count(@Body() body: RecordCountDto, @CurrentPrincipal() p: Principal): Promise<StockRecordView[]> {
    return this.records.count(body, p);
  }

  @Get('facilities/:id/stock-records')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: "A facility's declarations and counts, newest first (corrections included)." })
  list(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.records.list(id, p);
  }
}
