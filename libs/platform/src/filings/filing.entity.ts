import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Agency } from '../auth/principal.js';
import type { FilingKind, FilingStatus } from './filing-kinds.js';

/** A supervised party's claim awaiting the agency entitled to confirm it (the work queue). */
@Entity({ name: 'filings' })
export class FilingEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') kind: FilingKind;
  @Column('text') agency: Agency;
  @Column('text') subjectType: string;
  @Column('uuid') subjectId: string;
  @Column('uuid') enterpriseId: string;
  @Column('jsonb') proposed: Record<string, unknown>;
  @Column('jsonb') current: Record<string, unknown>;
  @Column('text') summary: string;
  @Column({ type: 'jsonb', default: () => "'[]'" }) documents: string[];
  @Column('text') status: FilingStatus;
  @Column({ type: 'uuid', nullable: true }) filedByKeyId: string | null;
  @Column('text') filedBy: string;
  @Column('timestamptz') filedAt: Date;
  @Column({ type: 'uuid', nullable: true }) decidedByKeyId: string | null;
  @Column({ type: 'text', nullable: true }) decidedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'jsonb', nullable: true }) outcome: Record<string, unknown> | null;
}
