import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import * as v from 'class-validator';
import { PageQuery } from '@lib/platform';
import { ChangeReasonDto, PendingChangeView } from '../gating.js';
import { IsCitizenId } from '../identifiers/validators.js';
import { PERSON_ROLES, type PersonRole, QUALIFICATION_KINDS, type QualificationKind } from '../vocabulary.js';

export class CreatePersonDto {
  @ApiProperty({ example: '李卫东' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(100) name: string;
  @ApiProperty({
    description: '公民身份号码 (GB 11643-1999, check character verified). Masked for all but the employer and admin.',
    example: '32020219850312123X',
  })
  @IsCitizenId()
  idNumber: string;
  @ApiPropertyOptional({ description: 'Masked like the id number.', example: '13912345678' })
  @v.IsOptional()
  @v.Matches(/^1[3-9]\d{9}$/, { message: 'phone must be a mainland mobile number (11 digits starting 13 to 19)' })
  phone?: string;
  @ApiProperty({ enum: PERSON_ROLES, example: 'driver' }) @v.IsIn(PERSON_ROLES) role: PersonRole;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The employing carrier. An enterprise key may omit it (its own).',
  })
  @v.IsOptional()
  @v.IsUUID('all')
  employerId?: string;
  @ApiProperty({ enum: QUALIFICATION_KINDS, description: '从业资格类别', example: 'dg_driver' })
  @v.IsIn(QUALIFICATION_KINDS)
  qualificationKind: QualificationKind;
  @ApiProperty({ description: '从业资格证号', example: '320200198503121234' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(60)
  qualificationNumber: string;
  @ApiProperty({ example: '2028-03-31' })
  @v.Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'qualificationExpiry must be a date YYYY-MM-DD' })
  qualificationExpiry: string;
}

export class UpdatePersonDto extends IntersectionType(
  PartialType(OmitType(CreatePersonDto, ['idNumber', 'employerId', 'role'] as const)),
  ChangeReasonDto,
) {
  @ApiPropertyOptional({ enum: ['active', 'inactive'] }) @v.IsOptional() @v.IsIn(['active', 'inactive']) status?:
    'active' | 'inactive';
}

export class PersonQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') employerId?: string;
  @ApiPropertyOptional({ enum: PERSON_ROLES }) @v.IsOptional() @v.IsIn(PERSON_ROLES) role?: PersonRole;
  @ApiPropertyOptional({ description: 'Only qualifications expiring on or before this date.', example: '2026-12-31' })
  @v.IsOptional()
  @v.Matches(/^\d{4}-\d{2}-\d{2}$/)
  qualificationExpiringBy?: string;
}

export class PersonView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({
    description: 'Masked (first 3 and last 4 shown) unless the caller is the employer or admin.',
    example: '320***********123X',
  })
  idNumber: string;
  @ApiProperty({ nullable: true, type: String, example: '139****5678' }) phone: string | null;
  @ApiProperty({ description: 'Whether idNumber and phone are masked in this answer.' }) masked: boolean;
  @ApiProperty({ enum: PERSON_ROLES }) role: PersonRole;
  @ApiProperty({ format: 'uuid' }) employerId: string;
  @ApiProperty({
    enum: QUALIFICATION_KINDS,
    nullable: true,
    description: 'As transport confirmed it (null: none yet).',
  })
  qualificationKind: QualificationKind | null;
  @ApiProperty({ nullable: true, type: String }) qualificationNumber: string | null;
  @ApiProperty({ nullable: true, type: String }) qualificationExpiry: string | null;
  @ApiProperty({ enum: ['active', 'inactive'] }) status: string;
  @ApiPropertyOptional({
    type: [PendingChangeView],
    description: 'A qualification the employer filed that awaits transport; the fields above are the confirmed ones.',
  })
  pendingChanges?: PendingChangeView[];
}

export class PersonPage {
  @ApiProperty({ type: [PersonView] }) items: PersonView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
