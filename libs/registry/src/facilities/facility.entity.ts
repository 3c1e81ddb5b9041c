import type { PointGeometry, PolygonGeometry } from '@lib/platform';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { District, FacilityKind, HazardUnitKind } from '../vocabulary.js';

/** Design capacity for one chemical or for a hazard class (GB 18218: the design maximum quantity). */
export interface Capacity {
  chemicalId?: string;
  unClass?: string;
  maxKg: number;
}

/**
 * A unit's process conditions that move its flammable liquids' GB 18218-2018 Table 2 category:
 * operating above the boiling point (W5.1, 类别2和3，工作温度高于沸点), or a hazardous chemical
 * process (危险化工工艺), operation in or near the explosive limits, or operating pressure above
 * 1.6 MPa (W5.2). The enterprise states them; emergency management confirms them (siting group).
 */
export interface ProcessConditions {
  aboveBoilingPoint?: boolean;
  hazardousProcess?: string;
  nearExplosionLimits?: boolean;
  operatingPressureMPa?: number;
  /** The chemicals they apply to; absent: every flammable liquid of the unit. */
  chemicalIds?: string[];
}

@Entity({ name: 'facilities' })
export class FacilityEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') enterpriseId: string;
  @Column('text') name: string;
  @Column('text') kind: FacilityKind;
  @Column('text') hazardUnitKind: HazardUnitKind;
  @Column('jsonb') geometry: PointGeometry | PolygonGeometry;
  /** Arrival/departure fence: the polygon grown by this many metres, or a circle around a point. */
  @Column('double precision') fenceRadiusM: number;
  @Column('double precision') minLon: number;
  @Column('double precision') minLat: number;
  @Column('double precision') maxLon: number;
  @Column('double precision') maxLat: number;
  @Column('text') district: District;
  @Column('text') address: string;
  /**
   * GB/T 2260 province of a facility outside the city ('市外'), part of its siting: emergency
   * management confirms it (a Wuxi district is Jiangsu, 32, whatever this holds). It decides
   * whether a waste transfer crosses a provincial border (固废法 Art. 82).
   */
  @Column({ type: 'text', nullable: true }) province: string | null;
  @Column('jsonb') capacities: Capacity[];
  /** People living within 500 m (GB 18218-2018 Table 5, the α factor). */
  @Column({ type: 'integer', name: 'people_within_500m' }) peopleWithin500m: number;
  /** GB 18218 process conditions (工艺条件), {} when none. */
  @Column({ type: 'jsonb', default: () => "'{}'" }) processConditions: ProcessConditions;
  /** pending: registered by its enterprise, its siting not yet confirmed by emergency management (counts for nothing). */
  @Column({ type: 'text', default: 'active' }) status: 'pending' | 'active' | 'closed';
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
