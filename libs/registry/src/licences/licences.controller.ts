import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import {
  CreateLicenceDto,
  LicencePage,
  LicenceQuery,
  LicenceVersionView,
  LicenceView,
  SetLicenceStatusDto,
} from './licence.dto.js';
import { LicenceService } from './licence.service.js';

@ApiTags('registry: licences')
@Controller('v1')
export class LicencesController {
  constructor(private readonly licences: LicenceService) {}

  @Post('enterprises/:id/licences')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'File a licence (the enterprise: pending until its issuer verifies it) or record one (its issuing agency or admin: in force at once).',
  })
  @ApiCreatedResponse({ type: LicenceView })
  create(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CreateLicenceDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<LicenceView> {
    return this.licences.create(id, body, p);
  }

  @Get('enterprises/:id/licences')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: "An enterprise's licences; ?expiringWithinDays=30 lists those about to expire." })
  @ApiOkResponse({ type: LicencePage })
  list(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: LicenceQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<Page<LicenceView>> {
    return this.licences.list(id, query, p);
  }

  @Put('enterprises/:id/licences/:licenceId/status')
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      'The issuer’s act (the issuing agency or admin): verify or refuse a pending licence, suspend, reinstate or revoke one, with the reason.',
  })
  @ApiOkResponse({ type: LicenceView })
  setStatus(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('licenceId', new ParseUUIDPipe()) licenceId: string,
    @Body() body: SetLicenceStatusDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<LicenceView> {
    return this.licences.setStatus(id, licenceId, body, p);
  }

  @Get('licences')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'Licences across enterprises (agencies: all; an enterprise: its own). ?expiringWithinDays=30 for those about to expire.',
  })
  @ApiOkResponse({ type: LicencePage })
  listAll(@Query() query: LicenceQuery, @CurrentPrincipal() p: Principal): Promise<Page<LicenceView>> {
    return this.licences.list(null, query, p);
  }

  @Get('licences/:licenceId')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: LicenceView })
  get(
    @Param('licenceId', new ParseUUIDPipe()) licenceId: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<LicenceView> {
    return this.licences.get(licenceId, p);
  }

  @Get('licences/:licenceId/history')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: 'Every version of a licence: who changed it, when and why.' })
  @ApiOkResponse({ type: [LicenceVersionView] })
  history(
    @Param('licenceId', new ParseUUIDPipe()) licenceId: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<LicenceVersionView[]> {
    return this.licences.history(licenceId, p);
  }
}
