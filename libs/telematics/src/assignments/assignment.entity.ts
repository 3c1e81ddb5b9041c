import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AlertFacts } from './alert-facts.js';

/** What a vehicle carries and which route it must keep: the engine's one input about the load. */
@Entity({ name: 'vehicle_assignments' })
export class AssignmentEntity {
  @PrimaryColumn('uuid') vehicleId: string;
  @Column({ type: 'uuid', nullable: true }) routeId: string | null;
  @Column('boolean') loaded: boolean;
  @Column('uuid', { array: true }) chemicalIds: string[];
  /** ADR classes of the load, derived from the chemicals. */
  @Column('text', { array: true }) hazardClasses: string[];
  @Column({ type: 'uuid', nullable: true }) waybillId: string | null;
  /** Qualification certificate numbers of the waybill's driver and escort (normalised): whose cards may drive it. */
  @Column('text', { array: true, default: () => "'{}'" }) crewQualifications: string[];
  /** The waybill's loading and unloading facilities: the engine reports passages and WRONG_DESTINATION by them. */
  @Column({ type: 'uuid', nullable: true }) loadingFacilityId: string | null;
  @Column({ type: 'uuid', nullable: true }) unloadingFacilityId: string | null;
  @Column('timestamptz') validFrom: Date;
  @Column('timestamptz') validTo: Date;
  @Column('text') source: 'manual' | 'waybill' | 'override';
  /** Why it was set by hand (required of the transport bureau while a trip holds the vehicle). */
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'uuid', nullable: true }) setBy: string | null;
  @Column('timestamptz') updatedAt: Date;
  /** What an alert raised under this assignment names (plate, route, the waybill's parties, load and crew); null on rows set before it was kept. */
  @Column({ type: 'jsonb', nullable: true }) alertFacts: AlertFacts | null;
}
