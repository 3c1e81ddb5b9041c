import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import * as v from 'class-validator';
import { UNITS, type Unit } from '@lib/ledger';
import { DISTRICTS } from '@lib/registry';

const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;

/** As the ledger's quantity, but zero is a valid stock to declare or count. */
export class QuantityDto {
  @ApiProperty({ example: 5.5 })
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.Min(0)
  @v.Max(1e9)
  value: number;

  @ApiProperty({ enum: UNITS, example: 't' })
  @v.IsIn(UNITS)
  unit: Unit;
}

export class StockLineDto {
  @ApiProperty({ format: 'uuid' }) @v.IsUUID() chemicalId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'counts: the lot counted, when known' })
  @v.IsOptional()
  @v.IsUUID()
  lotId?: string;
  @ApiProperty({ type: QuantityDto }) @v.ValidateNested() @Type(() => QuantityDto) quantity: QuantityDto;
}

export class DeclareStockDto {
  @ApiProperty({ format: 'uuid' }) @v.IsUUID() facilityId: string;

  @ApiProperty({ example: '2026-11-30T16:00:00Z', description: 'The instant the declared stock refers to.' })
  @v.IsISO8601({ strict: true })
  asOf: string;

  @ApiPropertyOptional({ example: '2026-11', description: 'The month of a monthly declaration.' })
  @v.IsOptional()
  @v.Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' })
  period?: string;

  @ApiProperty({ type: [StockLineDto] })
  @v.IsArray()
  @v.ArrayMinSize(1)
  @v.ArrayMaxSize(500)
  @v.ValidateNested({ each: true })
  @Type(() => StockLineDto)
  lines: StockLineDto[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The declaration this one corrects (one line, same facility and chemical).',
  })
  @v.IsOptional()
  @v.IsUUID()
  correctsId?: string;

  @ApiPropertyOptional() @v.IsOptional() @v.IsString() @v.MaxLength(1000) note?: string;
}

export class RecordCountDto {
  @ApiProperty({ format: 'uuid' }) @v.IsUUID() facilityId: string;
  @ApiProperty({ example: '2026-11-30T02:00:00Z' }) @v.IsISO8601({ strict: true }) countedAt: string;
  @ApiProperty({ example: '张检查（应急管理局）' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(200) inspector: string;
  @ApiPropertyOptional({ example: '锡应急检〔2026〕88号' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(200)
  inspectionRef?: string;

  @ApiPropertyOptional({ type: [String], description: 'Attachment references of the photos (stored elsewhere).' })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(50)
  @v.IsString({ each: true })
  @v.MaxLength(500, { each: true })
  photos?: string[];

  @ApiProperty({ type: [StockLineDto] })
  @v.IsArray()
  @v.ArrayMinSize(1)
  @v.ArrayMaxSize(500)
  @v.ValidateNested({ each: true })
  @Type(() => StockLineDto)
  lines: StockLineDto[];

  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID() correctsId?: string;
  @ApiPropertyOptional() @v.IsOptional() @v.IsString() @v.MaxLength(1000) note?: string;
}

export class StockRecordView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['declaration', 'count'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ format: 'uuid' }) chemicalId: string;
  @ApiProperty() quantityKg: number;
  @ApiProperty({ description: 'as given' }) original: { value: number; unit: string };
  @ApiProperty({ description: 'asOf for a declaration, countedAt for a count' }) at: string;
  @ApiProperty() recordedAt: string;
  @ApiProperty({ nullable: true, type: String }) correctsId: string | null;
  @ApiPropertyOptional() inspector?: string;
  @ApiPropertyOptional({ type: [String] }) photos?: string[];
}

export class AuditAtQuery {
  @ApiPropertyOptional({ description: 'Audit as of this instant (default now).' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ description: 'Tolerance as a share of the ledger stock (default 0.01).' })
  @v.IsOptional()
  @Transform(toNumber)
  @v.IsNumber()
  @v.Min(0)
  @v.Max(1)
  toleranceRatio?: number;

  @ApiPropertyOptional({ description: 'Tolerance floor in kg (default 5).' })
  @v.IsOptional()
  @Transform(toNumber)
  @v.IsNumber()
  @v.Min(0)
  @v.Max(1e6)
  toleranceKg?: number;
}

export class RiskMapQuery {
  @ApiPropertyOptional({ enum: DISTRICTS }) @v.IsOptional() @v.IsIn(DISTRICTS) district?: string;
}

export const AUDIT_SCOPES = ['enterprise', 'district', 'city'] as const;

export class StartAuditDto {
  @ApiProperty({ enum: AUDIT_SCOPES }) @v.IsIn(AUDIT_SCOPES) scope: (typeof AUDIT_SCOPES)[number];
  @ApiPropertyOptional({ format: 'uuid', description: 'scope enterprise' })
  @v.IsOptional()
  @v.IsUUID()
  enterpriseId?: string;
  @ApiPropertyOptional({ enum: DISTRICTS, description: 'scope district' })
  @v.IsOptional()
  @v.IsIn(DISTRICTS)
  district?: string;
  @ApiPropertyOptional({ description: 'As of this instant (default now).' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  at?: string;
}

export class AuditExportQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @v.IsOptional()
  @v.IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({
    enum: ['facilities', 'findings'],
    default: 'facilities',
    description: 'CSV: one row per facility, or per finding and flag.',
  })
  @v.IsOptional()
  @v.IsIn(['facilities', 'findings'])
  rows?: 'facilities' | 'findings';
}

export class IssueOrderDto {
  @ApiProperty({ format: 'uuid' }) @v.IsUUID() enterpriseId: string;
  @ApiProperty({ enum: ['finding', 'violation'] }) @v.IsIn(['finding', 'violation']) sourceKind:
    'finding' | 'violation';
  @ApiProperty({
    description: 'finding: "<auditId>:<facilityId>:<recordId>" or the record id; violation: its id',
    example: '0190…',
  })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(200)
  sourceRef: string;
  @ApiProperty({ example: '限期整改：按实际库存重新申报并完善出入库台账' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(2000)
  requirement: string;
  @ApiProperty({ example: '2026-12-15T09:00:00Z' }) @v.IsISO8601({ strict: true }) deadline: string;
}

export class RespondOrderDto {
  @ApiProperty({ example: '已重新盘点并申报，台账已更正' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(4000)
  rectification: string;
}

export class DecideOrderDto {
  @ApiPropertyOptional() @v.IsOptional() @v.IsString() @v.MaxLength(2000) note?: string;
  @ApiPropertyOptional({ description: 'reopen: a new deadline' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  deadline?: string;
}

export class OrderQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID() enterpriseId?: string;
  @ApiPropertyOptional({ enum: ['open', 'answered', 'closed'] })
  @v.IsOptional()
  @v.IsIn(['open', 'answered', 'closed'])
  status?: string;
  @ApiPropertyOptional({ description: 'only orders past their deadline and not closed' })
  @v.IsOptional()
  @Transform(({ value }: { value: unknown }) => value === 'true' || value === true)
  overdue?: boolean;
}
