import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
      'Register a storage site, production unit, use site or disposal site (also an e-waybill arrival/departure fence).',
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
  @Allow('admin', 'enterprise')
  @ApiOkResponse({ type: FacilityView })
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateFacilityDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<FacilityView> {
    return this.facilities.update(id, body, p);
  }
}
