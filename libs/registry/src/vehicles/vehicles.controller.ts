import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import { CreateVehicleDto, UpdateVehicleDto, VehiclePage, VehicleQuery, VehicleView } from './vehicle.dto.js';
import { VehicleService } from './vehicle.service.js';

@ApiTags('registry: vehicles')
@Controller('v1/vehicles')
export class VehiclesController {
  constructor(private readonly vehicles: VehicleService) {}

  @Post()
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'Register a vehicle of a carrier (admin, or the carrier itself).' })
  @ApiCreatedResponse({ type: VehicleView })
  create(@Body() body: CreateVehicleDto, @CurrentPrincipal() p: Principal): Promise<VehicleView> {
    return this.vehicles.create(body, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: VehiclePage })
  list(@Query() q: VehicleQuery, @CurrentPrincipal() p: Principal): Promise<Page<VehicleView>> {
    return this.vehicles.list(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: VehicleView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<VehicleView> {
    return this.vehicles.get(id, p);
  }

  @Patch(':id')
  @Allow('admin', 'enterprise')
  @ApiOkResponse({ type: VehicleView })
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateVehicleDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<VehicleView> {
    return this.vehicles.update(id, body, p);
  }
}
