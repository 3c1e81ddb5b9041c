import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ApiPurposeHeader, CurrentPrincipal, type Principal, Purpose } from '@lib/platform';
import { DataRequestDto, DataRequestView, DecisionDto } from '../exchange.dto.js';
import { DataRequestService } from './data-request.service.js';

@ApiTags('exchange')
@Controller('v1/exchange/data-requests')
export class DataRequestsController {
  constructor(private readonly requests: DataRequestService) {}

  @Post()
  @Allow('agency')
  @ApiOperation({
    summary: 'Ask for data outside the standing policy (a vehicle track, a person in clear), with the reason.',
  })
  @ApiCreatedResponse({ type: DataRequestView })
  create(@Body() body: DataRequestDto, @CurrentPrincipal() p: Principal): Promise<DataRequestView> {
    return this.requests.create(body, p);
  }

  @Get()
  @Allow('admin', 'agency')
  @ApiOkResponse({ type: [DataRequestView] })
  list(@CurrentPrincipal() p: Principal): Promise<DataRequestView[]> {
    return this.requests.list(p);
  }

  @Get(':id')
  @Allow('admin', 'agency')
  @ApiOkResponse({ type: DataRequestView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<DataRequestView> {
    return this.requests.get(id, p);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Allow('admin')
  @ApiOperation({ summary: 'Grant the request for validHours (default 72).' })
  approve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: DecisionDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<DataRequestView> {
    return this.requests.decide(id, true, body, p);
  }

  @Post(':id/refuse')
  @HttpCode(200)
  @Allow('admin')
  refuse(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: DecisionDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<DataRequestView> {
    return this.requests.decide(id, false, body, p);
  }

  @Get(':id/data')
  @Allow('agency')
  @ApiPurposeHeader()
  @ApiOperation({ summary: 'The granted data while the grant lasts; each use is logged with the grant.' })
  data(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() p: Principal,
    @Purpose() purpose: string | null,
  ): Promise<Record<string, unknown>> {
    return this.requests.data(id, p, purpose);
  }
}
