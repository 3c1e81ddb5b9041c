import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
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
  @v.IsOptional()
  @IsCas()
  cas?: string;

  @ApiPropertyOptional({ description: 'UN number, 4 digits.', example: '1017' })
  @v.IsOptional()
  @v.Matches(/^\d{4}$/, { message: 'unNumber must be 4 digits (e.g. 1017)' })
  unNumber?: string;

  @ApiProperty({ example: '氯' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(300) nameZh: string;
  @ApiPropertyOptional({ example: 'Chlorine' }) @v.IsOptional() @v.IsString() @v.MaxLength(300) nameEn?: string;
  @ApiPropertyOptional({ example: ['液氯', '氯气'] })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(50)
  @v.IsString({ each: true })
  synonyms?: string[];

  @ApiPropertyOptional({ description: 'ADR class or division.', example: '2.3' })
  @v.IsOptional()
  @v.Matches(UN_CLASS_PATTERN, { message: 'unClass must be an ADR class or division such as 3, 2.3 or 1.1D' })
  unClass?: string;

  @ApiPropertyOptional({ example: ['5.1', '8'] })
  @v.IsOptional()
  @v.IsArray()
  @v.Matches(UN_CLASS_PATTERN, { each: true, message: 'subsidiaryRisks must be ADR classes' })
  subsidiaryRisks?: string[];

  @ApiPropertyOptional({ example: ['II'] })
  @v.IsOptional()
  @v.IsArray()
  @v.IsIn(['I', 'II', 'III'], { each: true })
  packingGroups?: string[];

  @ApiPropertyOptional({ description: 'ADR/JT/T 617 tunnel restriction code.', example: 'C/D' })
  @v.IsOptional()
  @v.Matches(/^(\(?[B-E](\d+[B-E])?\)?)(\/[B-E])?$/, {
    message: 'tunnelCode must be a tunnel restriction code such as C/D, E or B1000C',
  })
  tunnelCode?: string;

  @ApiPropertyOptional({ description: 'kg per litre, for converting volumes to mass.', example: 1.41 })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(25)
  densityKgPerL?: number;

  @ApiPropertyOptional({
    description: 'Liquefied gases: kg per litre of tank capacity from its tank instruction (ADR 4.3.3.2.5, T50).',
    example: 1.25,
  })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(5)
  fillingRatioKgPerL?: number;

  @ApiPropertyOptional({ enum: PHYSICAL_STATES })
  @v.IsOptional()
  @v.IsIn(PHYSICAL_STATES)
  physicalState?: PhysicalState;
  @ApiPropertyOptional({ description: '剧毒' }) @v.IsOptional() @v.IsBoolean() highlyToxic?: boolean;
  @ApiPropertyOptional({ description: '易制爆' }) @v.IsOptional() @v.IsBoolean() explosivePrecursor?: boolean;
  @ApiPropertyOptional({ description: '易制毒 category' })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(3)
  drugPrecursorCategory?: number;
  @ApiPropertyOptional({ description: '重点监管' }) @v.IsOptional() @v.IsBoolean() keySupervised?: boolean;
  @ApiPropertyOptional({ description: 'GB 18218-2018 Table 1 critical quantity (t).', example: 5 })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  gb18218CriticalT?: number;
  @ApiPropertyOptional({ description: 'Where this entry comes from.' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(5000)
  sources?: string;
}

export class SetControlDto {
  @ApiProperty({ enum: CONTROL_STATUSES, description: '禁限控 status', example: 'restricted' })
  @v.IsIn(CONTROL_STATUSES)
  status: ControlStatus;

  @ApiPropertyOptional({
    description: 'What the status forbids, in the words of the list that sets it.',
    example: '仅限化工园区内储存、使用',
  })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(1000)
  note?: string;

  @ApiPropertyOptional({
    enum: DISTRICTS,
    isArray: true,
    description: 'For restricted: where the chemical may be held or moved.',
    example: ['新吴', '江阴'],
  })
  @v.ValidateIf((o: SetControlDto) => o.status === 'restricted' || o.allowedDistricts !== undefined)
  @v.IsArray()
  @v.IsIn(DISTRICTS, { each: true })
  allowedDistricts?: District[];
}

export class ChemicalQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'CAS, UN number (1017 or UN1017), Chinese or English name or synonym; partial, case-insensitive.',
    example: '液氯',
  })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Only 剧毒 chemicals.' })
  @v.IsOptional()
  @Type(() => String)
  @v.IsIn(['true', 'false'])
  highlyToxic?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Only this ADR class or division.', example: '2.3' })
  @v.IsOptional()
  @v.Matches(UN_CLASS_PATTERN)
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
