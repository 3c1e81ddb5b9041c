import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LicenceKind, LicenceStatus } from '../vocabulary.js';

@Entity({ name: 'licences' })
export class LicenceEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') enterpriseId: string;
  @Column('text') kind: LicenceKind;
  @Column('text') number: string;
  @Column('text') issuer: string;
  /** Local calendar dates (Asia/Shanghai), inclusive. */
  @Column('date') validFrom: string;
  @Column('date') validTo: string;
  @Column({ type: 'text', default: 'valid' }) status: LicenceStatus;
  @Column({ type: 'text', nullable: true }) statusReason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) statusChangedAt: Date | null;
  @Column('uuid', { array: true }) scopeChemicalIds: string[];
  @Column('text', { array: true }) scopeClasses: string[];
  @Column('text', { array: true }) scopeWasteCodes: string[];
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
