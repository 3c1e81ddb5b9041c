import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
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
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(1e9)
  value: number;

  @ApiProperty({
    enum: UNITS,
    description: 'Volumes are converted to kg by the catalogue density; both are kept.',
    example: 'kg',
  })
  @v.IsIn(UNITS)
  unit: Unit;
}

export class SplitPartDto {
  @ApiProperty({ example: 'CL-20261101-A' })
  @v.Matches(LOT_NUMBER, { message: 'lotNumber must be 1 to 64 letters, digits or - _ / . #' })
  lotNumber: string;
  @ApiProperty({ example: 500 })
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(1e9)
  value: number;
}

export class MergeSourceDto {
  @ApiProperty({ format: 'uuid' }) @v.IsUUID('all') lotId: string;
  @ApiProperty({ example: 500 })
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(1e9)
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
  @ApiProperty({ enum: OPERATIONS, example: 'produce' }) @v.IsIn(OPERATIONS) operation: Operation;

  @ApiProperty({
    format: 'uuid',
    description: "Where it happens (the seller's, shipper's, sender's facility for two-sided operations).",
  })
  @v.IsUUID('all')
  facilityId: string;

  @ApiProperty({ format: 'uuid', description: 'Catalogue id of the chemical.' }) @v.IsUUID('all') chemicalId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The lot (all operations but produce, merge and receive of outside material).',
  })
  @v.ValidateIf(
    (o: RecordMovementDto) =>
      !['produce', 'merge'].includes(o.operation) &&
      !(o.operation === 'receive' && (o.lotNumber || o.sourceMovementId)),
  )
  @v.IsUUID('all', { message: 'lotId must be the UUID of a lot' })
  lotId?: string;

  @ApiPropertyOptional({
    description: 'produce: the lot number (批号); receive: a lot from outside the system; merge: the new lot.',
    example: 'CL-20261101',
  })
  @v.ValidateIf((o: RecordMovementDto) => ['produce', 'merge'].includes(o.operation) || o.lotNumber !== undefined)
  @v.Matches(LOT_NUMBER, { message: 'lotNumber must be 1 to 64 letters, digits or - _ / . #' })
  lotNumber?: string;

  @ApiPropertyOptional({ type: QuantityDto, description: 'All operations but split and merge.' })
  @v.ValidateIf((o: RecordMovementDto) => !['split', 'merge'].includes(o.operation))
  @v.ValidateNested()
  @Type(() => QuantityDto)
  quantity?: QuantityDto;

  @ApiProperty({
    description:
      "When it happened (UTC, ISO 8601): at most 5 minutes ahead of the clock. Further back than LEDGER_BACKDATE_HOURS (72 h) it is a correction: it needs correctionReason, and an enterprise's is filed for emergency management (202) instead of booked.",
    example: '2026-11-28T02:30:00Z',
  })
  @v.IsISO8601({ strict: true })
  occurredAt: string;

  @ApiPropertyOptional({
    description:
      'Why a movement dated beyond the backdating window is recorded only now; required then, refused otherwise. Kept on the booked movement.',
    example: '系统停机期间的纸质出入库记录补录',
  })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  correctionReason?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "transfer: the receiving facility of the same enterprise; sell: the buyer's facility (the sale stays in transit until the buyer receives it there).",
  })
  @v.ValidateIf(needs('transfer', 'sell'))
  @v.IsUUID('all')
  toFacilityId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'ship: the destination facility (if registered).' })
  @v.IsOptional()
  @v.IsUUID('all')
  counterpartyFacilityId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'ship: the consignee enterprise; receive: the supplier (if registered).',
  })
  @v.IsOptional()
  @v.IsUUID('all')
  counterpartyEnterpriseId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "receive: the ship or sell movement this receipt completes (keeps the lot); only the consignee it names (the shipper, when it names none) receives it. A sale's receipt is booked as buy.",
  })
  @v.IsOptional()
  @v.IsUUID('all')
  sourceMovementId?: string;

  @ApiPropertyOptional({
    description: 'waste_generate: the category of the National Hazardous Waste List.',
    example: 'HW06',
  })
  @v.ValidateIf(needs('waste_generate'))
  @v.Matches(WASTE_CODE, { message: 'wasteCode must be HW01 to HW50 (国家危险废物名录)' })
  wasteCode?: string;

  @ApiPropertyOptional({
    description: 'waste_generate: number of the new waste lot (default: the lot number and the waste code).',
  })
  @v.IsOptional()
  @v.Matches(LOT_NUMBER)
  wasteLotNumber?: string;

  @ApiPropertyOptional({ enum: DISPOSAL_METHODS })
  @v.ValidateIf(needs('dispose'))
  @v.IsIn(DISPOSAL_METHODS)
  disposalMethod?: DisposalMethod;

  @ApiPropertyOptional({ description: 'loss and adjust: why.', example: '储罐呼吸阀泄漏' })
  @v.ValidateIf(needs('loss', 'adjust'))
  @v.IsString()
  @v.IsNotEmpty({ message: 'reason is required for loss and adjust' })
  @v.MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ enum: ['increase', 'decrease'], description: 'adjust: which way the count moved the stock.' })
  @v.ValidateIf(needs('adjust'))
  @v.IsIn(['increase', 'decrease'])
  direction?: 'increase' | 'decrease';

  @ApiPropertyOptional({ format: 'uuid', description: 'adjust: the stock count it came from.' })
  @v.IsOptional()
  @v.IsUUID('all')
  countId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') waybillId?: string;

  @ApiPropertyOptional({
    type: [SplitPartDto],
    description: 'split: the new lots and their quantities (unit: quantity.unit or kg).',
  })
  @v.ValidateIf(needs('split'))
  @v.IsArray()
  @v.ArrayMinSize(2)
  @v.ArrayMaxSize(100)
  @v.ValidateNested({ each: true })
  @Type(() => SplitPartDto)
  parts?: SplitPartDto[];

  @ApiPropertyOptional({ type: [MergeSourceDto], description: 'merge: the lots merged and how much of each (kg).' })
  @v.ValidateIf(needs('merge'))
  @v.IsArray()
  @v.ArrayMinSize(2)
  @v.ArrayMaxSize(100)
  @v.ValidateNested({ each: true })
  @Type(() => MergeSourceDto)
  sources?: MergeSourceDto[];
}

export class ReverseMovementDto {
  @ApiProperty({ example: '录入数量错误，应为 1000 kg' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason: string;
}

export class MovementQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') facilityId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') chemicalId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') lotId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') waybillId?: string;
  @ApiPropertyOptional({ enum: MOVEMENT_TYPES }) @v.IsOptional() @v.IsIn(MOVEMENT_TYPES) type?: MovementType;
  @ApiPropertyOptional({ format: 'date-time' }) @v.IsOptional() @v.IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @v.IsOptional() @v.IsISO8601({ strict: true }) to?: string;
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
  @ApiProperty({
    type: () => CarriageView,
    nullable: true,
    description: 'A leg a waybill booked: the waybill number, the carrier (承运人) and the vehicle plate.',
  })
  carriage: CarriageView | null;
  @ApiProperty({
    type: () => CorrectionView,
    nullable: true,
    description: 'Set on a movement dated beyond the backdating window: why, and who confirmed or booked it.',
  })
  correction: CorrectionView | null;
}

export class CarriageView {
  @ApiProperty({ example: 'WB-20261207-000123' }) waybillNumber: string;
  @ApiProperty({ format: 'uuid' }) carrierEnterpriseId: string;
  @ApiProperty({ example: '苏B12345' }) vehiclePlate: string;
}

export class CorrectionView {
  @ApiProperty({ example: '系统停机期间的纸质出入库记录补录' }) reason: string;
  @ApiProperty({ nullable: true, type: String, description: 'The confirmed filing (null: booked directly).' })
  filingId: string | null;
  @ApiProperty({ example: 'agency emergency' }) confirmedBy: string;
}

export class InTransitQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only what is addressed to this facility.' })
  @v.IsOptional()
  @v.IsUUID('all')
  facilityId?: string;
}

/** A shipment or sale still in transit, as its consignee sees it (nothing of the shipper's chain). */
export class InTransitView {
  @ApiProperty({ format: 'uuid', description: 'Name it as sourceMovementId to receive it.' }) movementId: string;
  @ApiProperty({ enum: ['ship', 'sell'] }) type: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'uuid' }) shipperEnterpriseId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) consigneeEnterpriseId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Where it must be received, if named.' })
  consigneeFacilityId: string | null;
  @ApiProperty({ format: 'uuid' }) chemicalId: string;
  @ApiProperty({ format: 'uuid' }) lotId: string;
  @ApiProperty() shippedKg: number;
  @ApiProperty() receivedKg: number;
  @ApiProperty({ description: 'Still in transit: what may yet be received.' }) openKg: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) waybillId: string | null;
}

export class InTransitPage {
  @ApiProperty({ type: [InTransitView] }) items: InTransitView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class MovementPage {
  @ApiProperty({ type: [MovementView] }) items: MovementView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
