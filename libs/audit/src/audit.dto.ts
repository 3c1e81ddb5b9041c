import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { UNITS, type Unit } from '@lib/ledger';
import { DISTRICTS } from '@lib/registry';

const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;

/** As the ledger's quantity, but zero is a valid stock to declare or count. */
export class QuantityDto {
  @ApiProperty({ example: 5.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e9)
  value: number;

  @ApiProperty({ enum: UNITS, example: 't' })
  @IsIn(UNITS)
  unit: Unit;
}

export class StockLineDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() chemicalId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'counts: the lot counted, when known' })
  @IsOptional()
  @IsUUID()
  lotId?: string;
  @ApiProperty({ type: QuantityDto }) @ValidateNested() @Type(() => QuantityDto) quantity: QuantityDto;
}

export class DeclareStockDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() facilityId: string;

  @ApiProperty({ example: '2026-11-30T16:00:00Z', description: 'The instant the declared stock refers to.' })
  @IsISO8601({ strict: true })
  asOf: string;

  @ApiPropertyOptional({ example: '2026-11', description: 'The month of a monthly declaration.' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' })
  period?: string;

  @ApiProperty({ type: [StockLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => StockLineDto)
  lines: StockLineDto[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The declaration this one corrects (one line, same facility and chemical).',
  })
  @IsOptional()
  @IsUUID()
  correctsId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

export class RecordCountDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() facilityId: string;
  @ApiProperty({ example: '2026-11-30T02:00:00Z' }) @IsISO8601({ strict: true }) countedAt: string;
  @ApiProperty({ example: '张检查（应急管理局）' }) @IsString() @IsNotEmpty() @MaxLength(200) inspector: string;
  @ApiPropertyOptional({ example: '锡应急检〔2026〕88号' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  inspectionRef?: string;

  @ApiPropertyOptional({ type: [String], description: 'Attachment references of the photos (stored elsewhere).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  photos?: string[];

  @ApiProperty({ type: [StockLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => StockLineDto)
  lines: StockLineDto[];

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() correctsId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) note?: string;
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
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ description: 'Tolerance as a share of the ledger stock (default 0.01).' })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  toleranceRatio?: number;

  @ApiPropertyOptional({ description: 'Tolerance floor in kg (default 5).' })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1e6)
  toleranceKg?: number;
}

export class RiskMapQuery {
  @ApiPropertyOptional({ enum: DISTRICTS }) @IsOptional() @IsIn(DISTRICTS) district?: string;
}

export const AUDIT_SCOPES = ['enterprise', 'district', 'city'] as const;

export class StartAuditDto {
  @ApiProperty({ enum: AUDIT_SCOPES }) @IsIn(AUDIT_SCOPES) scope: (typeof AUDIT_SCOPES)[number];
  @ApiPropertyOptional({ format: 'uuid', description: 'scope enterprise' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;
  @ApiPropertyOptional({ enum: DISTRICTS, description: 'scope district' })
  @IsOptional()
  @IsIn(DISTRICTS)
  district?: string;
  @ApiPropertyOptional({ description: 'As of this instant (default now).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}

export class AuditExportQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({
    enum: ['facilities', 'findings'],
    default: 'facilities',
    description: 'CSV: one row per facility, or per finding and flag.',
  })
  @IsOptional()
  @IsIn(['facilities', 'findings'])
  rows?: 'facilities' | 'findings';
}

export class IssueOrderDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() enterpriseId: string;
  @ApiProperty({ enum: ['finding', 'violation'] }) @IsIn(['finding', 'violation']) sourceKind: 'finding' | 'violation';
  @ApiProperty({
    description: 'finding: "<auditId>:<facilityId>:<recordId>" or the record id; violation: its id',
    example: '0190…',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  sourceRef: string;
  @ApiProperty({ example: '限期整改：按实际库存重新申报并完善出入库台账' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  requirement: string;
  @ApiProperty({ example: '2026-12-15T09:00:00Z' }) @IsISO8601({ strict: true }) deadline: string;
}

export class RespondOrderDto {
  @ApiProperty({ example: '已重新盘点并申报，台账已更正' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  rectification: string;
}

export class DecideOrderDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string;
  @ApiPropertyOptional({ description: 'reopen: a new deadline' })
  @IsOptional()
  @IsISO8601({ strict: true })
  deadline?: string;
}

export class OrderQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() enterpriseId?: string;
  @ApiPropertyOptional({ enum: ['open', 'answered', 'closed'] })
  @IsOptional()
  @IsIn(['open', 'answered', 'closed'])
  status?: string;
  @ApiPropertyOptional({ description: 'only orders past their deadline and not closed' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => value === 'true' || value === true)
  overdue?: boolean;
}
