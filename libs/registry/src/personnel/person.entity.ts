import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PersonRole, QualificationKind } from '../vocabulary.js';

/**
 * A person as one carrier employs them (an employment record). Two carriers that employ the same
 * driver hold two records, each seeing only its own: nothing one carrier registers tells another
 * that the person exists. The qualification is null until transport confirms it.
 */
@Entity({ name: 'personnel' })
export class PersonEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  /** 公民身份号码 (personal data: masked for all but the employer and admin). */
  @Column({ type: 'char', length: 18 }) idNumber: string;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column('text') role: PersonRole;
  @Column('uuid') employerId: string;
  @Column({ type: 'text', nullable: true }) qualificationKind: QualificationKind | null;
  @Column({ type: 'text', nullable: true }) qualificationNumber: string | null;
  @Column({ type: 'date', nullable: true }) qualificationExpiry: string | null;
  @Column({ type: 'text', default: 'active' }) status: 'active' | 'inactive';
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
