import { Column, Entity, PrimaryColumn } from 'typeorm';

export const WAYBILL_STATUSES = [
  'draft',
  'submitted',
  'loaded',
  'in_transit',
  'arrived',
  'received',
  'closed',
  'cancelled',
] as const;
export type WaybillStatus = (typeof WAYBILL_STATUSES)[number];

/** 剧毒化学品道路运输通行证: the police pass a highly toxic load needs, with its route and validity. */
export interface ToxicPass {
  number: string;
  validFrom: string;
  validTo: string;
  /** The permitted route the pass names. */
  routeId: string;
}

/** The loader's (装货人) check before loading, as signed. */
export interface LoadingCheck {
  vehicleOk: boolean;
  tankOk: boolean;
  documentsOk: boolean;
  goodsMatch: boolean;
  loaderName: string;
  signedAt: string;
}

export interface DiscrepancyLine {
  line: number;
  chemicalId: string;
  shippedKg: number;
  receivedKg: number;
  differenceKg: number;
  toleranceKg: number;
}

/** How emergency management resolved a discrepancy found at receipt, and the loss legs it booked. */
export interface DiscrepancyResolution {
  finding: DiscrepancyFinding;
  reason: string;
  by: string;
  byKeyId: string | null;
  at: string;
  movementIds: string[];
}

/** What the agency found the missing quantity was: a loss on the road, theft, a spill, a weighing error. */
export const DISCREPANCY_FINDINGS = ['transport_loss', 'theft', 'spill', 'weighing_error'] as const;
export type DiscrepancyFinding = (typeof DISCREPANCY_FINDINGS)[number];

export interface TrackSummary {
  distanceM: number;
  fixes: number;
  minutes: number;
  offRouteMinutes: number;
  onRouteMinutes: number;
  violations: Record<string, number>;
}

/** 电子运单: one loaded trip of dangerous goods by road. */
@Entity({ name: 'waybills' })
export class WaybillEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') number: string;
  @Column('text') status: WaybillStatus;
  @Column('integer') version: number;
  /** 托运人 */
  @Column('uuid') consignorId: string;
  /** 承运人 */
  @Column('uuid') carrierId: string;
  /** 收货人 */
  @Column('uuid') consigneeId: string;
  @Column('uuid') loadingFacilityId: string;
  @Column('uuid') unloadingFacilityId: string;
  @Column('uuid') vehicleId: string;
  @Column({ type: 'uuid', nullable: true }) trailerId: string | null;
  @Column('uuid') driverId: string;
  /** 押运员 */
  @Column('uuid') escortId: string;
  @Column('uuid') routeId: string;
  @Column('timestamptz') plannedDeparture: Date;
  @Column('timestamptz') plannedArrival: Date;
  @Column({ type: 'jsonb', nullable: true }) toxicPass: ToxicPass | null;
  /** The hazardous waste transfer manifest (危险废物转移联单) of a waste load. */
  @Column({ type: 'uuid', nullable: true }) manifestId: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @Column({ type: 'jsonb', nullable: true }) loadingCheck: LoadingCheck | null;
  @Column({ type: 'timestamptz', nullable: true }) loadedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) departedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) arrivedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) receivedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ type: 'text', nullable: true }) cancelReason: string | null;
  @Column({ type: 'jsonb', nullable: true }) discrepancy: DiscrepancyLine[] | null;
  /** Set when emergency management resolved the discrepancy (null: open, while there is one). */
  @Column({ type: 'jsonb', nullable: true }) discrepancyResolution: DiscrepancyResolution | null;
  @Column({ type: 'jsonb', nullable: true }) trackSummary: TrackSummary | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}

@Entity({ name: 'waybill_items' })
export class WaybillItemEntity {
  @PrimaryColumn('uuid') waybillId: string;
  @PrimaryColumn('integer') line: number;
  @Column('uuid') chemicalId: string;
  @Column({ type: 'text', nullable: true }) unNumber: string | null;
  /** 正式运输名称 */
  @Column('text') properShippingName: string;
  @Column({ type: 'text', nullable: true }) unClass: string | null;
  @Column({ type: 'text', nullable: true }) packingGroup: string | null;
  @Column({ type: 'numeric', precision: 18, scale: 6 }) quantityValue: string;
  @Column('text') unit: 'kg' | 't' | 'L' | 'm3';
  @Column({ type: 'numeric', precision: 18, scale: 3 }) quantityKg: string;
  @Column({ type: 'uuid', nullable: true }) lotId: string | null;
  @Column('text') packaging: 'tank' | 'packaged';
  @Column({ type: 'integer', nullable: true }) compartment: number | null;
  @Column({ type: 'integer', nullable: true }) packages: number | null;
  @Column({ type: 'uuid', nullable: true }) shipMovementId: string | null;
  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true }) receivedKg: string | null;
  @Column({ type: 'uuid', nullable: true }) receiveMovementId: string | null;
}

@Entity({ name: 'waybill_versions' })
export class WaybillVersionEntity {
  @PrimaryColumn('uuid') waybillId: string;
  @PrimaryColumn('integer') version: number;
  @Column('jsonb') content: Record<string, unknown>;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column('timestamptz') createdAt: Date;
}

@Entity({ name: 'waybill_transitions' })
export class WaybillTransitionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') waybillId: string;
  @Column({ type: 'text', nullable: true }) fromStatus: WaybillStatus | null;
  @Column('text') toStatus: WaybillStatus;
  @Column('timestamptz') at: Date;
  @Column('text') source: 'api' | 'gps' | 'sweep';
  @Column({ type: 'uuid', nullable: true }) actorKeyId: string | null;
  @Column('jsonb') detail: Record<string, unknown>;
}
