import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LicenceKind, LicenceStatus } from '../vocabulary.js';

@Entity({ name: 'licences' })
export class LicenceEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') enterpriseId: string;
  @Column('text') kind: LicenceKind;
  @Column('text') number: string;
  /** The issuing office as printed on the document (江苏省应急管理厅); the agency is issuers.ts's. */
  @Column('text') issuer: string;
  /** Local calendar dates (Asia/Shanghai), inclusive. */
  @Column('date') validFrom: string;
  @Column('date') validTo: string;
  @Column({ type: 'text', default: 'pending' }) status: LicenceStatus;
  @Column({ type: 'text', nullable: true }) statusReason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) statusChangedAt: Date | null;
  @Column('uuid', { array: true }) scopeChemicalIds: string[];
  @Column('text', { array: true }) scopeClasses: string[];
  @Column('text', { array: true }) scopeWasteCodes: string[];
  /** A road pass's routes and vehicles (剧毒化学品道路运输通行证); empty for other kinds. */
  @Column('uuid', { array: true, default: () => "'{}'" }) scopeRouteIds: string[];
  @Column('uuid', { array: true, default: () => "'{}'" }) scopeVehicleIds: string[];
  /** References to the documents the filer relies on (scan ids, certificate numbers). */
  @Column('text', { array: true, default: () => "'{}'" }) documents: string[];
  /** Each change (filed, verified, suspended…) is a new version kept in licence_versions. */
  @Column({ type: 'integer', default: 1 }) version: number;
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

/** One version of a licence: who changed it, when and why, and the licence as it then stood. */
@Entity({ name: 'licence_versions' })
export class LicenceVersionEntity {
  @PrimaryColumn('uuid') licenceId: string;
  @PrimaryColumn('integer') version: number;
  /** filed, recorded (asserted by its issuer or admin), verified, refused, suspended, revoked, reinstated. */
  @Column('text') change: string;
  @Column('text') status: LicenceStatus;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'uuid', nullable: true }) changedByKeyId: string | null;
  @Column('text') changedBy: string;
  @Column('timestamptz') changedAt: Date;
  @Column('jsonb') snapshot: Record<string, unknown>;
}
