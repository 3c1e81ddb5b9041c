import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { AcknowledgeDto, ViolationPage, ViolationQuery, ViolationView } from './violation.dto.js';
import { ViolationsService } from './violations.service.js';

@ApiTags('geofencing: violations')
@Controller('v1/violations')
export class ViolationsController {
  constructor(private readonly violations: ViolationsService) {}

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      "Violations (a carrier sees its own vehicles'; an agency those its sharing policy alerts it to or escalated to it, with its fields), filtered by vehicle, waybill, rule, status, severity, time.",
  })
  @ApiOkResponse({ type: ViolationPage })
  list(@Query() q: ViolationQuery, @CurrentPrincipal() p: Principal): Promise<ViolationPage> {
    return this.violations.list(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: ViolationView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<ViolationView> {
    return this.violations.get(id, p);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Allow('agency')
  @ApiOperation({
    summary:
      'Acknowledge a violation: only an agency the alert went to (opened or escalated; 403 NOT_IN_ALERT_AUDIENCE otherwise); once per agency.',
  })
  @ApiOkResponse({ type: ViolationView })
  acknowledge(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AcknowledgeDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ViolationView> {
    return this.violations.acknowledge(id, body.note, p);
  }
}
