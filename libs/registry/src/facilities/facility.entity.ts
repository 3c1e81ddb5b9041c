import type { PointGeometry, PolygonGeometry } from '@lib/platform';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { District, FacilityKind, HazardUnitKind } from '../vocabulary.js';

/** Design capacity for one chemical or for a hazard class (GB 18218: the design maximum quantity). */
export interface Capacity {
  chemicalId?: string;
  unClass?: string;
  maxKg: number;
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
  @Column('jsonb') capacities: Capacity[];
  /** People living within 500 m (GB 18218-2018 Table 5, the α factor). */
  @Column({ type: 'integer', name: 'people_within_500m' }) peopleWithin500m: number;
  /** pending: registered by its enterprise, its siting not yet confirmed by emergency management (counts for nothing). */
  @Column({ type: 'text', default: 'active' }) status: 'pending' | 'active' | 'closed';
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
