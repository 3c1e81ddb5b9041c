import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ViolationFacts } from './violation-facts.js';

export interface PointRecord {
  ts: string;
  lon: number;
  lat: number;
  speedKmh: number;
  deviationM?: number;
}

/** A violation of a telematics rule, opened and closed by the engine; its id is derived from its identity. */
@Entity({ name: 'violations' })
export class ViolationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') vehicleId: string;
  @Column('text') rule: string;
  @Column({ type: 'uuid', nullable: true }) targetId: string | null;
  @Column({ type: 'text', nullable: true }) targetKind: 'route' | 'zone' | 'facility' | 'waybill' | null;
  @Column('text') severity: string;
  @Column('text') status: 'open' | 'closed';
  /** Time of the first point of the episode (event time). */
  @Column('timestamptz') openedAt: Date;
  /** When the service recorded it (wall clock). */
  @Column('timestamptz') detectedAt: Date;
  /** When the fix that completed the condition was received (for receipt-to-violation latency). */
  @Column({ type: 'timestamptz', nullable: true }) triggerReceivedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closeDetectedAt: Date | null;
  @Column('jsonb') firstPoint: PointRecord;
  @Column('jsonb') worstPoint: PointRecord;
  @Column({ type: 'double precision', nullable: true }) maxValue: number | null;
  @Column('jsonb') points: PointRecord[];
  @Column({ type: 'uuid', nullable: true }) waybillId: string | null;
  @Column('uuid', { array: true }) chemicalIds: string[];
  @Column('jsonb') detail: Record<string, unknown>;
  /** Plate, target name and the trip as the assignment carried them when it opened (null on older rows). */
  @Column({ type: 'jsonb', nullable: true }) facts: ViolationFacts | null;
}

@Entity({ name: 'violation_acknowledgements' })
export class AcknowledgementEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') violationId: string;
  @Column('text') agency: string;
  @Column({ type: 'uuid', nullable: true }) keyId: string | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column('timestamptz') at: Date;
}
