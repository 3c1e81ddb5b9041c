import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { PageQuery } from '@lib/platform';
import { UNITS, type Unit } from '@lib/ledger';
import { DISTRICTS } from '@lib/registry';
import { DISCREPANCY_FINDINGS, type DiscrepancyFinding, WAYBILL_STATUSES } from './waybill.entity.js';

export class WaybillQuantityDto {
  @ApiProperty({ example: 20 })
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(1e7)
  value: number;
  @ApiProperty({ enum: UNITS, example: 't' }) @v.IsIn(UNITS) unit: Unit;
}

export class WaybillItemDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Catalogue id; UN number, class and packing group come from the catalogue.',
  })
  @v.IsUUID('all')
  chemicalId: string;
  @ApiPropertyOptional({
    description: "正式运输名称 (default: the catalogue's English and Chinese names).",
    example: 'CHLORINE 氯',
  })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(300)
  properShippingName?: string;
  @ApiProperty({ type: WaybillQuantityDto })
  @v.ValidateNested()
  @Type(() => WaybillQuantityDto)
  quantity: WaybillQuantityDto;
  @ApiPropertyOptional({ format: 'uuid', description: 'The lot shipped (required by loading).' })
  @v.IsOptional()
  @v.IsUUID('all')
  lotId?: string;
  @ApiProperty({ enum: ['tank', 'packaged'], description: 'In a tank (compartment) or in packages.' })
  @v.IsIn(['tank', 'packaged'])
  packaging: 'tank' | 'packaged';
  @ApiPropertyOptional({ description: 'Tank compartment number (one chemical per compartment).', example: 1 })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(20)
  compartment?: number;
  @ApiPropertyOptional({ description: 'Number of packages.', example: 40 })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(1_000_000)
  packages?: number;
}

export class ToxicPassDto {
  @ApiProperty({ description: '剧毒化学品道路运输通行证号', example: '锡公剧通字[2026]0088号' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(100)
  number: string;
  @ApiProperty({ example: '2026-11-01' })
  @v.Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'validFrom must be YYYY-MM-DD' })
  validFrom: string;
  @ApiProperty({ example: '2026-12-31' })
  @v.Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'validTo must be YYYY-MM-DD' })
  validTo: string;
  @ApiProperty({ format: 'uuid', description: 'The route the pass permits.' }) @v.IsUUID('all') routeId: string;
}

/** The content of an e-waybill: filed as a draft, changed freely until submitted, versioned after. */
export class WaybillContentDto {
  @ApiPropertyOptional({ format: 'uuid', description: '托运人 (an enterprise key files its own).' })
  @v.IsOptional()
  @v.IsUUID('all')
  consignorId?: string;
  @ApiProperty({ format: 'uuid', description: '承运人' }) @v.IsUUID('all') carrierId: string;
  @ApiProperty({ format: 'uuid', description: '收货人' }) @v.IsUUID('all') consigneeId: string;
  @ApiProperty({ format: 'uuid' }) @v.IsUUID('all') loadingFacilityId: string;
  @ApiProperty({ format: 'uuid' }) @v.IsUUID('all') unloadingFacilityId: string;
  @ApiProperty({ format: 'uuid' }) @v.IsUUID('all') vehicleId: string;
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') trailerId?: string;
  @ApiProperty({ format: 'uuid' }) @v.IsUUID('all') driverId: string;
  @ApiProperty({ format: 'uuid', description: '押运员' }) @v.IsUUID('all') escortId: string;
  @ApiProperty({ format: 'uuid', description: 'The approved route to follow.' }) @v.IsUUID('all') routeId: string;
  @ApiProperty({ example: '2026-12-01T01:00:00Z' }) @v.IsISO8601({ strict: true }) plannedDeparture: string;
  @ApiProperty({ example: '2026-12-01T05:00:00Z' }) @v.IsISO8601({ strict: true }) plannedArrival: string;
  @ApiProperty({ type: [WaybillItemDto] })
  @v.IsArray()
  @v.ArrayMinSize(1)
  @v.ArrayMaxSize(50)
  @v.ValidateNested({ each: true })
  @Type(() => WaybillItemDto)
  items: WaybillItemDto[];
  @ApiPropertyOptional({ type: ToxicPassDto, description: 'Required when a highly toxic (剧毒) chemical is on board.' })
  @v.IsOptional()
  @v.ValidateNested()
  @Type(() => ToxicPassDto)
  toxicPass?: ToxicPassDto;
  @ApiPropertyOptional({ format: 'uuid', description: 'Hazardous waste loads: the transfer manifest.' })
  @v.IsOptional()
  @v.IsUUID('all')
  manifestId?: string;
  @ApiPropertyOptional() @v.IsOptional() @v.IsString() @v.MaxLength(2000) notes?: string;
  @ApiPropertyOptional({ description: 'Why a submitted waybill is changed (kept with the version).' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(1000)
  reason?: string;
}

export class LoadDto {
  @ApiProperty() @v.IsBoolean() vehicleOk: boolean;
  @ApiProperty() @v.IsBoolean() tankOk: boolean;
  @ApiProperty() @v.IsBoolean() documentsOk: boolean;
  @ApiProperty() @v.IsBoolean() goodsMatch: boolean;
  @ApiProperty({ description: '装货人 who signs.', example: '周建华' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(100)
  loaderName: string;
  @ApiPropertyOptional({ description: 'When loading finished (default now).' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  at?: string;
}

export class MoveDto {
  @ApiPropertyOptional({ description: 'When it happened (default now).' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  at?: string;
}

export class ReceivedLineDto {
  @ApiProperty({ example: 1 }) @v.IsInt() @v.Min(1) line: number;
  @ApiProperty({ type: WaybillQuantityDto })
  @v.ValidateNested()
  @Type(() => WaybillQuantityDto)
  quantity: WaybillQuantityDto;
}

export class ReceiveDto {
  @ApiProperty({ type: [ReceivedLineDto], description: 'What was received, per line (every line).' })
  @v.IsArray()
  @v.ArrayMinSize(1)
  @v.ValidateNested({ each: true })
  @Type(() => ReceivedLineDto)
  lines: ReceivedLineDto[];
  @ApiPropertyOptional() @v.IsOptional() @v.IsISO8601({ strict: true }) at?: string;
}

export class ResolveDiscrepancyDto {
  @ApiProperty({ enum: DISCREPANCY_FINDINGS, description: 'What the missing quantity was found to be.' })
  @v.IsIn(DISCREPANCY_FINDINGS)
  finding: DiscrepancyFinding;
  @ApiProperty({ example: '罐车卸料口密封垫老化渗漏，现场核查确认' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason: string;
}

export class CancelDto {
  @ApiProperty({ example: '客户取消订单' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(1000) reason: string;
}

export class WaybillQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WAYBILL_STATUSES }) @v.IsOptional() @v.IsIn(WAYBILL_STATUSES) status?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') vehicleId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') chemicalId?: string;
  @ApiPropertyOptional({ enum: DISTRICTS, description: 'Loading or unloading district.' })
  @v.IsOptional()
  @v.IsIn(DISTRICTS)
  district?: string;
  @ApiPropertyOptional({ description: 'Planned departure on or after.' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ description: 'Planned departure before.' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  to?: string;
  @ApiPropertyOptional({ enum: ['true'], description: 'Still on the road 24 h after the planned arrival.' })
  @v.IsOptional()
  @v.IsIn(['true'])
  overdue?: 'true';
  @ApiPropertyOptional({
    enum: ['true', 'open'],
    description: 'true: received with a discrepancy between shipped and received; open: one not yet resolved.',
  })
  @v.IsOptional()
  @v.IsIn(['true', 'open'])
  discrepancy?: 'true' | 'open';
  @ApiPropertyOptional({
    enum: ['consignor', 'carrier', 'consignee'],
    description: 'An enterprise: only waybills where it has this part.',
  })
  @v.IsOptional()
  @v.IsIn(['consignor', 'carrier', 'consignee'])
  as?: 'consignor' | 'carrier' | 'consignee';
  @ApiPropertyOptional({ example: 'DG20261130000123X' }) @v.IsOptional() @v.Matches(/^DG\d{14}[\dX]$/) number?: string;
}

export class WaybillView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'DG20261130000123X' }) number: string;
  @ApiProperty({ enum: WAYBILL_STATUSES }) status: string;
  @ApiProperty() version: number;
  @ApiProperty() content: Record<string, unknown>;
  @ApiProperty() parties: Record<string, unknown>;
  @ApiProperty() times: Record<string, string | null>;
  @ApiPropertyOptional() loadingCheck?: unknown;
  @ApiPropertyOptional() discrepancy?: unknown;
  @ApiPropertyOptional({ description: 'With a discrepancy: true until emergency management resolves it.' })
  discrepancyOpen?: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'The finding, reason, who, when and the loss legs booked.' })
  discrepancyResolution?: unknown;
  @ApiPropertyOptional() trackSummary?: unknown;
  @ApiProperty({ description: 'Overdue: still on the road 24 h after the planned arrival.' }) overdue: boolean;
  @ApiPropertyOptional({ description: 'GET /v1/waybills/:id only: every submitted version.' }) versions?: unknown[];
  @ApiPropertyOptional({ description: 'GET /v1/waybills/:id only: every state change.' }) transitions?: unknown[];
  @ApiPropertyOptional({ description: 'GET /v1/waybills/:id only: the ledger movements it wrote.' })
  movements?: unknown[];
}

export class WaybillPage {
  @ApiProperty({ type: [WaybillView] }) items: WaybillView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
