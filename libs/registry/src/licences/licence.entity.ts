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
  /**
   * A permit or filing (PERMIT_KINDS): the quantity it allows in kg, consumed by each purchase,
   * sale or trip booked under it (permit_uses).
   */
  @Column({ type: 'numeric', nullable: true }) permittedQuantityKg: string | null;
  /** A permit's counterparty: the seller of a purchase, the buyer of a sale, the consignee of a trip. */
  @Column({ type: 'uuid', nullable: true }) counterpartyId: string | null;
  /**
   * A business licence (经营许可证): with storage (带储存) or without (不带储存: may sell, not store).
   * null on business licences recorded before issue 17, which were verified as covering storage.
   */
  @Column({ type: 'boolean', nullable: true }) withStorage: boolean | null;
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

/** One purchase, sale or trip booked under a permit, and the quantity it consumed. */
@Entity({ name: 'permit_uses' })
export class PermitUseEntity {
  @PrimaryColumn('uuid') licenceId: string;
  @PrimaryColumn('uuid') subjectId: string;
  @Column('text') subjectType: 'movement' | 'waybill';
  /** The licence's kind: a road pass has one use (uq_permit_uses_one_trip). */
  @Column('text') licenceKind: LicenceKind;
  @Column('uuid') chemicalId: string;
  @Column('numeric') quantityKg: string;
  @Column('timestamptz') usedAt: Date;
}
