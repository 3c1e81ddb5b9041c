import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '@lib/platform';
import { IsCas } from '../identifiers/validators.js';
import { CONTROL_STATUSES, type ControlStatus, DISTRICTS, type District } from '../vocabulary.js';
import type { PhysicalState } from './chemical.entity.js';

const PHYSICAL_STATES = ['solid', 'liquid', 'gas', 'liquefied_gas'] as const;
/**
 * ADR class, division and (for class 1) compatibility group: "3", "2.3", "6.1", "1.1D". Only the
 * divisions of class 1 have compatibility groups (ADR 2.2.1.1.6: 1.1A … 1.6N, 1.4S), so "4.1D" or
 * "3A" is no class at all.
 */
export const UN_CLASS_PATTERN = /^([1-9]|[2-6]\.[1-6]|1\.[1-6][A-HJLN-S]?)$/;

export class CreateChemicalDto {
  @ApiPropertyOptional({ description: 'CAS Registry Number, check digit verified.', example: '7782-50-5' })
  @IsOptional()
  @IsCas()
  cas?: string;

  @ApiPropertyOptional({ description: 'UN number, 4 digits.', example: '1017' })
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'unNumber must be 4 digits (e.g. 1017)' })
  unNumber?: string;

  @ApiProperty({ example: '氯' }) @IsString() @IsNotEmpty() @MaxLength(300) nameZh: string;
  @ApiPropertyOptional({ example: 'Chlorine' }) @IsOptional() @IsString() @MaxLength(300) nameEn?: string;
  @ApiPropertyOptional({ example: ['液氯', '氯气'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  synonyms?: string[];

  @ApiPropertyOptional({ description: 'ADR class or division.', example: '2.3' })
  @IsOptional()
  @Matches(UN_CLASS_PATTERN, { message: 'unClass must be an ADR class or division such as 3, 2.3 or 1.1D' })
  unClass?: string;

  @ApiPropertyOptional({ example: ['5.1', '8'] })
  @IsOptional()
  @IsArray()
  @Matches(UN_CLASS_PATTERN, { each: true, message: 'subsidiaryRisks must be ADR classes' })
  subsidiaryRisks?: string[];

  @ApiPropertyOptional({ example: ['II'] })
  @IsOptional()
  @IsArray()
  @IsIn(['I', 'II', 'III'], { each: true })
  packingGroups?: string[];

  @ApiPropertyOptional({ description: 'ADR/JT/T 617 tunnel restriction code.', example: 'C/D' })
  @IsOptional()
  @Matches(/^(\(?[B-E](\d+[B-E])?\)?)(\/[B-E])?$/, {
    message: 'tunnelCode must be a tunnel restriction code such as C/D, E or B1000C',
  })
  tunnelCode?: string;

  @ApiPropertyOptional({ description: 'kg per litre, for converting volumes to mass.', example: 1.41 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(25)
  densityKgPerL?: number;

  @ApiPropertyOptional({
    description: 'Liquefied gases: kg per litre of tank capacity from its tank instruction (ADR 4.3.3.2.5, T50).',
    example: 1.25,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(5)
  fillingRatioKgPerL?: number;

  @ApiPropertyOptional({ enum: PHYSICAL_STATES }) @IsOptional() @IsIn(PHYSICAL_STATES) physicalState?: PhysicalState;
  @ApiPropertyOptional({ description: '剧毒' }) @IsOptional() @IsBoolean() highlyToxic?: boolean;
  @ApiPropertyOptional({ description: '易制爆' }) @IsOptional() @IsBoolean() explosivePrecursor?: boolean;
  @ApiPropertyOptional({ description: '易制毒 category' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3)
  drugPrecursorCategory?: number;
  @ApiPropertyOptional({ description: '重点监管' }) @IsOptional() @IsBoolean() keySupervised?: boolean;
  @ApiPropertyOptional({ description: 'GB 18218-2018 Table 1 critical quantity (t).', example: 5 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  gb18218CriticalT?: number;
  @ApiPropertyOptional({ description: 'Where this entry comes from.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  sources?: string;
}

export class SetControlDto {
  @ApiProperty({ enum: CONTROL_STATUSES, description: '禁限控 status', example: 'restricted' })
  @IsIn(CONTROL_STATUSES)
  status: ControlStatus;

  @ApiPropertyOptional({
    description: 'What the status forbids, in the words of the list that sets it.',
    example: '仅限化工园区内储存、使用',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;

  @ApiPropertyOptional({
    enum: DISTRICTS,
    isArray: true,
    description: 'For restricted: where the chemical may be held or moved.',
    example: ['新吴', '江阴'],
  })
  @ValidateIf((o: SetControlDto) => o.status === 'restricted' || o.allowedDistricts !== undefined)
  @IsArray()
  @IsIn(DISTRICTS, { each: true })
  allowedDistricts?: District[];
}

export class ChemicalQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'CAS, UN number (1017 or UN1017), Chinese or English name or synonym; partial, case-insensitive.',
    example: '液氯',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Only 剧毒 chemicals.' })
  @IsOptional()
  @Type(() => String)
  @IsIn(['true', 'false'])
  highlyToxic?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Only this ADR class or division.', example: '2.3' })
  @IsOptional()
  @Matches(UN_CLASS_PATTERN)
  unClass?: string;
}

export class ChemicalView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String, example: '7782-50-5' }) cas: string | null;
  @ApiProperty({ nullable: true, type: String, example: '1017' }) unNumber: string | null;
  @ApiProperty({ example: '氯' }) nameZh: string;
  @ApiProperty({ nullable: true, type: String, example: 'Chlorine' }) nameEn: string | null;
  @ApiProperty({ type: [String], example: ['液氯', '氯气'] }) synonyms: string[];
  @ApiProperty({ nullable: true, type: String, example: '2.3' }) unClass: string | null;
  @ApiProperty({ type: [String] }) subsidiaryRisks: string[];
  @ApiProperty({ type: [String] }) packingGroups: string[];
  @ApiProperty({ nullable: true, type: String, example: 'C/D' }) tunnelCode: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 1.41 }) densityKgPerL: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 1.25,
    description: 'Liquefied gases: kg per litre of tank capacity (ADR 4.3.3.2.5, T50); null where unknown.',
  })
  fillingRatioKgPerL: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'ADR 4.3.3.2.5; T50' }) fillingRatioSource: string | null;
  @ApiProperty({ nullable: true, enum: PHYSICAL_STATES }) physicalState: PhysicalState | null;
  @ApiProperty() highlyToxic: boolean;
  @ApiProperty() explosivePrecursor: boolean;
  @ApiProperty({ nullable: true, type: Number }) drugPrecursorCategory: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) keySupervised: boolean | null;
  @ApiProperty({ enum: CONTROL_STATUSES }) controlStatus: ControlStatus;
  @ApiProperty({ nullable: true, type: String }) controlNote: string | null;
  @ApiProperty({ type: [String] }) controlAllowedDistricts: string[];
  @ApiProperty({ nullable: true, type: Number, example: 5 }) gb18218CriticalT: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 4 }) gb18218Beta: number | null;
  @ApiProperty({ nullable: true, type: String }) sources: string | null;
}

export class ChemicalPage {
  @ApiProperty({ type: [ChemicalView] }) items: ChemicalView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
