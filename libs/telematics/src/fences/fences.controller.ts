import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import {
  CreateRouteDto,
  CreateZoneDto,
  CrsQuery,
  FeatureCollectionDto,
  FenceQuery,
  RouteView,
  ZoneView,
} from './fences.dto.js';
import { FencesService } from './fences.service.js';

@ApiTags('geofencing: permitted routes')
@Controller('v1/routes')
export class RoutesController {
  constructor(private readonly fences: FencesService) {}

  @Post()
  @Allow('admin', 'agency:transport')
  @ApiOperation({
    summary: 'Draft a permitted route (transport bureau). ?crs=gcj02 converts GCJ-02 coordinates to WGS-84.',
  })
  @ApiCreatedResponse({ type: RouteView })
  create(@Body() body: CreateRouteDto, @Query() q: CrsQuery, @CurrentPrincipal() p: Principal): Promise<RouteView> {
    return this.fences.createRoute(body, q.crs ?? 'wgs84', p);
  }

  @Post('import')
  @Allow('admin', 'agency:transport')
  @ApiOperation({
    summary: 'Import routes as drafts from a GeoJSON FeatureCollection (properties = create fields); all or nothing.',
  })
  @ApiCreatedResponse({ type: [RouteView] })
  import(
    @Body() body: FeatureCollectionDto,
    @Query() q: CrsQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<RouteView[]> {
    return this.fences.import('routes', body, q.crs ?? 'wgs84', p) as Promise<RouteView[]>;
  }

  @Get('export')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: 'Routes as a GeoJSON FeatureCollection (WGS-84).' })
  export(@Query() q: FenceQuery, @CurrentPrincipal() p: Principal): Promise<unknown> {
    return this.fences.export('routes', p.kind === 'enterprise' ? 'approved' : q.status);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: [RouteView] })
  list(@Query() q: FenceQuery, @CurrentPrincipal() p: Principal): Promise<Page<RouteView>> {
    return this.fences.listRoutes(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: RouteView })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<RouteView> {
    return this.fences.getRoute(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Allow('agency:transport')
  @ApiOperation({ summary: 'Approve a draft route (transport bureau only); from then on it is enforced.' })
  @ApiOkResponse({ type: RouteView })
  approve(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<RouteView> {
    return this.fences.transition('route', id, 'approved', p) as Promise<RouteView>;
  }

  @Post(':id/retire')
  @HttpCode(200)
  @Allow('admin', 'agency:transport')
  @ApiOkResponse({ type: RouteView })
  retire(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<RouteView> {
    return this.fences.transition('route', id, 'retired', p) as Promise<RouteView>;
  }
}

@ApiTags('geofencing: zones')
@Controller('v1/zones')
export class ZonesController {
  constructor(private readonly fences: FencesService) {}

  @Post()
  @Allow('admin', 'agency:transport')
  @ApiOperation({ summary: 'Draft a zone: ban area, water-source protection, school, tunnel, or a parking/rest area.' })
  @ApiCreatedResponse({ type: ZoneView })
  create(@Body() body: CreateZoneDto, @Query() q: CrsQuery, @CurrentPrincipal() p: Principal): Promise<ZoneView> {
    return this.fences.createZone(body, q.crs ?? 'wgs84', p);
  }

  @Post('import')
  @Allow('admin', 'agency:transport')
  @ApiCreatedResponse({ type: [ZoneView] })
  import(
    @Body() body: FeatureCollectionDto,
    @Query() q: CrsQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<ZoneView[]> {
    return this.fences.import('zones', body, q.crs ?? 'wgs84', p) as Promise<ZoneView[]>;
  }

  @Get('export')
  @Allow('admin', 'agency', 'enterprise')
  export(@Query() q: FenceQuery, @CurrentPrincipal() p: Principal): Promise<unknown> {
    return this.fences.export('zones', p.kind === 'enterprise' ? 'approved' : q.status);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: [ZoneView] })
  list(@Query() q: FenceQuery, @CurrentPrincipal() p: Principal): Promise<Page<ZoneView>> {
    return this.fences.listZones(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: ZoneView })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ZoneView> {
    return this.fences.getZone(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Allow('agency:transport')
  @ApiOkResponse({ type: ZoneView })
  approve(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<ZoneView> {
    return this.fences.transition('zone', id, 'approved', p) as Promise<ZoneView>;
  }

  @Post(':id/retire')
  @HttpCode(200)
  @Allow('admin', 'agency:transport')
  @ApiOkResponse({ type: ZoneView })
  retire(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<ZoneView> {
    return this.fences.transition('zone', id, 'retired', p) as Promise<ZoneView>;
  }
}
