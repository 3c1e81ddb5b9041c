import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { AGENCIES, type Agency } from '../auth/principal.js';
import { PageQuery } from '../http/pagination.js';
import { FILING_KINDS, FILING_STATUSES, type FilingKind, type FilingStatus } from './filing-kinds.js';

export class FilingQuery extends PageQuery {
  @ApiPropertyOptional({ enum: FILING_STATUSES, description: 'The work queue is `status=pending`.' })
  @v.IsOptional()
  @v.IsIn(FILING_STATUSES)
  status?: FilingStatus;
  @ApiPropertyOptional({ enum: FILING_KINDS }) @v.IsOptional() @v.IsIn(FILING_KINDS) kind?: FilingKind;
  @ApiPropertyOptional({ format: 'uuid', description: 'Whose filings (the enterprise that filed).' })
  @v.IsOptional()
  @v.IsUUID('all')
  enterpriseId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'About which licence, vehicle, person, facility or enterprise.' })
  @v.IsOptional()
  @v.IsUUID('all')
  subjectId?: string;
  @ApiPropertyOptional({
    enum: AGENCIES,
    description: "Admin only: one agency's queue. An agency always reads its own queue.",
  })
  @v.IsOptional()
  @v.IsIn(AGENCIES)
  agency?: Agency;
}

export class DecideFilingDto {
  @ApiPropertyOptional({
    description: 'Why (required to refuse): kept with the decision and shown to the filer.',
    example: '检验报告编号与特种设备检验机构记录不符',
  })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason?: string;
}

export class RefuseFilingDto {
  @ApiProperty({ example: '道路运输证已注销' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(1000) reason: string;
}

export class FilingView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: FILING_KINDS }) kind: FilingKind;
  @ApiProperty({ enum: AGENCIES, description: 'The agency that confirms it.' }) agency: Agency;
  @ApiProperty({ example: 'vehicle' }) subjectType: string;
  @ApiProperty({ format: 'uuid' }) subjectId: string;
  @ApiProperty({ format: 'uuid', description: 'The enterprise whose claim it is.' }) enterpriseId: string;
  @ApiProperty({ description: 'The claimed values.', example: { tankInspectionExpiry: '2028-06-30' } })
  proposed: Record<string, unknown>;
  @ApiProperty({
    description: 'The values in force when it was filed.',
    example: { tankInspectionExpiry: '2026-06-30' },
  })
  current: Record<string, unknown>;
  @ApiProperty({ example: '苏B12345: tank inspection to 2028-06-30' }) summary: string;
  @ApiProperty({ type: [String], description: 'References to the documents the claim relies on.' })
  documents: string[];
  @ApiProperty({ enum: FILING_STATUSES }) status: FilingStatus;
  @ApiProperty({ example: 'enterprise 0193…' }) filedBy: string;
  @ApiProperty({ format: 'date-time' }) filedAt: string;
  @ApiProperty({ nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: Object }) outcome: Record<string, unknown> | null;
}

export class FilingPage {
  @ApiProperty({ type: [FilingView] }) items: FilingView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class FilingDecisionDto {
  @ApiProperty({ format: 'uuid' }) @v.IsUUID('all') filingId: string;
  @ApiProperty({ enum: ['confirm', 'refuse'] }) @v.IsIn(['confirm', 'refuse']) decision: 'confirm' | 'refuse';
  @ApiPropertyOptional({ description: 'Required to refuse.', example: '证件已过期' })
  @v.ValidateIf((o: FilingDecisionDto) => o.decision === 'refuse' || o.reason !== undefined)
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason?: string;
}

export class FilingDecisionsDto {
  @ApiProperty({ type: [FilingDecisionDto], description: 'Up to 500 decisions, each taken on its own.' })
  @v.IsArray()
  @v.ArrayMinSize(1)
  @v.ArrayMaxSize(500)
  @v.ValidateNested({ each: true })
  @Type(() => FilingDecisionDto)
  decisions: FilingDecisionDto[];
}

export class FilingDecisionResult {
  @ApiProperty({ format: 'uuid' }) filingId: string;
  @ApiProperty({ enum: ['confirmed', 'refused', 'failed'] }) outcome: 'confirmed' | 'refused' | 'failed';
  @ApiPropertyOptional({ description: 'Why it failed: the problem code (NOT_FOUND, FILING_DECIDED, …).' })
  code?: string;
  @ApiPropertyOptional() detail?: string;
}
