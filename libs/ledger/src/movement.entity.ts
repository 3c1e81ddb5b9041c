import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MovementType, Unit } from './vocabulary.js';

/** One leg of the ledger. Rows are only ever inserted (a mistake is corrected by a reversal). */
@Entity({ name: 'movements' })
export class MovementEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') facilityId: string;
  /** Position in the facility's hash chain, from 1. */
  @Column('bigint') facilitySeq: string;
  @Column('uuid') enterpriseId: string;
  @Column('text') type: MovementType;
  @Column('uuid') chemicalId: string;
  @Column('uuid') lotId: string;
  /** Signed change of the facility's stock, kg. */
  @Column({ type: 'numeric', precision: 18, scale: 3 }) quantityKg: string;
  @Column({ type: 'numeric', precision: 18, scale: 6 }) originalValue: string;
  @Column('text') originalUnit: Unit;
  @Column('timestamptz') occurredAt: Date;
  @Column('timestamptz') recordedAt: Date;
  @Column({ type: 'uuid', nullable: true }) actorKeyId: string | null;
  @Column('uuid') groupId: string;
  @Column({ type: 'uuid', nullable: true }) counterpartyFacilityId: string | null;
  @Column({ type: 'uuid', nullable: true }) counterpartyEnterpriseId: string | null;
  @Column({ type: 'uuid', nullable: true }) sourceMovementId: string | null;
  @Column({ type: 'uuid', nullable: true }) reversesId: string | null;
  @Column({ type: 'text', nullable: true }) wasteCode: string | null;
  @Column({ type: 'text', nullable: true }) disposalMethod: string | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'uuid', nullable: true }) countId: string | null;
  @Column({ type: 'uuid', nullable: true }) waybillId: string | null;
  @Column({ type: 'uuid', nullable: true }) manifestId: string | null;
  @Column({ type: 'char', length: 64 }) prevHash: string;
  @Column({ type: 'char', length: 64 }) hash: string;
  /** A correction (dated beyond LEDGER_BACKDATE_HOURS): why it was booked late, kept with it. */
  @Column({ type: 'text', nullable: true }) correctionReason: string | null;
  /** The filing emergency management confirmed (null: emergency management or admin booked it directly). */
  @Column({ type: 'uuid', nullable: true }) correctionFilingId: string | null;
  /** Who confirmed or booked the correction ("agency emergency", "admin"). */
  @Column({ type: 'text', nullable: true }) correctedBy: string | null;
  @Column({ type: 'uuid', nullable: true }) correctedByKeyId: string | null;
  /** A waybill's leg: its carrier (承运人), the vehicle's plate and the waybill's number, as booked. */
  @Column({ type: 'uuid', nullable: true }) carrierEnterpriseId: string | null;
  @Column({ type: 'text', nullable: true }) vehiclePlate: string | null;
  @Column({ type: 'text', nullable: true }) waybillNumber: string | null;
}

export type LotOrigin = 'produced' | 'received_external' | 'split' | 'merge' | 'waste';

/** A lot follows material across enterprises; splits, merges and waste keep their parents. */
@Entity({ name: 'lots' })
export class LotEntity {
  @PrimaryColumn('uuid') id: string;
  /** The lot number (批号) as its origin labels it. */
  @Column('text') number: string;
  @Column('uuid') chemicalId: string;
  @Column('uuid') originEnterpriseId: string;
  @Column('uuid') originFacilityId: string;
  @Column('text') origin: LotOrigin;
  @Column({ type: 'text', nullable: true }) wasteCode: string | null;
  @Column('uuid', { array: true }) parentLotIds: string[];
  @Column('timestamptz') createdAt: Date;
}

/**
 * created → shipped (the generator hands over, 移出人) → picked_up (the transporter named on it
 * confirms, 承运人: the waste leaves the generator's stock) → received → disposed; or rejected.
 */
export type ManifestState = 'created' | 'shipped' | 'picked_up' | 'received' | 'disposed' | 'rejected';

/** A cross-province approval (跨省转移审批): the generator's word is a claim until ecology asserts it. */
export type ApprovalStatus = 'claimed' | 'asserted';

/** 危险废物转移联单: one transfer of hazardous waste from its generator to a licensed receiver. */
@Entity({ name: 'waste_manifests' })
export class WasteManifestEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') number: string;
  @Column('text') state: ManifestState;
  /** The category of the national list (HW01–HW50). */
  @Column('text') wasteCode: string;
  /** 废物代码: the 8-digit code of 《国家危险废物名录（2021年版）》 under that category (null: filed before). */
  @Column({ type: 'text', nullable: true }) wasteListCode: string | null;
  @Column('uuid') chemicalId: string;
  @Column('uuid') lotId: string;
  @Column('text') packaging: 'bulk' | 'packaged';
  @Column('uuid') generatorEnterpriseId: string;
  @Column('uuid') generatorFacilityId: string;
  @Column('uuid') transporterEnterpriseId: string;
  @Column('uuid') receiverEnterpriseId: string;
  @Column('uuid') receiverFacilityId: string;
  @Column({ type: 'numeric', precision: 18, scale: 3 }) plannedKg: string;
  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true }) shippedKg: string | null;
  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true }) receivedKg: string | null;
  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true }) disposedKg: string | null;
  @Column({ type: 'text', nullable: true }) disposalMethod: string | null;
  @Column({ type: 'numeric', precision: 8, scale: 6 }) toleranceRatio: string;
  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true }) discrepancyKg: string | null;
  @Column({ type: 'text', nullable: true }) rejectionReason: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) shippedAt: Date | null;
  /** When the transporter confirmed it took the waste (承运人确认). */
  @Column({ type: 'timestamptz', nullable: true }) pickedUpAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) receivedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
  /**
   * GB/T 2260 province codes of the two facilities as the registry confirms them (32: Jiangsu);
   * null for a facility outside the city whose province emergency management has not confirmed
   * (the transfer then counts as crossing a border).
   */
  @Column({ type: 'text', nullable: true }) generatorProvince: string | null;
  @Column({ type: 'text', nullable: true }) receiverProvince: string | null;
  /** The provinces the generator stated on the manifest: a claim, kept beside the confirmed ones. */
  @Column({ type: 'text', nullable: true }) generatorProvinceStated: string | null;
  @Column({ type: 'text', nullable: true }) receiverProvinceStated: string | null;
  /** 跨省转移审批 number, for a transfer across a provincial border. */
  @Column({ type: 'text', nullable: true }) approvalNumber: string | null;
  @Column({ type: 'text', nullable: true }) approvalStatus: ApprovalStatus | null;
  @Column({ type: 'text', nullable: true }) approvalAssertedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) approvalAssertedAt: Date | null;
}
