import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '@lib/platform';
import { WASTE_CODE } from '@lib/registry';
import {
  DISPOSAL_METHODS,
  type DisposalMethod,
  MOVEMENT_TYPES,
  type MovementType,
  type Operation,
  OPERATIONS,
  type Unit,
  UNITS,
} from '../vocabulary.js';

const LOT_NUMBER = /^[\p{L}\p{N}][\p{L}\p{N}\-_/.#]{0,63}$/u;

export class QuantityDto {
  @ApiProperty({ description: 'A positive amount in the unit.', example: 1200 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1e9)
  value: number;

  @ApiProperty({
    enum: UNITS,
    description: 'Volumes are converted to kg by the catalogue density; both are kept.',
    example: 'kg',
  })
  @IsIn(UNITS)
  unit: Unit;
}

export class SplitPartDto {
  @ApiProperty({ example: 'CL-20261101-A' })
  @Matches(LOT_NUMBER, { message: 'lotNumber must be 1 to 64 letters, digits or - _ / . #' })
  lotNumber: string;
  @ApiProperty({ example: 500 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1e9)
  value: number;
}

export class MergeSourceDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') lotId: string;
  @ApiProperty({ example: 500 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1e9)
  value: number;
}

const needs =
  (...ops: Operation[]) =>
  (o: RecordMovementDto) =>
    ops.includes(o.operation);

/**
 * One lifecycle operation. Which fields apply depends on `operation`; the others must be absent.
 * Every operation is checked against stock, capacity and the registry (licences, credit status,
 * 禁限控) in the transaction that writes it.
 */
export class RecordMovementDto {
  @ApiProperty({ enum: OPERATIONS, example: 'produce' }) @IsIn(OPERATIONS) operation: Operation;

  @ApiProperty({
    format: 'uuid',
    description: "Where it happens (the seller's, shipper's, sender's facility for two-sided operations).",
  })
  @IsUUID('all')
  facilityId: string;

  @ApiProperty({ format: 'uuid', description: 'Catalogue id of the chemical.' }) @IsUUID('all') chemicalId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The lot (all operations but produce, merge and receive of outside material).',
  })
  @ValidateIf(
    (o: RecordMovementDto) =>
      !['produce', 'merge'].includes(o.operation) &&
      !(o.operation === 'receive' && (o.lotNumber || o.sourceMovementId)),
  )
  @IsUUID('all', { message: 'lotId must be the UUID of a lot' })
  lotId?: string;

  @ApiPropertyOptional({
    description: 'produce: the lot number (批号); receive: a lot from outside the system; merge: the new lot.',
    example: 'CL-20261101',
  })
  @ValidateIf((o: RecordMovementDto) => ['produce', 'merge'].includes(o.operation) || o.lotNumber !== undefined)
  @Matches(LOT_NUMBER, { message: 'lotNumber must be 1 to 64 letters, digits or - _ / . #' })
  lotNumber?: string;

  @ApiPropertyOptional({ type: QuantityDto, description: 'All operations but split and merge.' })
  @ValidateIf((o: RecordMovementDto) => !['split', 'merge'].includes(o.operation))
  @ValidateNested()
  @Type(() => QuantityDto)
  quantity?: QuantityDto;

  @ApiProperty({ description: 'When it happened (UTC, ISO 8601); not in the future.', example: '2026-11-28T02:30:00Z' })
  @IsISO8601({ strict: true })
  occurredAt: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "transfer: the receiving facility of the same enterprise; sell: the buyer's facility.",
  })
  @ValidateIf(needs('transfer', 'sell'))
  @IsUUID('all')
  toFacilityId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'ship: the destination facility (if registered).' })
  @IsOptional()
  @IsUUID('all')
  counterpartyFacilityId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'ship: the consignee enterprise; receive: the supplier (if registered).',
  })
  @IsOptional()
  @IsUUID('all')
  counterpartyEnterpriseId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'receive: the ship movement this receipt completes (keeps the lot).',
  })
  @IsOptional()
  @IsUUID('all')
  sourceMovementId?: string;

  @ApiPropertyOptional({
    description: 'waste_generate: the category of the National Hazardous Waste List.',
    example: 'HW06',
  })
  @ValidateIf(needs('waste_generate'))
  @Matches(WASTE_CODE, { message: 'wasteCode must be HW01 to HW50 (国家危险废物名录)' })
  wasteCode?: string;

  @ApiPropertyOptional({
    description: 'waste_generate: number of the new waste lot (default: the lot number and the waste code).',
  })
  @IsOptional()
  @Matches(LOT_NUMBER)
  wasteLotNumber?: string;

  @ApiPropertyOptional({ enum: DISPOSAL_METHODS })
  @ValidateIf(needs('dispose'))
  @IsIn(DISPOSAL_METHODS)
  disposalMethod?: DisposalMethod;

  @ApiPropertyOptional({ description: 'loss and adjust: why.', example: '储罐呼吸阀泄漏' })
  @ValidateIf(needs('loss', 'adjust'))
  @IsString()
  @IsNotEmpty({ message: 'reason is required for loss and adjust' })
  @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ enum: ['increase', 'decrease'], description: 'adjust: which way the count moved the stock.' })
  @ValidateIf(needs('adjust'))
  @IsIn(['increase', 'decrease'])
  direction?: 'increase' | 'decrease';

  @ApiPropertyOptional({ format: 'uuid', description: 'adjust: the stock count it came from.' })
  @IsOptional()
  @IsUUID('all')
  countId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') waybillId?: string;

  @ApiPropertyOptional({
    type: [SplitPartDto],
    description: 'split: the new lots and their quantities (unit: quantity.unit or kg).',
  })
  @ValidateIf(needs('split'))
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SplitPartDto)
  parts?: SplitPartDto[];

  @ApiPropertyOptional({ type: [MergeSourceDto], description: 'merge: the lots merged and how much of each (kg).' })
  @ValidateIf(needs('merge'))
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => MergeSourceDto)
  sources?: MergeSourceDto[];
}

export class ReverseMovementDto {
  @ApiProperty({ example: '录入数量错误，应为 1000 kg' }) @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}

export class MovementQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') facilityId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') chemicalId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') lotId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') waybillId?: string;
  @ApiPropertyOptional({ enum: MOVEMENT_TYPES }) @IsOptional() @IsIn(MOVEMENT_TYPES) type?: MovementType;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}

export class MovementView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: MOVEMENT_TYPES }) type: MovementType;
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty() facilitySeq: number;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty({ format: 'uuid' }) chemicalId: string;
  @ApiProperty({ format: 'uuid' }) lotId: string;
  @ApiProperty({ description: 'Signed change of the facility stock, kg.', example: -1200 }) quantityKg: number;
  @ApiProperty({ example: { value: 1.2, unit: 't' } }) original: { value: number; unit: Unit };
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ format: 'uuid', description: 'Legs of one operation share it.' }) groupId: string;
  @ApiProperty({ nullable: true, type: String }) counterpartyFacilityId: string | null;
  @ApiProperty({ nullable: true, type: String }) counterpartyEnterpriseId: string | null;
  @ApiProperty({ nullable: true, type: String }) sourceMovementId: string | null;
  @ApiProperty({ nullable: true, type: String }) reversesId: string | null;
  @ApiProperty({ nullable: true, type: String }) wasteCode: string | null;
  @ApiProperty({ nullable: true, type: String }) disposalMethod: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) countId: string | null;
  @ApiProperty({ nullable: true, type: String }) waybillId: string | null;
  @ApiProperty({ nullable: true, type: String }) manifestId: string | null;
  @ApiProperty({ description: "This leg's link in its facility's hash chain." }) hash: string;
}

export class MovementPage {
  @ApiProperty({ type: [MovementView] }) items: MovementView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
