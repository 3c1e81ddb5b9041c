import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import * as v from 'class-validator';

export class SetAssignmentDto {
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'The approved route the vehicle must keep (null: none).',
  })
  @v.IsOptional()
  @v.IsUUID('all')
  routeId?: string | null;
  @ApiProperty({ description: 'Loaded with dangerous goods.' }) @v.IsBoolean() loaded: boolean;
  @ApiProperty({ type: [String], format: 'uuid', description: 'What it carries (catalogue ids).' })
  @v.IsArray()
  @v.ArrayMaxSize(50)
  @v.IsUUID('all', { each: true })
  chemicalIds: string[];
  @ApiProperty({ example: '2026-11-30T00:00:00Z' }) @v.IsISO8601({ strict: true }) validFrom: string;
  @ApiProperty({ example: '2026-11-30T12:00:00Z' }) @v.IsISO8601({ strict: true }) validTo: string;
  @ApiPropertyOptional({
    description:
      'Why. Required of the transport bureau when it changes the assignment of a vehicle on a loaded or in-transit e-waybill.',
    example: '事故绕行，经交通运输局批准改走 S228',
  })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason?: string;
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
  @ApiProperty({
    enum: ['manual', 'waybill', 'override'],
    description:
      'manual: set by hand; waybill: set by its e-waybill at loading; override: the transport bureau changed a trip’s assignment.',
  })
  source: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
}
