import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
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
import {
  HAZARD_CLASSES,
  LICENCE_KINDS,
  type LicenceKind,
  LICENCE_STATUSES,
  type LicenceStatus,
  WASTE_CODE,
} from '../vocabulary.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class LicenceScopeDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Catalogue ids of the chemicals covered.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @IsUUID('all', { each: true })
  chemicalIds?: string[];

  @ApiPropertyOptional({
    enum: HAZARD_CLASSES,
    isArray: true,
    description: 'ADR classes or divisions covered ("2" covers 2.1 to 2.3).',
    example: ['2.3', '8'],
  })
  @IsOptional()
  @IsArray()
  @IsIn(HAZARD_CLASSES, { each: true })
  classes?: string[];

  @ApiPropertyOptional({
    description: 'Hazardous waste categories covered (国家危险废物名录), for disposal licences.',
    example: ['HW06', 'HW34'],
  })
  @IsOptional()
  @IsArray()
  @Matches(WASTE_CODE, { each: true, message: 'wasteCodes must be HW01 to HW50' })
  wasteCodes?: string[];
}

export class CreateLicenceDto {
  @ApiProperty({ enum: LICENCE_KINDS, example: 'safety_production' }) @IsIn(LICENCE_KINDS) kind: LicenceKind;
  @ApiProperty({ example: '(苏)WH安许证字[B00123]' }) @IsString() @IsNotEmpty() @MaxLength(100) number: string;
  @ApiProperty({ example: '江苏省应急管理厅' }) @IsString() @IsNotEmpty() @MaxLength(200) issuer: string;
  @ApiProperty({ description: 'First valid day (local date, Asia/Shanghai).', example: '2024-03-01' })
  @Matches(DATE, { message: 'validFrom must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'validFrom must be a real date' })
  validFrom: string;
  @ApiProperty({ description: 'Last valid day, inclusive (local date).', example: '2027-02-28' })
  @Matches(DATE, { message: 'validTo must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'validTo must be a real date' })
  validTo: string;
  @ApiProperty({
    type: LicenceScopeDto,
    description: 'What the licence covers: chemicals, classes and/or waste codes (at least one).',
  })
  @ValidateNested()
  @Type(() => LicenceScopeDto)
  scope: LicenceScopeDto;
}

export class SetLicenceStatusDto {
  @ApiProperty({ enum: LICENCE_STATUSES, example: 'suspended' }) @IsIn(LICENCE_STATUSES) status: LicenceStatus;
  @ApiPropertyOptional({ example: '2026年11月停产整顿' }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class LicenceQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only valid licences whose last day falls within this many days.', example: 30 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  expiringWithinDays?: number;

  @ApiPropertyOptional({ enum: LICENCE_KINDS }) @IsOptional() @IsIn(LICENCE_KINDS) kind?: LicenceKind;
}

export class LicenceView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty({ enum: LICENCE_KINDS }) kind: LicenceKind;
  @ApiProperty() number: string;
  @ApiProperty() issuer: string;
  @ApiProperty({ example: '2024-03-01' }) validFrom: string;
  @ApiProperty({ example: '2027-02-28' }) validTo: string;
  @ApiProperty({ enum: LICENCE_STATUSES }) status: LicenceStatus;
  @ApiProperty({ nullable: true, type: String }) statusReason: string | null;
  @ApiProperty({ type: LicenceScopeDto }) scope: { chemicalIds: string[]; classes: string[]; wasteCodes: string[] };
  @ApiProperty({ description: 'Days from today (local) to the last valid day; negative once expired.' })
  daysToExpiry: number;
}

export class LicencePage {
  @ApiProperty({ type: [LicenceView] }) items: LicenceView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
