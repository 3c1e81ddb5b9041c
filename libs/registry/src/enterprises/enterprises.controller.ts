import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import {
  CreateEnterpriseDto,
  CreditEventView,
  EnterprisePage,
  EnterpriseQuery,
  EnterpriseView,
  SetCreditStatusDto,
  UpdateEnterpriseDto,
} from './enterprise.dto.js';
import { EnterpriseService } from './enterprise.service.js';

@ApiTags('registry: enterprises')
@Controller('v1/enterprises')
export class EnterprisesController {
  constructor(private readonly enterprises: EnterpriseService) {}

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Register an enterprise (admin).' })
  @ApiCreatedResponse({ type: EnterpriseView })
  create(@Body() body: CreateEnterpriseDto): Promise<EnterpriseView> {
    return this.enterprises.create(body);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: 'List enterprises (an enterprise key sees only its own).' })
  @ApiOkResponse({ type: EnterprisePage })
  list(@Query() query: EnterpriseQuery, @CurrentPrincipal() p: Principal): Promise<Page<EnterpriseView>> {
    return this.enterprises.list(query, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: EnterpriseView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<EnterpriseView> {
    return this.enterprises.get(id, p);
  }

  @Patch(':id')
  @Allow('admin', 'agency:emergency', 'enterprise')
  @ApiOperation({
    summary:
      'Change an enterprise: itself its name, address and contacts directly; its district and roles are filed for emergency management (202, pendingChanges), who or admin write them directly.',
  })
  @ApiOkResponse({ type: EnterpriseView, description: 'Applied.' })
  @ApiAcceptedResponse({
    type: EnterpriseView,
    description: 'Filed for confirmation; the confirmed values still rule.',
  })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateEnterpriseDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EnterpriseView> {
    const { view, filed } = await this.enterprises.update(id, body, p);
    if (filed) res.status(202);
    return view;
  }

  @Put(':id/credit-status')
  @Allow('admin')
  @ApiOperation({ summary: 'Set the credit status (admin). A blacklisted enterprise starts no movement or waybill.' })
  @ApiOkResponse({ type: EnterpriseView })
  setCreditStatus(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SetCreditStatusDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<EnterpriseView> {
    return this.enterprises.setCreditStatus(id, body, p);
  }

  @Get(':id/credit-history')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: [CreditEventView] })
  history(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<CreditEventView[]> {
    return this.enterprises.creditHistory(id, p);
  }
}
