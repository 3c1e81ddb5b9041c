import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import { CreateVehicleDto, UpdateVehicleDto, VehiclePage, VehicleQuery, VehicleView } from './vehicle.dto.js';
import { VehicleService } from './vehicle.service.js';

@ApiTags('registry: vehicles')
@Controller('v1/vehicles')
export class VehiclesController {
  constructor(private readonly vehicles: VehicleService) {}

  @Post()
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary:
      'Register a vehicle of a carrier (admin, or the carrier itself: its certificate, tank and terminal facts are then filed for transport and market supervision to confirm).',
  })
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
  @Allow('admin', 'agency:transport', 'agency:market', 'enterprise')
  @ApiOperation({
    summary:
      'Change a vehicle. The carrier’s change of a gating fact is filed for its agency (202, pendingChanges); the agency that issues it (transport: certificate, terminal; market: tank) or admin writes it directly.',
  })
  @ApiOkResponse({ type: VehicleView, description: 'Applied.' })
  @ApiAcceptedResponse({ type: VehicleView, description: 'Filed for confirmation; the confirmed values still rule.' })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateVehicleDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<VehicleView> {
    const { view, filed } = await this.vehicles.update(id, body, p);
    if (filed) res.status(202);
    return view;
  }
}
