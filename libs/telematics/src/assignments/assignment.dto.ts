import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsISO8601, IsOptional, IsUUID } from 'class-validator';

export class SetAssignmentDto {
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'The approved route the vehicle must keep (null: none).',
  })
  @IsOptional()
  @IsUUID('all')
  routeId?: string | null;
  @ApiProperty({ description: 'Loaded with dangerous goods.' }) @IsBoolean() loaded: boolean;
  @ApiProperty({ type: [String], format: 'uuid', description: 'What it carries (catalogue ids).' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  chemicalIds: string[];
  @ApiProperty({ example: '2026-11-30T00:00:00Z' }) @IsISO8601({ strict: true }) validFrom: string;
  @ApiProperty({ example: '2026-11-30T12:00:00Z' }) @IsISO8601({ strict: true }) validTo: string;
}

export class AssignmentView {
  @ApiProperty({ format: 'uuid' }) vehicleId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) routeId: string | null;
  @ApiProperty() loaded: boolean;
  @ApiProperty({ type: [String] }) chemicalIds: string[];
  @ApiProperty({ type: [String] }) hazardClasses: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) waybillId: string | null;
  @ApiProperty({ format: 'date-time' }) validFrom: string;
  @ApiProperty({ format: 'date-time' }) validTo: string;
  @ApiProperty({ enum: ['manual', 'waybill'] }) source: string;
}
