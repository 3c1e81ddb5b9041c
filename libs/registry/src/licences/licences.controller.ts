import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import { CreateLicenceDto, LicencePage, LicenceQuery, LicenceView, SetLicenceStatusDto } from './licence.dto.js';
import { LicenceService } from './licence.service.js';

@ApiTags('registry: licences')
@Controller('v1')
export class LicencesController {
  constructor(private readonly licences: LicenceService) {}

  @Post('enterprises/:id/licences')
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'Record a licence of an enterprise (admin, or the enterprise itself).' })
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
  @Allow('admin')
  @ApiOperation({ summary: 'Suspend, revoke or reinstate a licence (admin).' })
  @ApiOkResponse({ type: LicenceView })
  setStatus(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('licenceId', new ParseUUIDPipe()) licenceId: string,
    @Body() body: SetLicenceStatusDto,
  ): Promise<LicenceView> {
    return this.licences.setStatus(id, licenceId, body);
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
}
