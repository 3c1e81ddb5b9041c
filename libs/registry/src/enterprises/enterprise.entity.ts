import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CreditStatus, District, EnterpriseRole, EnterpriseSector } from '../vocabulary.js';

export interface Contact {
  name: string;
  role?: string;
  phone?: string;
}

@Entity({ name: 'enterprises' })
export class EnterpriseEntity {
  @PrimaryColumn('uuid') id: string;
  /** 统一社会信用代码, GB 32100-2015. */
  @Column({ type: 'char', length: 18 }) creditCode: string;
  @Column('text') name: string;
  @Column('text', { array: true }) roles: EnterpriseRole[];
  @Column('text') district: District;
  /** Decree 591 Art. 29: a chemical enterprise (化工企业) or a hospital, laboratory, school, other user. */
  @Column({ type: 'text', default: 'chemical' }) sector: EnterpriseSector;
  /** Uses listed chemicals as production raw material above 《危险化学品使用量的数量标准》 (2013). */
  @Column({ type: 'boolean', default: true }) usesAboveThreshold: boolean;
  @Column('text') address: string;
  @Column('jsonb') contacts: Contact[];
  @Column({ type: 'text', default: 'normal' }) creditStatus: CreditStatus;
  @Column({ type: 'text', nullable: true }) creditReason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) creditSince: Date | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

@Entity({ name: 'enterprise_credit_events' })
export class CreditEventEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') enterpriseId: string;
  @Column('text') status: CreditStatus;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column('timestamptz') effectiveAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) recordedAt: Date;
  @Column({ type: 'uuid', nullable: true }) recordedBy: string | null;
}
