import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PersonRole, QualificationKind } from '../vocabulary.js';

@Entity({ name: 'personnel' })
export class PersonEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  /** 公民身份号码 (personal data: masked for all but the employer and admin). */
  @Column({ type: 'char', length: 18 }) idNumber: string;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column('text') role: PersonRole;
  @Column('uuid') employerId: string;
  @Column('text') qualificationKind: QualificationKind;
  @Column('text') qualificationNumber: string;
  @Column('date') qualificationExpiry: string;
  @Column({ type: 'text', default: 'active' }) status: 'active' | 'inactive';
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
