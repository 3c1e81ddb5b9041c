import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { ChangeReasonDto, PendingChangeView } from '../gating.js';
import { PageQuery } from '@lib/platform';
import { UN_CLASS_PATTERN } from '../chemicals/chemical.dto.js';
import {
  DISTRICTS,
  type District,
  FACILITY_KINDS,
  type FacilityKind,
  HAZARD_UNIT_KINDS,
  type HazardUnitKind,
  PROVINCE_CODES,
} from '../vocabulary.js';

export class CapacityDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The chemical (or give unClass).' })
  @v.ValidateIf((o: CapacityDto) => o.unClass === undefined)
  @v.IsUUID('all', { message: 'chemicalId must be a UUID (give chemicalId or unClass)' })
  chemicalId?: string;

  @ApiPropertyOptional({ description: 'A hazard class (or give chemicalId).', example: '3' })
  @v.ValidateIf((o: CapacityDto) => o.chemicalId === undefined)
  @v.Matches(UN_CLASS_PATTERN, { message: 'unClass must be an ADR class (give chemicalId or unClass)' })
  unClass?: string;

  @ApiProperty({ description: 'Design maximum quantity, kg.', example: 60000 })
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(1e10)
  maxKg: number;
}

/** GB 18218-2018 Table 2 W5.1/W5.2 process conditions of the unit (工艺条件). */
export class ProcessConditionsDto {
  @ApiPropertyOptional({ description: '工作温度高于沸点: flammable liquids of categories 2 and 3 become W5.1.' })
  @v.IsOptional()
  @v.IsBoolean()
  aboveBoilingPoint?: boolean;

  @ApiPropertyOptional({ description: '危险化工工艺 used in the unit (W5.2).', example: '氯化工艺' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(100)
  hazardousProcess?: string;

  @ApiPropertyOptional({ description: '爆炸极限范围或附近操作 (W5.2).' })
  @v.IsOptional()
  @v.IsBoolean()
  nearExplosionLimits?: boolean;

  @ApiPropertyOptional({ description: 'Operating pressure, MPa; above 1.6 gives W5.2.', example: 2.5 })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.Min(0)
  @v.Max(1000)
  operatingPressureMPa?: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'The chemicals the conditions apply to; absent: every flammable liquid of the unit.',
  })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(500)
  @v.IsUUID('all', { each: true })
  chemicalIds?: string[];
}

export class CreateFacilityDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Owning enterprise. An enterprise key may omit it (its own).' })
  @v.IsOptional()
  @v.IsUUID('all')
  enterpriseId?: string;

  @ApiProperty({ example: '液氯储罐区 T-101' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(200) name: string;
  @ApiProperty({ enum: FACILITY_KINDS, example: 'storage' }) @v.IsIn(FACILITY_KINDS) kind: FacilityKind;
  @ApiPropertyOptional({
    enum: HAZARD_UNIT_KINDS,
    description: 'GB 18218 unit kind (default: storage_unit for storage, else production_unit).',
  })
  @v.IsOptional()
  @v.IsIn(HAZARD_UNIT_KINDS)
  hazardUnitKind?: HazardUnitKind;

  @ApiProperty({
    description: 'GeoJSON Point or Polygon, WGS-84 [lon, lat]; rings closed, no self-intersection.',
    example: {
      type: 'Polygon',
      coordinates: [
        [
          [120.352, 31.49],
          [120.356, 31.49],
          [120.356, 31.493],
          [120.352, 31.493],
          [120.352, 31.49],
        ],
      ],
    },
  })
  @v.IsObject()
  geometry: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Arrival/departure fence in metres around the geometry (default 200 for a point, 50 for a polygon).',
    example: 100,
  })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.Min(1)
  @v.Max(5000)
  fenceRadiusM?: number;

  @ApiProperty({ enum: DISTRICTS, example: '新吴' }) @v.IsIn(DISTRICTS) district: District;
  @ApiProperty({ example: '无锡市新吴区化工路 1 号' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(300) address: string;
  @ApiPropertyOptional({
    enum: PROVINCE_CODES,
    example: '31',
    description:
      "GB/T 2260 province of a facility outside Wuxi ('市外'), part of its siting: emergency management confirms it. Until it does, a waste transfer to or from the facility counts as crossing a provincial border. A Wuxi district is Jiangsu (32).",
  })
  @v.IsOptional()
  @v.IsIn(PROVINCE_CODES)
  province?: string;

  @ApiPropertyOptional({ type: [CapacityDto], description: 'Design capacity per chemical or class.' })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(500)
  @v.ValidateNested({ each: true })
  @Type(() => CapacityDto)
  capacities?: CapacityDto[];

  @ApiPropertyOptional({ description: 'People living within 500 m (GB 18218 α).', example: 120 })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(0)
  @v.Max(10_000_000)
  peopleWithin500m?: number;

  @ApiPropertyOptional({
    type: ProcessConditionsDto,
    description:
      'GB 18218 process conditions (W5.1/W5.2). The enterprise’s statement is filed for emergency management with the siting.',
  })
  @v.IsOptional()
  @v.ValidateNested()
  @Type(() => ProcessConditionsDto)
  processConditions?: ProcessConditionsDto;
}

export class UpdateFacilityDto extends IntersectionType(
  PartialType(OmitType(CreateFacilityDto, ['enterpriseId'] as const)),
  ChangeReasonDto,
) {
  @ApiPropertyOptional({ enum: ['active', 'closed'] }) @v.IsOptional() @v.IsIn(['active', 'closed']) status?:
    'active' | 'closed';
}

export class FacilityQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') enterpriseId?: string;
  @ApiPropertyOptional({ enum: FACILITY_KINDS }) @v.IsOptional() @v.IsIn(FACILITY_KINDS) kind?: FacilityKind;
  @ApiPropertyOptional({ enum: DISTRICTS }) @v.IsOptional() @v.IsIn(DISTRICTS) district?: District;
  @ApiPropertyOptional({ description: 'Bounding box minLon,minLat,maxLon,maxLat.', example: '120.2,31.4,120.5,31.7' })
  @v.IsOptional()
  @v.Matches(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, { message: 'bbox must be minLon,minLat,maxLon,maxLat' })
  bbox?: string;
}

export class FacilityView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: FACILITY_KINDS }) kind: FacilityKind;
  @ApiProperty({ enum: HAZARD_UNIT_KINDS }) hazardUnitKind: HazardUnitKind;
  @ApiProperty({ description: 'GeoJSON geometry (WGS-84).' }) geometry: Record<string, unknown>;
  @ApiProperty() fenceRadiusM: number;
  @ApiProperty({ type: [Number], description: '[minLon, minLat, maxLon, maxLat]' }) bbox: [
    number,
    number,
    number,
    number,
  ];
  @ApiProperty({ enum: DISTRICTS }) district: District;
  @ApiProperty() address: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '31',
    description: "Confirmed GB/T 2260 province of a facility outside Wuxi ('市外'); null while unconfirmed.",
  })
  province: string | null;
  @ApiProperty({ type: [CapacityDto] }) capacities: CapacityDto[];
  @ApiProperty() peopleWithin500m: number;
  @ApiProperty({ type: ProcessConditionsDto, description: 'Confirmed process conditions ({} when none).' })
  processConditions: ProcessConditionsDto;
  @ApiProperty({
    enum: ['pending', 'active', 'closed'],
    description: 'pending: registered by its enterprise, awaiting emergency management’s confirmation of its siting.',
  })
  status: string;
  @ApiPropertyOptional({
    type: [PendingChangeView],
    description:
      'Siting changes (district, location, fence, design quantities) the enterprise filed that await emergency management; the fields above are the confirmed ones.',
  })
  pendingChanges?: PendingChangeView[];
}

export class FacilityPage {
  @ApiProperty({ type: [FacilityView] }) items: FacilityView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
