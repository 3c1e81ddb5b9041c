import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { ChangeReasonDto, PendingChangeView } from '../gating.js';
import { PageQuery } from '@lib/platform';
import { IsCreditCode } from '../identifiers/validators.js';
import {
  CREDIT_STATUSES,
  type CreditStatus,
  DISTRICTS,
  type District,
  ENTERPRISE_ROLES,
  type EnterpriseRole,
  ENTERPRISE_SECTORS,
  type EnterpriseSector,
} from '../vocabulary.js';

export class ContactDto {
  @ApiProperty({ example: '王建国' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(100) name: string;
  @ApiPropertyOptional({ example: '安全负责人' }) @v.IsOptional() @v.IsString() @v.MaxLength(100) role?: string;
  @ApiPropertyOptional({
    description: 'Personal data: masked for all but the enterprise itself and admin.',
    example: '13912345678',
  })
  @v.IsOptional()
  @v.Matches(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, {
    message: 'phone must be a mainland mobile (13912345678) or landline (0510-82345678) number',
  })
  phone?: string;
}

export class CreateEnterpriseDto {
  @ApiProperty({
    description: '统一社会信用代码 (GB 32100-2015, check character verified).',
    example: '91320214MA1P3K2X02',
  })
  @IsCreditCode()
  creditCode: string;

  @ApiProperty({ example: '无锡锡化化工有限公司' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(200) name: string;

  @ApiProperty({ enum: ENTERPRISE_ROLES, isArray: true, example: ['producer', 'storer'] })
  @v.IsArray()
  @v.ArrayMinSize(1)
  @v.IsIn(ENTERPRISE_ROLES, { each: true })
  roles: EnterpriseRole[];

  @ApiProperty({ enum: DISTRICTS, description: 'District of Wuxi (市外 for out-of-town parties).', example: '新吴' })
  @v.IsIn(DISTRICTS)
  district: District;

  @ApiPropertyOptional({
    enum: ENTERPRISE_SECTORS,
    description:
      'Decree 591 Art. 29: chemical (化工企业) or hospital, laboratory, school, other user. Only a chemical enterprise using above the thresholds needs a safe use licence. Filed for emergency management to confirm; default chemical.',
    example: 'chemical',
  })
  @v.IsOptional()
  @v.IsIn(ENTERPRISE_SECTORS)
  sector?: EnterpriseSector;

  @ApiPropertyOptional({
    description:
      'Uses listed chemicals as production raw material above 《危险化学品使用量的数量标准》 (2013). Filed for emergency management to confirm; default true.',
    example: true,
  })
  @v.IsOptional()
  @v.IsBoolean()
  usesAboveThreshold?: boolean;

  @ApiProperty({ example: '无锡市新吴区长江路 88 号' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(300) address: string;

  @ApiPropertyOptional({ type: [ContactDto] })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(20)
  @v.ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts?: ContactDto[];
}

/**
 * What may change (the credit code never does: a new code is a new enterprise). An enterprise
 * changes its name, address and contacts; roles and district are changed by admin.
 */
export class UpdateEnterpriseDto extends IntersectionType(
  PartialType(
    PickType(CreateEnterpriseDto, [
      'name',
      'address',
      'contacts',
      'roles',
      'district',
      'sector',
      'usesAboveThreshold',
    ] as const),
  ),
  ChangeReasonDto,
) {}

export class SetCreditStatusDto {
  @ApiProperty({ enum: CREDIT_STATUSES, example: 'blacklisted' }) @v.IsIn(CREDIT_STATUSES) status: CreditStatus;

  @ApiPropertyOptional({
    description: 'Required for warned and blacklisted.',
    example: '2026年10月违规储存剧毒化学品，列入失信名单',
  })
  @v.ValidateIf((o: SetCreditStatusDto) => o.status !== 'normal' || o.reason !== undefined)
  @v.IsString()
  @v.IsNotEmpty({ message: 'reason is required when the status is warned or blacklisted' })
  @v.MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ description: 'When the status takes effect (default: now).', example: '2026-11-01T00:00:00Z' })
  @v.IsOptional()
  @v.IsDateString({ strict: true })
  effectiveAt?: string;
}

export class EnterpriseQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DISTRICTS }) @v.IsOptional() @v.IsIn(DISTRICTS) district?: District;
  @ApiPropertyOptional({ enum: ENTERPRISE_ROLES }) @v.IsOptional() @v.IsIn(ENTERPRISE_ROLES) role?: EnterpriseRole;
  @ApiPropertyOptional({ enum: CREDIT_STATUSES }) @v.IsOptional() @v.IsIn(CREDIT_STATUSES) creditStatus?: CreditStatus;
  @ApiPropertyOptional({ description: 'Part of the name or of the credit code.' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(100)
  q?: string;
}

export class EnterpriseView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() creditCode: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ENTERPRISE_ROLES, isArray: true }) roles: EnterpriseRole[];
  @ApiProperty({ enum: DISTRICTS }) district: District;
  @ApiProperty({ enum: ENTERPRISE_SECTORS, description: 'As confirmed by emergency management (Decree 591 Art. 29).' })
  sector: EnterpriseSector;
  @ApiProperty({ description: 'Uses above 《危险化学品使用量的数量标准》, as confirmed.' }) usesAboveThreshold: boolean;
  @ApiProperty() address: string;
  @ApiProperty({ type: [ContactDto] }) contacts: ContactDto[];
  @ApiProperty({ enum: CREDIT_STATUSES }) creditStatus: CreditStatus;
  @ApiProperty({ nullable: true, type: String }) creditReason: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) creditSince: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({
    type: [PendingChangeView],
    description:
      'District or roles the enterprise filed that await emergency management; the fields above are the confirmed ones.',
  })
  pendingChanges?: PendingChangeView[];
}

export class EnterprisePage {
  @ApiProperty({ type: [EnterpriseView] }) items: EnterpriseView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CreditEventView {
  @ApiProperty({ enum: CREDIT_STATUSES }) status: CreditStatus;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ format: 'date-time' }) effectiveAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}
