import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import * as v from 'class-validator';
import { PageQuery, VIOLATION_RULES } from '@lib/platform';

export const RULES = VIOLATION_RULES;
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

export class ViolationQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') vehicleId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') waybillId?: string;
  @ApiPropertyOptional({ enum: RULES }) @v.IsOptional() @v.IsIn(RULES) rule?: string;
  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @v.IsOptional() @v.IsIn(['open', 'closed']) status?:
    'open' | 'closed';
  @ApiPropertyOptional({ enum: SEVERITIES }) @v.IsOptional() @v.IsIn(SEVERITIES) severity?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Opened at or after.' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Opened before.' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  to?: string;
}

export class AcknowledgeDto {
  @ApiPropertyOptional({ example: '已联系驾驶员，车辆返回路线' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(1000)
  note?: string;
}

export class PointView {
  @ApiProperty({ format: 'date-time' }) ts: string;
  @ApiProperty() lon: number;
  @ApiProperty() lat: number;
  @ApiProperty() speedKmh: number;
  @ApiPropertyOptional() deviationM?: number;
}

export class AcknowledgementView {
  @ApiProperty() agency: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class ViolationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) vehicleId: string;
  @ApiProperty({ enum: RULES }) rule: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) targetId: string | null;
  @ApiProperty({ enum: ['route', 'zone', 'facility', 'waybill'], nullable: true }) targetKind: string | null;
  @ApiProperty({ enum: SEVERITIES }) severity: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status: string;
  @ApiProperty({ format: 'date-time', description: 'Time of the first point of the episode.' }) openedAt: string;
  @ApiProperty({ format: 'date-time', description: 'When the service recorded it.' }) detectedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ type: PointView }) firstPoint: PointView;
  @ApiProperty({ type: PointView }) worstPoint: PointView;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'ROUTE_DEVIATION: max distance (m); OVERSPEED: max speed (km/h).',
  })
  maxValue: number | null;
  @ApiProperty({ type: [PointView], description: 'The points that make it (capped).' }) points: PointView[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) waybillId: string | null;
  @ApiProperty({ type: [String] }) chemicalIds: string[];
  @ApiProperty() detail: Record<string, unknown>;
  @ApiProperty({ type: [AcknowledgementView] }) acknowledgements: AcknowledgementView[];
}

export class ViolationPage {
  @ApiProperty({ type: [ViolationView] }) items: ViolationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
