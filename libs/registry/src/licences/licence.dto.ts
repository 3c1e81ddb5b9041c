import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { AGENCIES, type Agency, PageQuery } from '@lib/platform';
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
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(2000)
  @v.IsUUID('all', { each: true })
  chemicalIds?: string[];

  @ApiPropertyOptional({
    enum: HAZARD_CLASSES,
    isArray: true,
    description: 'ADR classes or divisions covered ("2" covers 2.1 to 2.3).',
    example: ['2.3', '8'],
  })
  @v.IsOptional()
  @v.IsArray()
  @v.IsIn(HAZARD_CLASSES, { each: true })
  classes?: string[];

  @ApiPropertyOptional({
    description: 'Hazardous waste categories covered (国家危险废物名录), for disposal licences.',
    example: ['HW06', 'HW34'],
  })
  @v.IsOptional()
  @v.IsArray()
  @v.Matches(WASTE_CODE, { each: true, message: 'wasteCodes must be HW01 to HW50' })
  wasteCodes?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'A road pass (剧毒化学品道路运输通行证): the approved routes it is valid on.',
  })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(50)
  @v.IsUUID('all', { each: true })
  routeIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'A road pass: the vehicles it names.' })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(50)
  @v.IsUUID('all', { each: true })
  vehicleIds?: string[];
}

export class CreateLicenceDto {
  @ApiProperty({ enum: LICENCE_KINDS, example: 'safety_production' }) @v.IsIn(LICENCE_KINDS) kind: LicenceKind;
  @ApiProperty({ example: '(苏)WH安许证字[B00123]' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(100) number: string;
  @ApiProperty({ example: '江苏省应急管理厅' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(200) issuer: string;
  @ApiProperty({ description: 'First valid day (local date, Asia/Shanghai).', example: '2024-03-01' })
  @v.Matches(DATE, { message: 'validFrom must be a date YYYY-MM-DD' })
  @v.IsISO8601({ strict: true }, { message: 'validFrom must be a real date' })
  validFrom: string;
  @ApiProperty({ description: 'Last valid day, inclusive (local date).', example: '2027-02-28' })
  @v.Matches(DATE, { message: 'validTo must be a date YYYY-MM-DD' })
  @v.IsISO8601({ strict: true }, { message: 'validTo must be a real date' })
  validTo: string;
  @ApiProperty({
    type: LicenceScopeDto,
    description: 'What the licence covers: chemicals, classes and/or waste codes (at least one).',
  })
  @v.ValidateNested()
  @Type(() => LicenceScopeDto)
  scope: LicenceScopeDto;
  @ApiPropertyOptional({
    description:
      'A permit or filing (purchase, sale, road pass, drug precursor): the quantity it allows, kg. Required for those kinds; each purchase, sale or trip under it consumes it.',
    example: 500,
  })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.IsPositive()
  @v.Max(1e9)
  permittedQuantityKg?: number;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'A permit or filing: the counterparty it names (the seller of a purchase, the buyer of a sale, the consignee of a trip).',
  })
  @v.IsOptional()
  @v.IsUUID('all')
  counterpartyId?: string;
  @ApiPropertyOptional({
    description:
      'A business licence: with storage (带储存, true) or without (不带储存, false: may sell but not store). Not stated: with storage.',
    example: false,
  })
  @v.IsOptional()
  @v.IsBoolean()
  withStorage?: boolean;
  @ApiPropertyOptional({
    type: [String],
    description: 'References to the documents the licence rests on (scan ids, archive numbers), for the issuer.',
    example: ['scan:2026-11-0042'],
  })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(20)
  @v.IsString({ each: true })
  @v.MaxLength(500, { each: true })
  documents?: string[];
}

/** A row of a licence import: a licence and whose it is (or enterpriseCreditCode in CSV). */
export class ImportLicenceDto extends CreateLicenceDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Whose licence (an enterprise key may omit it: its own).' })
  @v.IsOptional()
  @v.IsUUID('all')
  enterpriseId?: string;
}

/** The issuer's acts on a licence. */
export const LICENCE_DECISIONS = ['verified', 'refused', 'suspended', 'revoked'] as const;
export type LicenceDecision = (typeof LICENCE_DECISIONS)[number];

export class SetLicenceStatusDto {
  @ApiProperty({
    enum: LICENCE_DECISIONS,
    description:
      'verified: verify a pending licence or reinstate a suspended one; refused: refuse a pending one; suspended, revoked.',
    example: 'suspended',
  })
  @v.IsIn(LICENCE_DECISIONS)
  status: LicenceDecision;
  @ApiPropertyOptional({ description: 'Why; required for every act but verifying.', example: '2026年11月停产整顿' })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason?: string;
}

export class LicenceQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only valid licences whose last day falls within this many days.', example: 30 })
  @v.IsOptional()
  @Type(() => Number)
  @v.IsInt()
  @v.Min(0)
  @v.Max(3650)
  expiringWithinDays?: number;

  @ApiPropertyOptional({ enum: LICENCE_KINDS }) @v.IsOptional() @v.IsIn(LICENCE_KINDS) kind?: LicenceKind;
  @ApiPropertyOptional({ enum: LICENCE_STATUSES }) @v.IsOptional() @v.IsIn(LICENCE_STATUSES) status?: LicenceStatus;
}

export class LicenceView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty({ enum: LICENCE_KINDS }) kind: LicenceKind;
  @ApiProperty() number: string;
  @ApiProperty({ description: 'The issuing office as printed on the document.' }) issuer: string;
  @ApiProperty({ enum: AGENCIES, description: 'The agency that verifies, suspends and revokes it (issuers.ts).' })
  issuingAgency: Agency;
  @ApiProperty({ example: '2024-03-01' }) validFrom: string;
  @ApiProperty({ example: '2027-02-28' }) validTo: string;
  @ApiProperty({ enum: LICENCE_STATUSES }) status: LicenceStatus;
  @ApiProperty({ nullable: true, type: String }) statusReason: string | null;
  @ApiProperty({
    description: 'Whether authorization counts it today: verified by its issuer and within its dates.',
  })
  inForce: boolean;
  @ApiProperty({ type: LicenceScopeDto }) scope: {
    chemicalIds: string[];
    classes: string[];
    wasteCodes: string[];
    routeIds: string[];
    vehicleIds: string[];
  };
  @ApiProperty({ nullable: true, type: Number, description: 'A permit’s quantity, kg.' })
  permittedQuantityKg: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'A permit’s counterparty.' })
  counterpartyId: string | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'A business licence: with storage (带储存).' })
  withStorage: boolean | null;
  @ApiProperty({ type: [String] }) documents: string[];
  @ApiProperty({ description: 'Its version: each change is kept (GET …/history).' }) version: number;
  @ApiProperty({ description: 'Days from today (local) to the last valid day; negative once expired.' })
  daysToExpiry: number;
}

export class LicencePage {
  @ApiProperty({ type: [LicenceView] }) items: LicenceView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class LicenceVersionView {
  @ApiProperty() version: number;
  @ApiProperty({
    example: 'suspended',
    description: 'filed, recorded, verified, refused, suspended, revoked, reinstated',
  })
  change: string;
  @ApiProperty({ enum: LICENCE_STATUSES }) status: LicenceStatus;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ example: 'agency emergency' }) changedBy: string;
  @ApiProperty({ format: 'date-time' }) changedAt: string;
  @ApiProperty({ description: 'The licence as it stood after this change.' }) licence: Record<string, unknown>;
}
