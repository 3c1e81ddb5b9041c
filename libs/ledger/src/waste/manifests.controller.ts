import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import {
  ApprovalDto,
  CreateManifestDto,
  DisposeManifestDto,
  ManifestPage,
  ManifestQuery,
  ManifestView,
  OverdueStorageQuery,
  OverdueStorageView,
  PickupManifestDto,
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

  @Get('storage/overdue')
  @Allow('admin', 'agency:ecology', 'enterprise')
  @ApiOperation({
    summary:
      'Hazardous waste still in storage more than one year after the facility took it in (固废法 Art. 81: WASTE_STORED_OVER_ONE_YEAR). Ecology/environment: every facility; an enterprise: its own.',
  })
  @ApiOkResponse({ type: [OverdueStorageView] })
  overdue(@Query() q: OverdueStorageQuery, @CurrentPrincipal() p: Principal): Promise<OverdueStorageView[]> {
    return this.manifests.overdueStorage(q, p);
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
  @ApiOperation({
    summary:
      "Generator (移出人): hands the waste over with what it weighed out; it stays in the generator's stock until the transporter confirms pickup. A cross-province transfer needs its approval asserted (CROSS_PROVINCE_UNAPPROVED).",
  })
  @ApiOkResponse({ type: ManifestView })
  ship(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ShipManifestDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ManifestView> {
    return this.manifests.ship(id, body, p);
  }

  @Post(':id/pickup')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary:
      'The transporter named on the manifest (承运人) confirms it took the waste: waste_transfer from the generator’s stock. Anyone else: NOT_YOUR_STEP.',
  })
  @ApiOkResponse({ type: ManifestView })
  pickup(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: PickupManifestDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ManifestView> {
    return this.manifests.pickup(id, body, p);
  }

  @Post(':id/approval')
  @HttpCode(200)
  @Allow('admin', 'agency:ecology')
  @ApiOperation({
    summary:
      'Ecology/environment asserts the cross-province approval (跨省转移审批, 固废法 Art. 82) of a manifest whose generator and receiver lie in different provinces.',
  })
  @ApiOkResponse({ type: ManifestView })
  approve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ApprovalDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ManifestView> {
    return this.manifests.assertApproval(id, body, p);
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
