import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LineStringGeometry, MultiPolygonGeometry, PolygonGeometry } from '@lib/platform';

export type FenceStatus = 'draft' | 'approved' | 'retired';
export type RoadClass = 'expressway' | 'urban' | 'other';
/** Road tunnel categories A (no restriction) to E (most restricted), ADR 1.9.5 / JT/T 617. */
export type TunnelCategory = 'A' | 'B' | 'C' | 'D' | 'E';

export interface Tunnel {
  name: string;
  category: TunnelCategory;
  /** Where it is, [lon, lat] (optional). */
  at?: [number, number];
}

/** A permitted route (许可路线) for dangerous-goods vehicles, approved by the transport bureau. */
@Entity({ name: 'routes' })
export class RouteEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') status: FenceStatus;
  @Column('jsonb') geometry: LineStringGeometry;
  /** Corridor half-width, metres. */
  @Column('double precision') halfWidthM: number;
  @Column('text', { array: true }) hazardClasses: string[];
  @Column('uuid', { array: true }) chemicalIds: string[];
  @Column('date') validFrom: string;
  @Column('date') validTo: string;
  /** Local time windows [from, to) in minutes of day; empty = any time. */
  @Column('jsonb') allowedHours: Array<[number, number]>;
  @Column({ type: 'double precision', nullable: true }) speedLimitKmh: number | null;
  @Column('text') roadClass: RoadClass;
  @Column('jsonb') tunnels: Tunnel[];
  @Column('double precision') lengthM: number;
  @Column('double precision') minLon: number;
  @Column('double precision') minLat: number;
  @Column('double precision') maxLon: number;
  @Column('double precision') maxLat: number;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column({ type: 'uuid', nullable: true }) approvedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) approvedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) retiredAt: Date | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}

export type ZoneKind = 'ban' | 'water_source' | 'school' | 'tunnel' | 'parking';

/** A zone dangerous-goods vehicles may not enter (禁行区), or a parking/rest area where they may stop. */
@Entity({ name: 'zones' })
export class ZoneEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') kind: ZoneKind;
  @Column('text') status: FenceStatus;
  @Column('jsonb') geometry: PolygonGeometry | MultiPolygonGeometry;
  @Column('text', { array: true }) hazardClasses: string[];
  /** Local-time schedule; null = always in force. */
  @Column({ type: 'jsonb', nullable: true }) schedule: { minutes: Array<[number, number]>; weekdays: number[] } | null;
  @Column('uuid', { array: true }) exemptVehicleIds: string[];
  @Column({ type: 'double precision', nullable: true }) speedLimitKmh: number | null;
  @Column('double precision') minLon: number;
  @Column('double precision') minLat: number;
  @Column('double precision') maxLon: number;
  @Column('double precision') maxLat: number;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column({ type: 'uuid', nullable: true }) approvedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) approvedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) retiredAt: Date | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
