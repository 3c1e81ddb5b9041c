import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { WaybillReportPage, WaybillReportQuery } from './waybill-report.dto.js';
import { WaybillReportsService } from './waybill-reports.service.js';

@ApiTags('telematics: terminal waybill reports')
@Controller('v1/vehicles')
export class WaybillReportsController {
  constructor(private readonly reports: WaybillReportsService) {}

  @Get(':id/waybill-reports')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      "The vehicle's JT/T 808 electronic waybill reports (0x0701 电子运单上报), newest first: admin, the vehicle's carrier, and agencies whose sharing policy gives them every waybill (police and transport by default); 404 for anyone else.",
  })
  @ApiOkResponse({ type: WaybillReportPage })
  list(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: WaybillReportQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<WaybillReportPage> {
    return this.reports.list(id, q, p);
  }
}
