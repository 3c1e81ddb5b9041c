import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import { CreateFacilityDto, FacilityPage, FacilityQuery, FacilityView, UpdateFacilityDto } from './facility.dto.js';
import { FacilityService } from './facility.service.js';

@ApiTags('registry: facilities')
@Controller('v1/facilities')
export class FacilitiesController {
  constructor(private readonly facilities: FacilityService) {}

  @Post()
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary:
      'Register a storage site, production unit, use site or disposal site (also an e-waybill arrival/departure fence). Registered by its enterprise it is pending until emergency management confirms its siting.',
  })
  @ApiCreatedResponse({ type: FacilityView })
  create(@Body() body: CreateFacilityDto, @CurrentPrincipal() p: Principal): Promise<FacilityView> {
    return this.facilities.create(body, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: FacilityPage })
  list(@Query() q: FacilityQuery, @CurrentPrincipal() p: Principal): Promise<Page<FacilityView>> {
    return this.facilities.list(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: FacilityView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<FacilityView> {
    return this.facilities.get(id, p);
  }

  @Patch(':id')
  @Allow('admin', 'agency:emergency', 'enterprise')
  @ApiOperation({
    summary:
      'Change a facility. The enterprise’s change of district, location, fence or design quantities is filed for emergency management (202, pendingChanges); emergency management or admin write it directly.',
  })
  @ApiOkResponse({ type: FacilityView, description: 'Applied.' })
  @ApiAcceptedResponse({ type: FacilityView, description: 'Filed for confirmation; the confirmed values still rule.' })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateFacilityDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FacilityView> {
    const { view, filed } = await this.facilities.update(id, body, p);
    if (filed) res.status(202);
    return view;
  }
}
