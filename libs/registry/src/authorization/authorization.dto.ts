import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { ACTIVITIES, type Activity, LICENCE_KINDS, type LicenceKind, WASTE_CODE } from '../vocabulary.js';

export class AuthorizationQuery {
  @ApiProperty({ enum: ACTIVITIES, example: 'buy' }) @v.IsIn(ACTIVITIES) activity: Activity;
  @ApiProperty({ format: 'uuid', description: 'Catalogue id of the chemical.' }) @v.IsUUID('all') chemicalId: string;
  @ApiPropertyOptional({ description: 'The instant to judge (default: now).', example: '2026-11-29T08:00:00Z' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  at?: string;
  @ApiPropertyOptional({ description: 'For activity dispose: the hazardous waste category.', example: 'HW06' })
  @v.IsOptional()
  @v.Matches(WASTE_CODE, { message: 'wasteCode must be HW01 to HW50' })
  wasteCode?: string;
  @ApiPropertyOptional({
    description: 'A purchase: its quantity (kg), judged against the remaining quantity of a permit or filing.',
    example: 200,
  })
  @v.IsOptional()
  @Type(() => Number)
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  quantityKg?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'A purchase: the seller a permit must name.' })
  @v.IsOptional()
  @v.IsUUID('all')
  counterpartyId?: string;
}

export class AuthorizationReason {
  @ApiProperty({
    description:
      'ENTERPRISE_BLACKLISTED, CHEMICAL_PROHIBITED, CHEMICAL_RESTRICTED, LICENCE_MISSING, LICENCE_PENDING, LICENCE_REFUSED, PURCHASE_PERMIT_REQUIRED, PRECURSOR_FILING_REQUIRED, DRUG_PRECURSOR_PERMIT_REQUIRED, DRUG_PRECURSOR_FILING_REQUIRED, LICENCE_EXPIRED, LICENCE_NOT_YET_VALID, LICENCE_SUSPENDED, LICENCE_REVOKED, LICENCE_OUT_OF_SCOPE, BUSINESS_WITHOUT_STORAGE, PERMIT_QUANTITY_EXCEEDED, PERMIT_COUNTERPARTY',
    example: 'LICENCE_EXPIRED',
  })
  code: string;
  @ApiProperty({ example: 'safe use licence (危险化学品安全使用许可证) 苏WH安使字[2021]0012 expired on 2026-10-31' })
  text: string;
  @ApiPropertyOptional({ format: 'uuid' }) licenceId?: string;
  @ApiPropertyOptional({ description: 'The article of the requirement it fails.', example: 'Decree 591 Art. 29' })
  basis?: string;
}

export class RequirementView {
  @ApiProperty({ example: 'safe use licence' }) need: string;
  @ApiProperty({
    description: 'The article applied.',
    example: 'Decree 591 Art. 29; 《危险化学品安全使用许可证实施办法》 Art. 2',
  })
  basis: string;
  @ApiProperty({ description: 'false: the article does not ask it of this enterprise (see note).' }) required: boolean;
  @ApiProperty() met: boolean;
  @ApiProperty({ type: [String], description: 'The licences that meet it.' }) licenceIds: string[];
  @ApiPropertyOptional({
    example: 'a hospital is not a chemical enterprise (化工企业): Art. 29 asks it for no safe use licence',
  })
  note?: string;
}

export class PermitConsumption {
  @ApiProperty({ format: 'uuid' }) licenceId: string;
  @ApiProperty({ enum: LICENCE_KINDS }) kind: LicenceKind;
  @ApiProperty({ format: 'uuid' }) chemicalId: string;
  @ApiProperty() quantityKg: number;
}

export class AuthorizationAnswer {
  @ApiProperty() allowed: boolean;
  @ApiProperty({ type: [AuthorizationReason], description: 'Why not (empty when allowed).' })
  reasons: AuthorizationReason[];
  @ApiProperty({ type: [String], description: 'The licences that allow it.' }) licenceIds: string[];
  @ApiProperty({ example: '2026-11-29', description: 'The local date (Asia/Shanghai) the licences were judged on.' })
  localDate: string;
  @ApiProperty({
    type: [RequirementView],
    description: 'Each requirement applied, with its article; one the law waives is listed as not required.',
  })
  requirements: RequirementView[];
  @ApiProperty({
    type: [PermitConsumption],
    description: 'A purchase with a quantity: the permit or filing it would consume (booked with the movement).',
  })
  consumes: PermitConsumption[];
}
