import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';

/** Most fixes one POST of telemetry/positions may carry. */
export const MAX_BATCH = 5000;

export class PositionsBatchDto {
  @ApiProperty({
    description: `Up to ${MAX_BATCH.toLocaleString('en-US')} points: {vehicleId or terminalId, ts (ISO 8601), lat, lon, speedKmh, heading, altitude?, hdop? or accuracy? (m), alarmFlags? (JT/T 808 bits)}. Bad points are listed by index; the good ones are accepted. Idempotent on (vehicle, ts).`,
    example: [
      {
        vehicleId: '0190a1b2-0000-7000-8000-000000000001',
        ts: '2026-11-30T02:00:00Z',
        lat: 31.4912,
        lon: 120.3119,
        speedKmh: 52,
        heading: 90,
        hdop: 0.9,
      },
    ],
  })
  @v.IsArray()
  @v.ArrayMaxSize(MAX_BATCH)
  positions: unknown[];
}

export class IngestReportDto {
  @ApiProperty() received: number;
  @ApiProperty() accepted: number;
  @ApiProperty({ description: 'Accepted points stored before (a resent batch): nothing is stored or alerted twice.' })
  duplicates: number;
  @ApiProperty({
    example: [
      {
        index: 3,
        errors: [{ path: 'lat', rule: 'range', message: 'lat must be a finite number within -90..90 (WGS-84)' }],
      },
    ],
  })
  rejected: Array<{ index: number; errors: Array<{ path: string; rule?: string; message: string }> }>;
}

export class NearQuery {
  @ApiPropertyOptional({
    description: "lon,lat of the place (WGS-84); without it, every vehicle's latest position.",
    example: '120.3119,31.4912',
  })
  @v.IsOptional()
  @v.Matches(/^-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?$/, { message: 'near must be lon,lat' })
  near?: string;
  @ApiPropertyOptional({ default: 2000, description: 'Radius in metres.' })
  @v.IsOptional()
  @Type(() => Number)
  @v.IsInt()
  @v.Min(1)
  @v.Max(100_000)
  radiusM?: number;
  @ApiPropertyOptional({ default: 500 })
  @v.IsOptional()
  @Type(() => Number)
  @v.IsInt()
  @v.Min(1)
  @v.Max(20_000)
  limit?: number;
}

export class TrackQuery {
  @ApiProperty({ example: '2026-11-30T01:00:00Z' }) @v.IsISO8601({ strict: true }) from: string;
  @ApiProperty({ example: '2026-11-30T02:00:00Z' }) @v.IsISO8601({ strict: true }) to: string;
}

export class PositionView {
  @ApiProperty({ format: 'uuid' }) vehicleId: string;
  @ApiProperty({ format: 'date-time' }) ts: string;
  @ApiProperty() lon: number;
  @ApiProperty() lat: number;
  @ApiProperty() speedKmh: number;
  @ApiProperty() heading: number;
  @ApiProperty({ description: 'Loaded with dangerous goods (active assignment).' }) loaded: boolean;
  @ApiProperty({ type: [String], description: 'Rules with a violation open now (that the reader may read).' })
  openRules: string[];
  @ApiProperty({ enum: ['loaded_on_route', 'loaded_off_route', 'empty', 'signal_lost'] }) state: string;
  @ApiPropertyOptional({ description: 'With ?near: distance from the place, metres.' }) distanceM?: number;
}
