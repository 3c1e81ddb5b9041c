import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VehicleKind } from '../vocabulary.js';

@Entity({ name: 'vehicles' })
export class VehicleEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') plate: string;
  @Column('text') kind: VehicleKind;
  @Column('uuid') carrierId: string;
  @Column('text', { array: true }) permittedClasses: string[];
  @Column({ type: 'numeric', nullable: true }) tankVolumeM3: string | null;
  /** Each compartment's capacity, litres, in compartment order (one compartment: [its volume]). */
  @Column({ type: 'integer', array: true, nullable: true }) tankCompartmentsL: number[] | null;
  /** 罐体编号: the tank's number on its inspection certificate. */
  @Column({ type: 'text', nullable: true }) tankNumber: string | null;
  /** 核定载质量 */
  @Column({ type: 'numeric', nullable: true }) approvedLoadKg: string | null;
  /** 适装介质列表: the chemicals this tank may carry. */
  @Column('uuid', { array: true }) approvedMedia: string[];
  @Column({ type: 'date', nullable: true }) tankInspectionExpiry: string | null;
  /** 道路运输证号 */
  @Column({ type: 'text', nullable: true }) transportCertNumber: string | null;
  @Column({ type: 'date', nullable: true }) transportCertExpiry: string | null;
  /** JT/T 808 terminal phone number, canonical 12 digits. */
  @Column({ type: 'text', nullable: true }) terminalId: string | null;
  @Column({ type: 'text', default: 'active' }) status: 'active' | 'suspended' | 'retired';
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
