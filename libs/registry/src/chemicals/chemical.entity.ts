import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ControlStatus } from '../vocabulary.js';

export type PhysicalState = 'solid' | 'liquid' | 'gas' | 'liquefied_gas';

@Entity({ name: 'chemicals' })
export class ChemicalEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'text', nullable: true }) cas: string | null;
  @Column({ type: 'char', length: 4, nullable: true }) unNumber: string | null;
  @Column('text') nameZh: string;
  @Column({ type: 'text', nullable: true }) nameEn: string | null;
  @Column('text', { array: true }) synonyms: string[];
  /** ADR class or division ("2.3", "3", "1.1D"). */
  @Column({ type: 'text', nullable: true }) unClass: string | null;
  @Column('text', { array: true }) subsidiaryRisks: string[];
  @Column('text', { array: true }) packingGroups: string[];
  /** ADR 8.6 / JT/T 617 tunnel restriction code ("C/E", "D", "B1000C"). */
  @Column({ type: 'text', nullable: true }) tunnelCode: string | null;
  @Column({ type: 'numeric', nullable: true }) densityKgPerL: string | null;
  /** Liquefied gases: the most kg a litre of tank capacity may hold (ADR 4.3.3.2.5 / T50). */
  @Column({ type: 'numeric', nullable: true }) fillingRatioKgPerL: string | null;
  @Column({ type: 'text', nullable: true }) fillingRatioSource: string | null;
  @Column({ type: 'text', nullable: true }) physicalState: PhysicalState | null;
  /** 剧毒 */
  @Column({ type: 'boolean', default: false }) highlyToxic: boolean;
  /** 易制爆 */
  @Column({ type: 'boolean', default: false }) explosivePrecursor: boolean;
  /** 易制毒 category 1, 2 or 3. */
  @Column({ type: 'smallint', nullable: true }) drugPrecursorCategory: number | null;
  /** 重点监管 */
  @Column({ type: 'boolean', nullable: true }) keySupervised: boolean | null;
  /** 禁限控 */
  @Column({ type: 'text', default: 'none' }) controlStatus: ControlStatus;
  @Column({ type: 'text', nullable: true }) controlNote: string | null;
  @Column('text', { array: true }) controlAllowedDistricts: string[];
  /** GB 18218-2018 Table 1 critical quantity Q (t), for named substances. */
  @Column({ type: 'numeric', nullable: true }) gb18218CriticalT: string | null;
  @Column({ type: 'numeric', nullable: true }) gb18218Beta: string | null;
  @Column({ type: 'text', nullable: true }) sources: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
