import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) position: string;
  @Column('uuid') id: string;
  @Column('text') stream: string;
  @Column('text') type: string;
  @Column('integer') version: number;
  @Column({ type: 'text', nullable: true }) subjectId: string | null;
  @Column('jsonb') payload: Record<string, unknown>;
  @Column('timestamptz') occurredAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) relayedAt: Date | null;
}
