import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import * as v from 'class-validator';
import { PageQuery } from '@lib/platform';
import { ChangeReasonDto, PendingChangeView } from '../gating.js';
import { IsPlate, IsTerminalId } from '../identifiers/validators.js';
import { HAZARD_CLASSES, VEHICLE_KINDS, type VehicleKind, VEHICLE_STATUSES } from '../vocabulary.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateVehicleDto {
  @ApiProperty({ enum: VEHICLE_KINDS, example: 'tanker' }) @v.IsIn(VEHICLE_KINDS) kind: VehicleKind;

  @ApiProperty({
    description: 'Plate: province character, letter, 5 (6 for new energy) characters; trailers end in 挂.',
    example: '苏B12345',
  })
  @IsPlate()
  plate: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Owning carrier. An enterprise key may omit it (its own).' })
  @v.IsOptional()
  @v.IsUUID('all')
  carrierId?: string;

  @ApiProperty({
    enum: HAZARD_CLASSES,
    isArray: true,
    description: 'Classes the vehicle is approved for (道路运输证经营范围).',
    example: ['2.3', '8'],
  })
  @v.IsArray()
  @v.IsIn(HAZARD_CLASSES, { each: true })
  permittedClasses: string[];

  @ApiPropertyOptional({ description: 'Tank volume (m3), for tankers and tank trailers.', example: 24.5 })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(100)
  tankVolumeM3?: number;

  @ApiPropertyOptional({
    type: [Number],
    description:
      'Capacity of each tank compartment in litres, compartment 1 first (a single-compartment tank: [its volume]; omitted: one compartment of tankVolumeM3). Confirmed by market supervision with the tank.',
    example: [8000, 8000, 8500],
  })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMinSize(1)
  @v.ArrayMaxSize(8)
  @v.IsInt({ each: true })
  @v.IsPositive({ each: true })
  @v.Max(100_000, { each: true })
  tankCompartmentsL?: number[];

  @ApiPropertyOptional({
    description: '罐体编号: the tank number on its inspection certificate.',
    example: 'RG-320200-0815',
  })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(60)
  tankNumber?: string;

  @ApiPropertyOptional({ description: 'Approved load, kg (核定载质量).', example: 30000 })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(100_000)
  approvedLoadKg?: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: '适装介质列表: catalogue ids the tank may carry.',
  })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(500)
  @v.IsUUID('all', { each: true })
  approvedMedia?: string[];

  @ApiPropertyOptional({ example: '2027-06-30' })
  @v.IsOptional()
  @v.Matches(DATE, { message: 'tankInspectionExpiry must be a date YYYY-MM-DD' })
  tankInspectionExpiry?: string;
  @ApiPropertyOptional({ description: '道路运输证号', example: '苏交运管无字320200123456号' })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(60)
  transportCertNumber?: string;
  @ApiPropertyOptional({ example: '2027-12-31' })
  @v.IsOptional()
  @v.Matches(DATE, { message: 'transportCertExpiry must be a date YYYY-MM-DD' })
  transportCertExpiry?: string;

  @ApiPropertyOptional({
    description: 'GPS terminal: JT/T 808 terminal phone number (12 digits; 11 are padded).',
    example: '013912345678',
  })
  @v.IsOptional()
  @IsTerminalId()
  terminalId?: string;
}

export class UpdateVehicleDto extends IntersectionType(
  PartialType(OmitType(CreateVehicleDto, ['kind', 'plate', 'carrierId'] as const)),
  ChangeReasonDto,
) {
  @ApiPropertyOptional({ enum: VEHICLE_STATUSES }) @v.IsOptional() @v.IsIn(VEHICLE_STATUSES) status?:
    'active' | 'suspended' | 'retired';
}

export class VehicleQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') carrierId?: string;
  @ApiPropertyOptional({ enum: VEHICLE_KINDS }) @v.IsOptional() @v.IsIn(VEHICLE_KINDS) kind?: VehicleKind;
  @ApiPropertyOptional({ enum: VEHICLE_STATUSES }) @v.IsOptional() @v.IsIn(VEHICLE_STATUSES) status?: string;
  @ApiPropertyOptional({ description: 'Part of the plate.', example: '苏B' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(20)
  plate?: string;
  @ApiPropertyOptional({ example: '013912345678' }) @v.IsOptional() @v.Matches(/^\d{11,20}$/) terminalId?: string;
}

export class VehicleView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '苏B12345' }) plate: string;
  @ApiProperty({ enum: VEHICLE_KINDS }) kind: VehicleKind;
  @ApiProperty({ format: 'uuid' }) carrierId: string;
  @ApiProperty({ type: [String] }) permittedClasses: string[];
  @ApiProperty({ nullable: true, type: Number }) tankVolumeM3: number | null;
  @ApiProperty({ nullable: true, type: [Number], description: 'Litres per compartment, compartment 1 first.' })
  tankCompartmentsL: number[] | null;
  @ApiProperty({ nullable: true, type: String, description: '罐体编号' }) tankNumber: string | null;
  @ApiProperty({ nullable: true, type: Number }) approvedLoadKg: number | null;
  @ApiProperty({ type: [String] }) approvedMedia: string[];
  @ApiProperty({ nullable: true, type: String }) tankInspectionExpiry: string | null;
  @ApiProperty({ nullable: true, type: String }) transportCertNumber: string | null;
  @ApiProperty({ nullable: true, type: String }) transportCertExpiry: string | null;
  @ApiProperty({ nullable: true, type: String }) terminalId: string | null;
  @ApiProperty({ enum: VEHICLE_STATUSES }) status: string;
  @ApiPropertyOptional({
    type: [PendingChangeView],
    description:
      'Changes the carrier filed that await their agency (道路运输证 and terminal: transport; tank: market supervision). The fields above are the confirmed values.',
  })
  pendingChanges?: PendingChangeView[];
}

export class VehiclePage {
  @ApiProperty({ type: [VehicleView] }) items: VehicleView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
