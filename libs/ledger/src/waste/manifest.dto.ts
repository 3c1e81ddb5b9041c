import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '@lib/platform';
import { WASTE_CODE } from '@lib/registry';
import { QuantityDto } from '../movements/movement.dto.js';
import { DISPOSAL_METHODS, type DisposalMethod } from '../vocabulary.js';

export const MANIFEST_STATES = ['created', 'shipped', 'received', 'disposed', 'rejected'] as const;

export class CreateManifestDto {
  @ApiProperty({ format: 'uuid', description: "The generator's facility holding the waste lot." })
  @IsUUID('all')
  generatorFacilityId: string;
  @ApiProperty({ format: 'uuid', description: 'The waste lot (from waste_generate).' }) @IsUUID('all') lotId: string;
  @ApiProperty({ example: 'HW06' })
  @Matches(WASTE_CODE, { message: 'wasteCode must be HW01 to HW50' })
  wasteCode: string;
  @ApiProperty({ format: 'uuid', description: 'The licensed carrier.' }) @IsUUID('all') transporterEnterpriseId: string;
  @ApiProperty({ format: 'uuid', description: 'The receiving disposal facility (licensed for the waste code).' })
  @IsUUID('all')
  receiverFacilityId: string;
  @ApiProperty({ type: QuantityDto }) @ValidateNested() @Type(() => QuantityDto) quantity: QuantityDto;
  @ApiProperty({
    enum: ['bulk', 'packaged'],
    description: 'Tolerance on receipt: 1% for bulk, 0 for packaged (default).',
  })
  @IsIn(['bulk', 'packaged'])
  packaging: 'bulk' | 'packaged';
  @ApiPropertyOptional({ description: 'Override the tolerance (fraction, e.g. 0.01).', example: 0.01 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(0.2)
  toleranceRatio?: number;
}

export class ShipManifestDto {
  @ApiPropertyOptional({ type: QuantityDto, description: 'What left (default: the planned quantity).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuantityDto)
  quantity?: QuantityDto;
  @ApiProperty({ example: '2026-11-28T01:00:00Z' }) @IsISO8601({ strict: true }) occurredAt: string;
}

export class ReceiveManifestDto {
  @ApiProperty({ type: QuantityDto, description: 'What was weighed in at the receiver.' })
  @ValidateNested()
  @Type(() => QuantityDto)
  quantity: QuantityDto;
  @ApiProperty({ example: '2026-11-28T05:00:00Z' }) @IsISO8601({ strict: true }) occurredAt: string;
}

export class DisposeManifestDto {
  @ApiProperty({ enum: DISPOSAL_METHODS }) @IsIn(DISPOSAL_METHODS) method: DisposalMethod;
  @ApiProperty({ example: '2026-11-29T05:00:00Z' }) @IsISO8601({ strict: true }) occurredAt: string;
}

export class RejectManifestDto {
  @ApiProperty({ example: '包装破损，拒收' }) @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
  @ApiProperty({ example: '2026-11-28T05:00:00Z' }) @IsISO8601({ strict: true }) occurredAt: string;
}

export class ManifestQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MANIFEST_STATES }) @IsOptional() @IsIn(MANIFEST_STATES) state?: string;
  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only manifests whose receipt differed from the shipment beyond the tolerance.',
  })
  @IsOptional()
  @IsIn(['true'])
  discrepancy?: 'true';
  @ApiPropertyOptional({ example: 'HW06' }) @IsOptional() @Matches(WASTE_CODE) wasteCode?: string;
}

export class ManifestView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'HWM-20261128-K3F9Q2' }) number: string;
  @ApiProperty({ enum: MANIFEST_STATES }) state: string;
  @ApiProperty() wasteCode: string;
  @ApiProperty({ format: 'uuid' }) chemicalId: string;
  @ApiProperty({ format: 'uuid' }) lotId: string;
  @ApiProperty({ enum: ['bulk', 'packaged'] }) packaging: string;
  @ApiProperty({ format: 'uuid' }) generatorEnterpriseId: string;
  @ApiProperty({ format: 'uuid' }) generatorFacilityId: string;
  @ApiProperty({ format: 'uuid' }) transporterEnterpriseId: string;
  @ApiProperty({ format: 'uuid' }) receiverEnterpriseId: string;
  @ApiProperty({ format: 'uuid' }) receiverFacilityId: string;
  @ApiProperty() plannedKg: number;
  @ApiProperty({ nullable: true, type: Number }) shippedKg: number | null;
  @ApiProperty({ nullable: true, type: Number }) receivedKg: number | null;
  @ApiProperty({ nullable: true, type: Number }) disposedKg: number | null;
  @ApiProperty({ nullable: true, type: String }) disposalMethod: string | null;
  @ApiProperty() toleranceRatio: number;
  @ApiProperty({ nullable: true, type: Number, description: 'shipped − received, when beyond the tolerance.' })
  discrepancyKg: number | null;
  @ApiProperty({ nullable: true, type: String }) rejectionReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String }) shippedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) receivedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
}

export class ManifestPage {
  @ApiProperty({ type: [ManifestView] }) items: ManifestView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
