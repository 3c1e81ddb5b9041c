import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import {
  CreateManifestDto,
  DisposeManifestDto,
  ManifestPage,
  ManifestQuery,
  ManifestView,
  ReceiveManifestDto,
  RejectManifestDto,
  ShipManifestDto,
} from './manifest.dto.js';
import { ManifestService } from './manifest.service.js';

@ApiTags('ledger: hazardous waste manifests')
@Controller('v1/waste-manifests')
export class ManifestsController {
  constructor(private readonly manifests: ManifestService) {}

  @Post()
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary: 'Open a waste transfer manifest (危险废物转移联单): the receiver must be licensed for the waste code.',
  })
  @ApiCreatedResponse({ type: ManifestView })
  create(@Body() body: CreateManifestDto, @CurrentPrincipal() p: Principal): Promise<ManifestView> {
    return this.manifests.create(body, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary: 'List manifests; ?discrepancy=true lists those received short or over beyond the tolerance.',
  })
  @ApiOkResponse({ type: ManifestPage })
  list(@Query() q: ManifestQuery, @CurrentPrincipal() p: Principal): Promise<Page<ManifestView>> {
    return this.manifests.list(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: ManifestView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<ManifestView> {
    return this.manifests.get(id, p);
  }

  @Post(':id/ship')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'Generator: the waste leaves (waste_transfer from its stock).' })
  @ApiOkResponse({ type: ManifestView })
  ship(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ShipManifestDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ManifestView> {
    return this.manifests.ship(id, body, p);
  }

  @Post(':id/receive')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary: 'Receiver: weighed in (waste_receive); a difference beyond the tolerance is a discrepancy.',
  })
  @ApiOkResponse({ type: ManifestView })
  receive(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReceiveManifestDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ManifestView> {
    return this.manifests.receive(id, body, p);
  }

  @Post(':id/dispose')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOkResponse({ type: ManifestView })
  dispose(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: DisposeManifestDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ManifestView> {
    return this.manifests.dispose(id, body, p);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: "Receiver refuses the load: it returns to the generator's stock (waste_return)." })
  @ApiOkResponse({ type: ManifestView })
  reject(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RejectManifestDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ManifestView> {
    return this.manifests.reject(id, body, p);
  }
}
