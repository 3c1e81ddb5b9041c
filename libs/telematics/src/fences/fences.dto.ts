import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { PageQuery } from '@lib/platform';
import { HAZARD_CLASSES } from '@lib/registry';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const ZONE_KINDS = ['ban', 'water_source', 'school', 'tunnel', 'parking'] as const;
export const FENCE_STATUSES = ['draft', 'approved', 'retired'] as const;

export class CrsQuery {
  @ApiPropertyOptional({
    enum: ['wgs84', 'gcj02'],
    default: 'wgs84',
    description:
      'gcj02: the coordinates are GCJ-02 (as Chinese map services publish them) and are converted to WGS-84.',
  })
  @v.IsOptional()
  @v.IsIn(['wgs84', 'gcj02'])
  crs?: 'wgs84' | 'gcj02';
}

export class HoursDto {
  @ApiProperty({ example: '06:00', description: 'Local time (Asia/Shanghai), HH:MM.' })
  @v.Matches(HHMM, { message: 'from must be HH:MM' })
  from: string;
  @ApiProperty({ example: '22:00', description: 'Exclusive; a window that ends before it starts wraps past midnight.' })
  @v.Matches(HHMM, { message: 'to must be HH:MM' })
  to: string;
}

export class TunnelDto {
  @ApiProperty({ example: '太湖隧道' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(100) name: string;
  @ApiProperty({ enum: ['A', 'B', 'C', 'D', 'E'], description: 'Tunnel category (ADR 1.9.5 / JT/T 617).' })
  @v.IsIn(['A', 'B', 'C', 'D', 'E'])
  category: 'A' | 'B' | 'C' | 'D' | 'E';
  @ApiPropertyOptional({ example: [120.31, 31.49] })
  @v.IsOptional()
  @v.IsArray()
  @v.IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  at?: [number, number];
}

export class CreateRouteDto {
  @ApiProperty({ example: '锡澄高速 — 新吴化工园区 危化品通行线' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(200)
  name: string;
  @ApiProperty({
    description: 'GeoJSON LineString, [lon, lat].',
    example: {
      type: 'LineString',
      coordinates: [
        [120.3, 31.49],
        [120.35, 31.5],
        [120.4, 31.52],
      ],
    },
  })
  @v.IsObject()
  geometry: Record<string, unknown>;
  @ApiPropertyOptional({ default: 50, description: 'Corridor half-width, metres.' })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.Min(5)
  @v.Max(2000)
  halfWidthM?: number;
  @ApiProperty({
    enum: HAZARD_CLASSES,
    isArray: true,
    description: 'Classes allowed on the route.',
    example: ['2', '3', '8'],
  })
  @v.IsArray()
  @v.IsIn(HAZARD_CLASSES, { each: true })
  hazardClasses: string[];
  @ApiPropertyOptional({ type: [String], description: 'Only these chemicals (empty = any of the classes).' })
  @v.IsOptional()
  @v.IsArray()
  @v.IsUUID('all', { each: true })
  chemicalIds?: string[];
  @ApiProperty({ example: '2026-01-01' })
  @v.Matches(DATE, { message: 'validFrom must be YYYY-MM-DD' })
  validFrom: string;
  @ApiProperty({ example: '2027-12-31' }) @v.Matches(DATE, { message: 'validTo must be YYYY-MM-DD' }) validTo: string;
  @ApiPropertyOptional({ type: [HoursDto], description: 'Allowed hours (local); empty = any time.' })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(6)
  @v.ValidateNested({ each: true })
  @Type(() => HoursDto)
  allowedHours?: HoursDto[];
  @ApiPropertyOptional({ example: 60 })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.Min(5)
  @v.Max(130)
  speedLimitKmh?: number;
  @ApiPropertyOptional({ enum: ['expressway', 'urban', 'other'], default: 'other' })
  @v.IsOptional()
  @v.IsIn(['expressway', 'urban', 'other'])
  roadClass?: 'expressway' | 'urban' | 'other';
  @ApiPropertyOptional({ type: [TunnelDto] })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(100)
  @v.ValidateNested({ each: true })
  @Type(() => TunnelDto)
  tunnels?: TunnelDto[];
}

export class ScheduleDto {
  @ApiProperty({ type: [HoursDto], description: 'Active hours (local).' })
  @v.IsArray()
  @v.ArrayMaxSize(6)
  @v.ValidateNested({ each: true })
  @Type(() => HoursDto)
  hours: HoursDto[];
  @ApiPropertyOptional({ description: 'ISO weekdays 1 (Monday) to 7; default all.', example: [1, 2, 3, 4, 5] })
  @v.IsOptional()
  @v.IsArray()
  @v.IsInt({ each: true })
  @v.Min(1, { each: true })
  @v.Max(7, { each: true })
  weekdays?: number[];
}

export class CreateZoneDto {
  @ApiProperty({ example: '太湖饮用水源一级保护区' }) @v.IsString() @v.IsNotEmpty() @v.MaxLength(200) name: string;
  @ApiProperty({ enum: ZONE_KINDS, example: 'water_source' }) @v.IsIn(ZONE_KINDS) kind: (typeof ZONE_KINDS)[number];
  @ApiProperty({ description: 'GeoJSON Polygon or MultiPolygon, [lon, lat].' }) @v.IsObject() geometry: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional({
    enum: HAZARD_CLASSES,
    isArray: true,
    description: 'Classes affected; empty = all dangerous goods.',
  })
  @v.IsOptional()
  @v.IsArray()
  @v.IsIn(HAZARD_CLASSES, { each: true })
  hazardClasses?: string[];
  @ApiPropertyOptional({ type: ScheduleDto, description: 'When in force (local time); absent = always.' })
  @v.IsOptional()
  @v.ValidateNested()
  @Type(() => ScheduleDto)
  schedule?: ScheduleDto;
  @ApiPropertyOptional({ type: [String], description: 'Vehicles holding a pass (通行证) for this zone.' })
  @v.IsOptional()
  @v.IsArray()
  @v.IsUUID('all', { each: true })
  exemptVehicleIds?: string[];
  @ApiPropertyOptional({ example: 30 })
  @v.IsOptional()
  @v.IsNumber({ allowNaN: false, allowInfinity: false })
  @v.Min(5)
  @v.Max(130)
  speedLimitKmh?: number;
}

export class FenceQuery extends PageQuery {
  @ApiPropertyOptional({ enum: FENCE_STATUSES })
  @v.IsOptional()
  @v.IsIn(FENCE_STATUSES)
  status?: (typeof FENCE_STATUSES)[number];
  @ApiPropertyOptional({ enum: ZONE_KINDS, description: 'Zones only.' })
  @v.IsOptional()
  @v.IsIn(ZONE_KINDS)
  kind?: string;
}

export class FeatureCollectionDto {
  @ApiProperty({ enum: ['FeatureCollection'] }) @v.IsIn(['FeatureCollection']) type: 'FeatureCollection';
  @ApiProperty({ description: 'Features whose properties are the create fields (name, halfWidthM, ...).', example: [] })
  @v.IsArray()
  @v.ArrayMaxSize(2000)
  @v.IsObject({ each: true })
  features: Array<Record<string, unknown>>;
}

export class RouteView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: FENCE_STATUSES }) status: string;
  @ApiProperty() geometry: Record<string, unknown>;
  @ApiProperty() halfWidthM: number;
  @ApiProperty({ type: [String] }) hazardClasses: string[];
  @ApiProperty({ type: [String] }) chemicalIds: string[];
  @ApiProperty() validFrom: string;
  @ApiProperty() validTo: string;
  @ApiProperty({ type: [HoursDto] }) allowedHours: HoursDto[];
  @ApiProperty({ nullable: true, type: Number }) speedLimitKmh: number | null;
  @ApiProperty() roadClass: string;
  @ApiProperty({ type: [TunnelDto] }) tunnels: TunnelDto[];
  @ApiProperty() lengthM: number;
  @ApiProperty({ nullable: true, type: String }) approvedAt: string | null;
}

export class ZoneView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ZONE_KINDS }) kind: string;
  @ApiProperty({ enum: FENCE_STATUSES }) status: string;
  @ApiProperty() geometry: Record<string, unknown>;
  @ApiProperty({ type: [String] }) hazardClasses: string[];
  @ApiProperty({ type: ScheduleDto, nullable: true }) schedule: { hours: HoursDto[]; weekdays: number[] } | null;
  @ApiProperty({ type: [String] }) exemptVehicleIds: string[];
  @ApiProperty({ nullable: true, type: Number }) speedLimitKmh: number | null;
  @ApiProperty({ description: 'Whether the schedule is in force right now.' }) activeNow: boolean;
  @ApiProperty({ nullable: true, type: String }) approvedAt: string | null;
}
