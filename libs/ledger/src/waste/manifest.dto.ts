import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { PageQuery } from '@lib/platform';
import { PROVINCE_CODES, WASTE_CODE } from '@lib/registry';
import { QuantityDto } from '../movements/movement.dto.js';
import { DISPOSAL_METHODS, type DisposalMethod } from '../vocabulary.js';

export const MANIFEST_STATES = ['created', 'shipped', 'picked_up', 'received', 'disposed', 'rejected'] as const;

export class CreateManifestDto {
  @ApiProperty({ format: 'uuid', description: "The generator's facility holding the waste lot." })
  @v.IsUUID('all')
  generatorFacilityId: string;
  @ApiProperty({ format: 'uuid', description: 'The waste lot (from waste_generate).' }) @v.IsUUID('all') lotId: string;
  @ApiProperty({ example: 'HW06' })
  @v.Matches(WASTE_CODE, { message: 'wasteCode must be HW01 to HW50' })
  wasteCode: string;
  @ApiProperty({
    example: '900-041-49',
    description:
      '废物代码: the 8-digit code of 《国家危险废物名录（2021年版）》 (NNN-NNN-NN), its last two digits the category of wasteCode (WASTE_CODE_FORMAT, WASTE_CODE_CATEGORY).',
  })
  @v.IsString()
  @v.MaxLength(20)
  wasteListCode: string;
  @ApiProperty({ format: 'uuid', description: 'The licensed carrier.' })
  @v.IsUUID('all')
  transporterEnterpriseId: string;
  @ApiProperty({ format: 'uuid', description: 'The receiving disposal facility (licensed for the waste code).' })
  @v.IsUUID('all')
  receiverFacilityId: string;
  @ApiProperty({ type: QuantityDto }) @v.ValidateNested() @Type(() => QuantityDto) quantity: QuantityDto;
  @ApiProperty({
    enum: ['bulk', 'packaged'],
    description: 'Tolerance on receipt: 1% for bulk, 0 for packaged (default).',
  })
  @v.IsIn(['bulk', 'packaged'])
  packaging: 'bulk' | 'packaged';
  @ApiPropertyOptional({ description: 'Override the tolerance (fraction, e.g. 0.01).', example: 0.01 })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.Min(0)
  @v.Max(0.2)
  toleranceRatio?: number;
  @ApiPropertyOptional({
    enum: PROVINCE_CODES,
    description:
      "The generator facility's province (GB/T 2260) as the generator states it: a claim, recorded beside the province the registry holds. What decides a cross-province transfer is the facility's province as emergency management confirmed it (a Wuxi district is Jiangsu, 32); an unconfirmed one outside Wuxi ('市外') counts as another province.",
  })
  @v.IsOptional()
  @v.IsIn(PROVINCE_CODES)
  generatorProvince?: string;
  @ApiPropertyOptional({
    enum: PROVINCE_CODES,
    description:
      "The receiver facility's province as the generator states it: a claim; the facility's confirmed province decides (unconfirmed outside Wuxi: another province).",
    example: '31',
  })
  @v.IsOptional()
  @v.IsIn(PROVINCE_CODES)
  receiverProvince?: string;
  @ApiPropertyOptional({
    description:
      '跨省转移审批: the approval number of a cross-province transfer, as the generator cites it: a claim until ecology/environment asserts it (固废法 Art. 82).',
    example: '苏环危转〔2026〕123号',
  })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(100)
  approvalNumber?: string;
}

export class PickupManifestDto {
  @ApiProperty({ example: '2026-11-28T02:00:00Z' }) @v.IsISO8601({ strict: true }) occurredAt: string;
}

export class ApprovalDto {
  @ApiProperty({ example: '苏环危转〔2026〕123号', description: 'The approval number ecology/environment issued.' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(100)
  number: string;
}

export class OverdueStorageQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Judge as of this instant (default: now).' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  asOf?: string;
}

export class OverdueStorageView {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty({ format: 'uuid' }) lotId: string;
  @ApiProperty() lotNumber: string;
  @ApiProperty({ example: 'HW49' }) wasteCode: string;
  @ApiProperty() quantityKg: number;
  @ApiProperty({ format: 'date-time', description: 'When the facility first took this waste into storage.' })
  storedSince: string;
  @ApiProperty({ format: 'date-time', description: 'One year later (固废法 Art. 81).' }) deadline: string;
  @ApiProperty({ example: 'WASTE_STORED_OVER_ONE_YEAR' }) rule: string;
}

export class ShipManifestDto {
  @ApiPropertyOptional({ type: QuantityDto, description: 'What left (default: the planned quantity).' })
  @v.IsOptional()
  @v.ValidateNested()
  @Type(() => QuantityDto)
  quantity?: QuantityDto;
  @ApiProperty({ example: '2026-11-28T01:00:00Z' }) @v.IsISO8601({ strict: true }) occurredAt: string;
}

export class ReceiveManifestDto {
  @ApiProperty({ type: QuantityDto, description: 'What was weighed in at the receiver.' })
  @v.ValidateNested()
  @Type(() => QuantityDto)
  quantity: QuantityDto;
  @ApiProperty({ example: '2026-11-28T05:00:00Z' }) @v.IsISO8601({ strict: true }) occurredAt: string;
}

export class DisposeManifestDto {
  @ApiProperty({ enum: DISPOSAL_METHODS }) @v.IsIn(DISPOSAL_METHODS) method: DisposalMethod;
  @ApiProperty({ example: '2026-11-29T05:00:00Z' }) @v.IsISO8601({ strict: true }) occurredAt: string;
}

export class RejectManifestDto {
  @ApiProperty({ example: '包装破损，拒收' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(1000) reason: string;
  @ApiProperty({ example: '2026-11-28T05:00:00Z' }) @v.IsISO8601({ strict: true }) occurredAt: string;
}

export class ManifestQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MANIFEST_STATES }) @v.IsOptional() @v.IsIn(MANIFEST_STATES) state?: string;
  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only manifests whose receipt differed from the shipment beyond the tolerance.',
  })
  @v.IsOptional()
  @v.IsIn(['true'])
  discrepancy?: 'true';
  @ApiPropertyOptional({ example: 'HW06' }) @v.IsOptional() @v.Matches(WASTE_CODE) wasteCode?: string;
}

export class ManifestView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'HWM-20261128-K3F9Q2' }) number: string;
  @ApiProperty({ enum: MANIFEST_STATES }) state: string;
  @ApiProperty() wasteCode: string;
  @ApiProperty({ nullable: true, type: String, example: '900-041-49' }) wasteListCode: string | null;
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
  @ApiProperty({ nullable: true, type: String, description: 'When the transporter confirmed pickup.' })
  pickedUpAt: string | null;
  @ApiProperty({ nullable: true, type: String }) receivedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({
    example: '32',
    nullable: true,
    type: String,
    description: "The generator facility's confirmed province (null: outside Wuxi and unconfirmed).",
  })
  generatorProvince: string | null;
  @ApiProperty({
    example: '31',
    nullable: true,
    type: String,
    description: "The receiver facility's confirmed province (null: outside Wuxi and unconfirmed).",
  })
  receiverProvince: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The province the generator stated: a claim.' })
  generatorProvinceStated: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The province the generator stated: a claim.' })
  receiverProvinceStated: string | null;
  @ApiProperty({ description: 'Generator and receiver in different provinces (跨省转移).' }) crossProvince: boolean;
  @ApiProperty({
    nullable: true,
    description: 'The 跨省转移审批: its number and whether ecology asserted it or the generator only claims it.',
  })
  approval: { number: string; status: string; assertedBy: string | null; assertedAt: string | null } | null;
}

export class ManifestPage {
  @ApiProperty({ type: [ManifestView] }) items: ManifestView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
