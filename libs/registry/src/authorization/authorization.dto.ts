import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { ACTIVITIES, type Activity, WASTE_CODE } from '../vocabulary.js';

export class AuthorizationQuery {
  @ApiProperty({ enum: ACTIVITIES, example: 'buy' }) @IsIn(ACTIVITIES) activity: Activity;
  @ApiProperty({ format: 'uuid', description: 'Catalogue id of the chemical.' }) @IsUUID('all') chemicalId: string;
  @ApiPropertyOptional({ description: 'The instant to judge (default: now).', example: '2026-11-29T08:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
  @ApiPropertyOptional({ description: 'For activity dispose: the hazardous waste category.', example: 'HW06' })
  @IsOptional()
  @Matches(WASTE_CODE, { message: 'wasteCode must be HW01 to HW50' })
  wasteCode?: string;
}

export class AuthorizationReason {
  @ApiProperty({
    description:
      'ENTERPRISE_BLACKLISTED, CHEMICAL_PROHIBITED, CHEMICAL_RESTRICTED, LICENCE_MISSING, LICENCE_PENDING, LICENCE_REFUSED, PURCHASE_PERMIT_REQUIRED, PRECURSOR_FILING_REQUIRED, LICENCE_EXPIRED, LICENCE_NOT_YET_VALID, LICENCE_SUSPENDED, LICENCE_REVOKED, LICENCE_OUT_OF_SCOPE',
    example: 'LICENCE_EXPIRED',
  })
  code: string;
  @ApiProperty({ example: 'safe use licence (危险化学品安全使用许可证) 苏WH安使字[2021]0012 expired on 2026-10-31' })
  text: string;
  @ApiPropertyOptional({ format: 'uuid' }) licenceId?: string;
}

export class AuthorizationAnswer {
  @ApiProperty() allowed: boolean;
  @ApiProperty({ type: [AuthorizationReason], description: 'Why not (empty when allowed).' })
  reasons: AuthorizationReason[];
  @ApiProperty({ type: [String], description: 'The licences that allow it.' }) licenceIds: string[];
  @ApiProperty({ example: '2026-11-29', description: 'The local date (Asia/Shanghai) the licences were judged on.' })
  localDate: string;
}
