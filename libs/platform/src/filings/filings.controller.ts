import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../http/pagination.js';
import {
  DecideFilingDto,
  FilingDecisionResult,
  FilingDecisionsDto,
  FilingPage,
  FilingQuery,
  FilingView,
  RefuseFilingDto,
} from './filing.dto.js';
import { FilingsService } from './filings.service.js';

@ApiTags('supervision: filings (待审核事项)')
@Controller('v1/filings')
export class FilingsController {
  constructor(private readonly filings: FilingsService) {}

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      "The work queue: an agency's filings to confirm (?status=pending), oldest first; an enterprise's own filings; admin all.",
  })
  @ApiOkResponse({ type: FilingPage })
  list(@Query() q: FilingQuery, @CurrentPrincipal() p: Principal): Promise<Page<FilingView>> {
    return this.filings.list(q, p);
  }

  @Post('decisions')
  @HttpCode(200)
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      'Decide up to 500 filings at once (the agency that issues each, or admin): each is taken on its own and answered with its outcome.',
  })
  @ApiOkResponse({ type: [FilingDecisionResult] })
  decideMany(@Body() body: FilingDecisionsDto, @CurrentPrincipal() p: Principal): Promise<FilingDecisionResult[]> {
    return this.filings.decideMany(body.decisions, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: FilingView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<FilingView> {
    return this.filings.get(id, p);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'Confirm a filing (the agency that issues it, or admin): the claim becomes the fact.' })
  @ApiOkResponse({ type: FilingView })
  confirm(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: DecideFilingDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<FilingView> {
    return this.filings.confirm(id, body.reason ?? null, p);
  }

  @Post(':id/refuse')
  @HttpCode(200)
  @Allow('admin', 'agency')
  @ApiOperation({
    summary: 'Refuse a filing, with the reason (the agency that issues it, or admin); the old value stays.',
  })
  @ApiOkResponse({ type: FilingView })
  refuse(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RefuseFilingDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<FilingView> {
    return this.filings.refuse(id, body.reason, p);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'Withdraw a pending filing (the enterprise that filed it).' })
  @ApiOkResponse({ type: FilingView })
  withdraw(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<FilingView> {
    return this.filings.withdraw(id, p);
  }
}
