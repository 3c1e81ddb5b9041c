import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A sale of a highly toxic chemical or explosive precursor and the seller's duty to file it with
 * police within 5 days (Decree 591 Art. 41). filingId: the sale filing that recorded it.
 */
@Entity({ name: 'controlled_sales' })
export class ControlledSaleEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') movementId: string;
  @Column('uuid') sellerId: string;
  @Column('uuid') buyerId: string;
  @Column('uuid') chemicalId: string;
  @Column('numeric') quantityKg: string;
  @Column('timestamptz') soldAt: Date;
  @Column('timestamptz') dueAt: Date;
  @Column({ type: 'uuid', nullable: true }) filingId: string | null;
  /** When the overdue warning (controlled.sale_unfiled) was published. */
  @Column({ type: 'timestamptz', nullable: true }) warnedAt: Date | null;
}
